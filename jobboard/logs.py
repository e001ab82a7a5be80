"""Structured logs: one JSON object a line (LOG_FORMAT=json, the default when DEBUG is off), with no
personal data: e-mail addresses and the tokens of personal links are masked in every message."""

import copy
import datetime as dt
import json
import logging
import re

from django.utils.log import AdminEmailHandler as _AdminEmailHandler

# A personal link (/alerts/confirm/<token>/, /alerts/withdraw/<token>/) is as good as the address it acts on.
TOKEN_PATH = re.compile(r"(/alerts/(?:confirm|withdraw)/)[^/\s?#\"']+")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Standard LogRecord attributes; anything else a caller adds with extra= is kept if it is plain data.
STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request", "server_time"}


def redact(text: str) -> str:
    return EMAIL.sub("[email]", TOKEN_PATH.sub(r"\1[token]", text))


class RedactingFilter(logging.Filter):
    """Masks addresses and personal-link tokens, whichever format the record is written in."""

    def filter(self, record):
        record.msg = redact(record.getMessage())
        record.args = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        for key, value in vars(record).items():
            if key not in STANDARD and key != "status_code" and isinstance(value, (str, int, float, bool)):
                entry[key] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            # The exception's type and the stack, not its message (it may quote a value a user typed).
            entry["exception"] = record.exc_info[0].__name__
            entry["stack"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class AdminEmailHandler(_AdminEmailHandler):
    """Django's mail to ADMINS, without the request (its form data, cookies and headers may be personal):
    the message (masked), the exception and its stack, the settings (secrets hidden by Django)."""

    def emit(self, record):
        record = copy.copy(record)
        record.__dict__.pop("request", None)
        super().emit(record)
