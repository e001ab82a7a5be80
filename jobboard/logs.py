"""Logs carry no credential and no personal data.

- The token in a confirmation or withdrawal link (a withdrawal token is good for 400 days) is replaced
  wherever a path is written, in gunicorn's access log and in Django's request log.
- E-mail addresses are masked in every message (RedactingFilter).
- Production writes one JSON object a line (LOG_FORMAT=json, the default when DEBUG is off: JsonFormatter).
- Errors mailed to ADMINS (when there is no Sentry) leave out the request (AdminEmailHandler).
"""

import copy
import datetime as dt
import json
import logging
import re

from django.utils.log import AdminEmailHandler as _AdminEmailHandler
from gunicorn.glogging import Logger

# /<lang>/alerts/confirm/<token>/ and /<lang>/alerts/withdraw/<token>/ (not the request form, /withdraw/).
_TOKEN_PATH = re.compile(r"(/alerts/(?:confirm|withdraw)/)[^/?#\s\"]+")
REDACTED = "…"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Standard LogRecord attributes; anything else a caller adds with extra= is kept if it is plain data.
STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request", "server_time"}


def redact(text: str) -> str:
    return _TOKEN_PATH.sub(rf"\g<1>{REDACTED}", text)


def redact_personal(text: str) -> str:
    """Tokens of personal links, and e-mail addresses."""
    return EMAIL.sub("[email]", redact(text))


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


class RedactingFilter(logging.Filter):
    """RedactTokens, and e-mail addresses masked too, whichever format the record is written in."""

    def filter(self, record):
        message = record.getMessage()
        if (redacted := redact_personal(message)) != message:
            record.msg, record.args = redacted, ()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact_personal(record.getMessage()),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        for key, value in vars(record).items():
            if key not in STANDARD and key != "status_code" and isinstance(value, (str, int, float, bool)):
                entry[key] = redact_personal(value) if isinstance(value, str) else value
        if record.exc_info:
            # The exception's type and the stack (masked as messages are).
            entry["exception"] = record.exc_info[0].__name__
            entry["stack"] = redact_personal(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class AdminEmailHandler(_AdminEmailHandler):
    """Django's mail to ADMINS, without the request (its form data, cookies and headers may be personal):
    the message (masked), the exception and its stack, the settings (secrets hidden by Django)."""

    def emit(self, record):
        record = copy.copy(record)
        record.__dict__.pop("request", None)
        super().emit(record)
