"""Logs carry no credential: the token in a confirmation or withdrawal link (a withdrawal token is good
for 400 days) is replaced wherever a path is written, in gunicorn's access log and in Django's request log."""

import logging
import re

from gunicorn.glogging import Logger

# /<lang>/alerts/confirm/<token>/ and /<lang>/alerts/withdraw/<token>/ (not the request form, /withdraw/).
_TOKEN_PATH = re.compile(r"(/alerts/(?:confirm|withdraw)/)[^/?#\s\"]+")
REDACTED = "…"


def redact(text: str) -> str:
    return _TOKEN_PATH.sub(rf"\g<1>{REDACTED}", text)


class GunicornLogger(Logger):
    """gunicorn's logger with token paths redacted from every atom of the access log (request line, path,
    referrer, headers); docker-compose.yml and the Dockerfile run gunicorn with it."""

    def atoms(self, resp, req, environ, request_time):
        return {
            name: redact(value) if isinstance(value, str) else value
            for name, value in super().atoms(resp, req, environ, request_time).items()
        }


class RedactTokens(logging.Filter):
    """For Django's loggers ("Bad Request: /nl/alerts/withdraw/<token>/" is a warning of django.request)."""

    def filter(self, record):
        message = record.getMessage()
        if (redacted := redact(message)) != message:
            record.msg, record.args = redacted, ()
        return True
