"""Sending alerts so that a worker killed at any moment neither loses nor repeats one.

SMTP cannot deduplicate, so the order of steps carries the guarantee. For each message the transport
sends the envelope and the content but holds back the final "." that tells the server to accept it,
records the delivery as sent (a `SentMark`, sent_mark.py), and only then sends the dot. A worker killed
before that record leaves a message the server discards (RFC 5321 4.1.1.4: a transaction is not complete
until the dot) and a delivery that can safely be sent again. The record's COMMIT and the dot are written
back to back and their replies read afterwards, so no round trip separates them. A worker that lost its
claim to the delivery finds out when it records it, and abandons the message.

The embedded setup (file, console or in-memory e-mail) has no such crash to survive and uses Django's
backend. Any other EMAIL_BACKEND is refused (`backend_problem`): a row is recorded as sent once its message
is handed over, so a backend that drops messages (the dummy backend) or whose delivery we cannot follow would
lose mail silently. The worker then keeps the rows pending and says why, and `manage.py check` fails.
"""

import contextlib
import re
import smtplib
import socket
import ssl
from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.core.mail.message import sanitize_address

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_LEADING_DOT = re.compile(rb"^\.", re.MULTILINE)


class Record(Protocol):
    """How a delivery is recorded as sent around the final dot (sent_mark.SentMark)."""

    def hold_begin(self) -> None: ...
    def hold_end(self) -> bool: ...
    def cancel(self) -> None: ...
    def commit_begin(self, dot: bytes = b"", sock=None) -> bytes: ...
    def commit_end(self) -> bool: ...
    def settle(self, *, accepted: bool) -> None: ...
    def unmark(self) -> None: ...


class MessageRefused(Exception):  # noqa: N818 - a refusal, not a fault of ours
    """The server refused this message for good (a 5xx reply): sending it again will not help."""


# Backends that keep what they are handed (a file, the console, the test outbox): nothing lost on the way.
KEEPING_BACKENDS = {
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
}


def backend_problem() -> str | None:
    """Why the configured EMAIL_BACKEND cannot carry alerts, or None."""
    backend = settings.EMAIL_BACKEND
    if backend == SMTP_BACKEND or backend in KEEPING_BACKENDS:
        return None
    return (
        f"EMAIL_BACKEND {backend!r} cannot carry alerts: messages are recorded as sent when handed over, so "
        "use SMTP (EMAIL_URL=smtp://...) or a file, console or in-memory backend."
    )


def transport():
    """The connection of one batch: SMTP with the sent-mark protocol, or Django's backend. Raises
    ImproperlyConfigured for any other backend, before anything is recorded as sent."""
    if problem := backend_problem():
        raise ImproperlyConfigured(problem)
    return SmtpTransport() if settings.EMAIL_BACKEND == SMTP_BACKEND else DjangoBackendTransport()


def dot_stuffed(content: bytes) -> bytes:
    """`content` with the dot that starts a line doubled (RFC 5321 4.5.2), so that none ends the message."""
    return _LEADING_DOT.sub(b"..", content)


def wire_form(message: EmailMessage) -> bytes:
    """The content sent after DATA: CRLF line ends, leading dots doubled (RFC 5321 4.5.2), a final CRLF."""
    content = dot_stuffed(message.message().as_bytes(linesep="\r\n"))
    return content if content.endswith(b"\r\n") else content + b"\r\n"


# An address in plain ASCII needs no encoding or quoting: it skips the email package's parsers, which cost
# more per alert than anything else in the worker (Django's sanitize_address and smtplib's quoteaddr).
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


def _envelope_address(address, encoding):
    """The <address> of MAIL FROM or RCPT TO, as smtplib's mail() and rcpt() would send it."""
    if _PLAIN_ADDRESS.fullmatch(address):
        return f"<{address}>"
    return smtplib.quoteaddr(sanitize_address(address, encoding))


# The sender is the same for every message of a fan-out: work it out once.
_sender_envelope = lru_cache(maxsize=16)(_envelope_address)


