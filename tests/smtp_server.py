"""A real SMTP server for the tests: aiosmtpd on a free loopback port, in its own thread. It
keeps every message it accepts and can be told to refuse for a while (4xx) or for good (5xx),
as real servers do."""

import email
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.processes import free_port

USER, SECRET = "consulta", "mail-secret"


@dataclass
class Inbox:
    """What the server received, and how it answers RCPT TO ("250" accepts)."""

    reply: str = "250 OK"
    messages: list[EmailMessage] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook names)
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if not self.reply.startswith("250"):
            return self.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def received(self) -> list[EmailMessage]:
        with self.lock:
            return list(self.messages)

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            USER.encode(),
            SECRET.encode(),
        )
        if ok:
            self.logins.append(USER)
        return AuthResult(success=ok)


@contextmanager
def smtp_server(port: int | None = None, **options: Any) -> Iterator[tuple[Inbox, int]]:
    """Serves until the block ends (on a free port by default); yields the inbox and port."""
    inbox = Inbox()
    port = port or free_port()
    if options.pop("auth", False):
        options |= {"authenticator": inbox.authenticate, "auth_require_tls": True}
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@dataclass(frozen=True)
class Certificate:
    """A self-signed certificate for 127.0.0.1 and localhost."""

    cert: Path
    key: Path

    @classmethod
    def make(cls, folder: Path) -> "Certificate":
        cert, key = folder / "cert.pem", folder / "key.pem"
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", str(key), "-out", str(cert),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        return cls(cert, key)

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A client that trusts this certificate (as an operator's SSL_CERT_FILE would)."""
        return ssl.create_default_context(cafile=str(self.cert))


def text_part(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    content: str = part.get_content()  # type: ignore[attr-defined]
    return content


def html_part(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    content: str = part.get_content()  # type: ignore[attr-defined]
    return content
