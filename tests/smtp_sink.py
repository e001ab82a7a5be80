"""A real SMTP server (aiosmtpd) on loopback that records what it accepts, for tests."""

import asyncio
import socket
import threading
import time
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


class MtaLikeSMTP(SMTP):
    """aiosmtpd, except at the end of a client's stream: aiosmtpd cancels the connection's handler at once,
    dropping a message whose final dot arrived in the same read. A mail server keeps a message once its dot
    is in, whatever the client does next (RFC 5321 4.1.1.4), and the kill tests kill the sender right after
    dots. Here the end of the stream is fed to the reader instead, and the transport closed: the handler
    reads what had arrived (a complete message is kept, an incomplete one is not), then connection_lost
    ends it as before."""

    def eof_received(self):
        asyncio.StreamReaderProtocol.eof_received(self)
        return False


class MtaLikeController(Controller):
    def factory(self):
        return MtaLikeSMTP(self.handler, **self.SMTP_kwargs)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SinkHandler:
    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []  # (recipients, email.message.EmailMessage)
        self.sessions = 0
        self.refuse = set()  # recipients answered 550
        self.drop_at = None  # close the connection instead of accepting the Nth message

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        session.host_name = hostname
        with self.lock:
            self.sessions += 1
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            if self.drop_at is not None and len(self.messages) + 1 == self.drop_at:
                self.drop_at = None
                server.transport.close()
                return "421 4.3.0 Closing connection"
            self.messages.append(
                (list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default))
            )
        return "250 2.0.0 Accepted"

    def recipients(self):
        with self.lock:
            return [r for recipients, _ in self.messages for r in recipients]

    def for_recipient(self, address):
        with self.lock:
            return [m for recipients, m in self.messages if address in recipients]

    def wait_for(self, condition, timeout=30.0, interval=0.05):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(interval)
        return condition()


class SmtpSink:
    def __init__(self):
        self.handler = SinkHandler()
        self.port = free_port()
        self.controller = MtaLikeController(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self.handler

    def __exit__(self, *exc):
        self.controller.stop()