class SmtpTransport:
    """One SMTP connection for a batch of messages."""

    def __enter__(self):
        self._connect()
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            self._close()
        else:
            # Perhaps in the middle of a message: QUIT would be read as its text. Dropping the connection
            # makes the server discard the unfinished message.
            self.smtp.close()

    def _connect(self):
        timeout = getattr(settings, "EMAIL_TIMEOUT", None) or 30
        if settings.EMAIL_USE_SSL:
            self.smtp = smtplib.SMTP_SSL(
                settings.EMAIL_HOST,
                settings.EMAIL_PORT,
                timeout=timeout,
                context=ssl.create_default_context(),
            )
        else:
            self.smtp = smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=timeout)
            if settings.EMAIL_USE_TLS:
                self.smtp.starttls(context=ssl.create_default_context())
        if settings.EMAIL_HOST_USER:
            self.smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
        self.smtp.ehlo_or_helo_if_needed()  # smtplib greets only in sendmail(), which we do not use
        # The final dot is a tiny write right after the content: without this, Nagle's algorithm holds it
        # until the server's delayed ACK (about 40 ms a message).
        self.smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _close(self):
        try:
            self.smtp.quit()
        except (smtplib.SMTPException, OSError):
            self.smtp.close()

    def send(self, message: EmailMessage, record: Record) -> bool:
        """Send one message. Returns False when `record` could not hold the delivery (nothing was delivered).

        A message may carry its content ready in `wire` (see messages.AlertMessage). Raises MessageRefused
        for a permanent refusal of this message, SMTPException or OSError otherwise.
        """
        smtp = self.smtp
        encoding = message.encoding or settings.DEFAULT_CHARSET
        record.hold_begin()
        try:
            code, reply = smtp.docmd("MAIL", f"FROM:{_sender_envelope(message.from_email, encoding)}")
            if code != 250:
                self._failed(code, reply)
            for recipient in message.recipients():
                code, reply = smtp.docmd("RCPT", f"TO:{_envelope_address(recipient, encoding)}")
                if code not in (250, 251):
                    self._failed(code, reply, permanent=code >= 500)
            code, reply = smtp.docmd("DATA")
            if code != 354:
                self._failed(code, reply)
            smtp.send(getattr(message, "wire", None) or wire_form(message))
            held = record.hold_end()
        except BaseException:
            record.cancel()
            raise
        if not held:
            # Dropping the connection mid-DATA makes the server discard the message.
            smtp.close()
            self._connect()
            return False
        rest = record.commit_begin(b".\r\n", smtp.sock)  # the COMMIT and the dot, nothing between them
        try:
            if rest:
                smtp.send(rest)
        finally:
            committed = record.commit_end()  # before anything else uses the database connection
        code, reply = smtp.getreply()
        if not committed:
            record.settle(accepted=code == 250)
        if code != 250:
            self._failed(code, reply, permanent=code >= 500)
        return True

    def _failed(self, code, reply, permanent=False):
        """A refused recipient or message (5xx) is final for that message; anything else is retried."""
        with contextlib.suppress(smtplib.SMTPException, OSError):
            self.smtp.rset()  # end the transaction so the connection can carry the next message
        if permanent:
            raise MessageRefused(f"{code} {reply[:100]!r}")
        raise smtplib.SMTPResponseException(code, reply)


class DjangoBackendTransport:
    """File, console or in-memory e-mail: record, then hand the message to Django's backend."""

    def __enter__(self):
        self.connection = get_connection()
        self.connection.open()
        return self

    def __exit__(self, *exc):
        self.connection.close()

    def send(self, message: EmailMessage, record: Record) -> bool:
        record.hold_begin()
        if not record.hold_end():
            return False
        record.commit_begin()
        if not record.commit_end():
            record.settle(accepted=False)
        message.connection = self.connection
        try:
            message.send()
        except BaseException:
            record.unmark()  # not handed over after all: back to the batch, which gives it back to pending
            raise
        return True
