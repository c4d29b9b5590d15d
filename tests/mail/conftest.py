"""A real SMTP server on loopback (aiosmtpd), for the tests that send mail.

No mock of smtplib: the outbox talks SMTP to this server, which records what it receives.
"""

import email
import importlib
import socket
import sys
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

HOST = "127.0.0.1"


def _import_controller():
    """aiosmtpd's Controller, with the ``public`` module it needs (from atpublic).

    pytest puts tests/ first on sys.path (tests/ has no __init__.py), so ``import public``
    would find tests/public, the public portal's tests. Import aiosmtpd without tests/ on
    the path, then put ``sys.modules`` back as it was so that tests/public still imports.
    """
    tests_dir = Path(__file__).resolve().parents[1]

    def publics():
        return [n for n in sys.modules if n == "public" or n.startswith("public.")]

    shadowed = {name: sys.modules.pop(name) for name in publics()}
    saved_path = sys.path[:]
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != tests_dir]
    try:
        controller = importlib.import_module("aiosmtpd.controller")
    finally:
        sys.path[:] = saved_path
        for name in publics():
            del sys.modules[name]  # atpublic's: aiosmtpd already holds what it uses
        sys.modules.update(shadowed)
    return controller.Controller


Controller = _import_controller()


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


class _Recorder:
    """The aiosmtpd handler: keeps every message it accepts."""

    def __init__(self, messages: list[Received]):
        self.messages = messages

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


class SMTPServer:
    """An SMTP server on a fixed loopback port that a test can take down and bring back."""

    def __init__(self, port: int):
        self.host = HOST
        self.port = port
        self.messages: list[Received] = []
        self._controller: Controller | None = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        if self._controller is None:
            # A fresh controller each time: the same port, the same list of messages.
            controller = Controller(_Recorder(self.messages), hostname=self.host, port=self.port)
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
