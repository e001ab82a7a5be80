"""Every answer the test suite gets from `/api/v1/` is checked against the OpenAPI document (a conftest
fixture wraps the test client): the status must be documented for the operation, and the body must match."""

import gzip
import json
import re

from jsonschema import Draft202012Validator, FormatChecker

_operations = []  # (compiled path pattern, path template), from the document


def _templates(document):
    if not _operations:
        # Fixed paths first: /api/v1/vacancies/eligible/ is not the vacancy "eligible".
        for template in sorted(document["paths"], key=lambda t: "{" in t):
            pattern = re.escape(template).replace(r"\{slug\}", r"[^/]+")
            _operations.append((re.compile(f"^{pattern}$"), template))
    return _operations


def problems(document, path, method, response) -> list[str]:
    """What is wrong with `response` to `method path` by the document; [] when it is as documented."""
    template = next((t for pattern, t in _templates(document) if pattern.match(path)), None)
    if template is None:
        return [] if response.status_code == 404 else [f"{path}: not in the document"]
    operation = document["paths"][template].get(method)
    if operation is None:
        return [] if response.status_code == 405 else [f"{method} {template}: not in the document"]
    documented = operation["responses"].get(str(response.status_code))
    if documented is None:
        return [f"{method} {template}: status {response.status_code} is not documented"]
    schema = documented["content"]["application/json"]["schema"]
    validator = Draft202012Validator(
        {**schema, "components": document["components"]}, format_checker=FormatChecker()
    )
    return [
        f"{method} {path} {response.status_code}: {error.message} at {list(error.absolute_path)}"
        for error in validator.iter_errors(_body(response))
    ]


def _body(response):
    content = response.content
    if response.get("Content-Encoding") == "gzip":
        content = gzip.decompress(content)
    return json.loads(content)
