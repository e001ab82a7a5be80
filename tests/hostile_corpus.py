"""A fixed corpus of hostile requests, sent by `tests/test_hostile_under_faults.py` from a process of the site
whose Redis, mail server or database is down
(`manage.py shell -c "from tests.hostile_corpus import run; run()"`).

Prints one JSON line: [[label, status, Retry-After], ...].
"""

import json
from urllib.parse import quote, urlencode

FRAGMENTS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE vacancies_vacancy; --",
    "\x00",
    "../../etc/passwd",
    "9" * 400,
    "é" * 300,
    "\u202e\u200b\ufeff",
    "jpo",
]
NESTED = "[" * 1000 + "]" * 1000


def requests(fragments=FRAGMENTS):
    for fragment in fragments:
        for key in ("q", "programme", "country", "sort", "page", "status"):
            query = urlencode({key: fragment})
            yield f"list {key}", "get", f"/en/vacancies/?{query}", None
            yield f"api {key}", "get", f"/api/v1/vacancies/?{query}", None
        query = urlencode({"q": fragment})
        yield "atom", "get", f"/nl/vacancies/feed/?{query}", None
        yield "json feed", "get", f"/fr/vacancies/feed.json?{query}", None
        slug = quote(fragment, safe="")
        yield "detail", "get", f"/en/vacancies/{slug}/", None
        yield "api detail", "get", f"/api/v1/vacancies/{slug}/", None
        yield "confirm link", "get", f"/en/alerts/confirm/{slug}/", None
        yield "withdraw link", "post", f"/en/alerts/withdraw/{slug}/", {}
        yield (
            "checker",
            "post",
            "/en/programmes/jpo/eligibility/",
            {"birth_date": fragment, "nationality": fragment},
        )
        yield "eligibility api", "json", "/api/v1/eligibility/", json.dumps({"programme": fragment})
        yield "subscribe", "post", "/en/alerts/", {"email": fragment, "programmes": ["jpo"], "consent": "on"}
        yield "withdraw request", "post", "/en/alerts/withdraw/", {"email": fragment}
    yield "nested json", "json", "/api/v1/eligibility/", NESTED
    yield "nested json, list", "json", "/api/v1/vacancies/eligible/", NESTED
    yield "oversized json", "json", "/api/v1/eligibility/", json.dumps({"programme": "x" * 3_000_000})
    yield "subscribe, valid", "post", "/en/alerts/", {
        "email": "someone@example.org", "programmes": ["jpo"], "language": "en", "consent": "on",
    }  # fmt: skip
    yield "withdraw request, valid", "post", "/en/alerts/withdraw/", {"email": "someone@example.org"}
    for path in ("/", "/en/", "/en/programmes/", "/en/programmes/jpo/", "/en/eligibility/", "/en/privacy/"):
        yield "page", "get", path, None


def run():
    """HOSTILE_FRAGMENTS=N in the environment: only the first N fragments (each request can take seconds)."""
    import os

    from django.test import Client

    client = Client(raise_request_exception=False, HTTP_HOST="localhost")
    answers = []
    fragments = FRAGMENTS[: int(os.environ.get("HOSTILE_FRAGMENTS", len(FRAGMENTS)))]
    for label, method, path, data in requests(fragments):
        if method == "json":
            response = client.post(path, data, content_type="application/json")
        else:
            response = getattr(client, method)(path, data) if data is not None else client.get(path)
        answers.append([label, response.status_code, response.get("Retry-After")])
    print(json.dumps(answers))
