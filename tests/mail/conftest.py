"""A real SMTP server on loopback (aiosmtpd), for the tests that send mail.

No mock of smtplib: the outbox talks SMTP to this server, which records what it receives.
"""

import asyncio
import email
import socket
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


class _Recorder:
    """The aiosmtpd handler: keeps every message it accepts, and answers after the server's
    ``reply_delay`` (a slow server that has taken the message but not yet said so)."""

    def __init__(self, owner: "SMTPServer"):
        self.owner = owner

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.owner.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        if self.owner.reply_delay:
            await asyncio.sleep(self.owner.reply_delay)
        return self.owner.data_reply


class SMTPServer:
    """An SMTP server on a fixed loopback port that a test can take down and bring back."""

    def __init__(self, port: int):
        self.host = HOST
        self.port = port
        self.messages: list[Received] = []
        self.reply_delay = 0.0  # seconds between taking a message and answering
        self.data_reply = "250 Message accepted for delivery"
        self._controller: Controller | None = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        if self._controller is None:
            # A fresh controller each time: the same port, the same list of messages.
            controller = Controller(_Recorder(self), hostname=self.host, port=self.port)
            controller.start()
            self._controller = controller

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[Received]:
        """The messages delivered to ``address`` (To or Cc: the envelope says)."""
        return [r for r in self.messages if address in r.recipients]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A running SMTP server; the app sends to it for the duration of the test."""
    server = SMTPServer(_free_port())
    monkeypatch.setitem(app.config, "MAIL_SERVER", server.host)
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)  # plain SMTP, whatever the env says
    monkeypatch.setitem(app.config, "MAIL_USERNAME", None)
    server.start()
    try:
        yield server
    finally:
        server.stop()
