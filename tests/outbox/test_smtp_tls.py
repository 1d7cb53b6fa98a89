"""SMTP over TLS, both ways (STARTTLS and SMTPS), with authentication, against aiosmtpd with a
self-signed certificate: sent when the certificate is trusted, refused (and kept for a retry)
when it is not."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.mail.handler import message
from app.mail.smtp import SmtpServer, send
from app.outbox.delivery import Delivery
from tests.smtp_server import SECRET, USER, Certificate, smtp_server, text_part


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return Certificate.make(tmp_path_factory.mktemp("tls"))


def a_mail(to: str = "ana@example.org") -> Delivery:
    payload = {
        "from": "Consulta <consulta@example.org>",
        "to": to,
        "subject": "Confirm your email address",
        "text": "Hello,\n\nhttps://consulta.example/verify?token=abc\n",
        "html": '<p><a href="https://consulta.example/verify?token=abc">Confirm</a></p>',
        "lang": "en",
        "message_id": "<outbox-1@example.org>",
    }
    return Delivery(1, "mail", to, payload, attempt=1, max_attempts=3)


@pytest.fixture
def starttls(certificate: Certificate) -> Iterator[tuple[object, int]]:
    with smtp_server(
        tls_context=certificate.server_context(), require_starttls=True, auth=True
    ) as server:
        yield server


def test_starttls_with_a_login_delivers(certificate: Certificate, starttls: tuple) -> None:
    inbox, port = starttls
    server = SmtpServer.from_url(f"smtp://{USER}:{SECRET}@127.0.0.1:{port}?starttls=true")
    outcome = send(server, message(a_mail()), timeout=5, context=certificate.client_context())
    assert outcome.status == "sent"
    [received] = inbox.received()
    assert "https://consulta.example/verify?token=abc" in text_part(received).splitlines()
    assert inbox.logins == [USER]


def test_starttls_refuses_an_untrusted_certificate(starttls: tuple) -> None:
    inbox, port = starttls
    server = SmtpServer.from_url(f"smtp://{USER}:{SECRET}@127.0.0.1:{port}?starttls=true")
    outcome = send(server, message(a_mail()), timeout=5)  # the system's authorities only
    assert outcome.status == "retry"
    assert "CERTIFICATE_VERIFY_FAILED" in (outcome.detail or "")
    assert inbox.received() == []


def test_smtps_delivers_over_implicit_tls(certificate: Certificate) -> None:
    with smtp_server(ssl_context=certificate.server_context()) as (inbox, port):
        server = SmtpServer.from_url(f"smtps://127.0.0.1:{port}")
        outcome = send(server, message(a_mail()), timeout=5, context=certificate.client_context())
        assert outcome.status == "sent"
        assert len(inbox.received()) == 1


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org", SmtpServer("mail.example.org", 25)),
        (
            "smtp://u%40x:p%3Ass@mail.example.org:2525",
            SmtpServer("mail.example.org", 2525, username="u@x", password="p:ss"),
        ),
        (
            "smtp://mail.example.org?starttls=true",
            SmtpServer("mail.example.org", 587, starttls=True),
        ),
        ("smtps://mail.example.org", SmtpServer("mail.example.org", 465, implicit_tls=True)),
    ],
)
def test_smtp_urls(url: str, expected: SmtpServer) -> None:
    assert SmtpServer.from_url(url) == expected


@pytest.mark.parametrize(
    "url", ["http://mail.example.org", "smtp://", "smtps://mail.example.org?starttls=true"]
)
def test_bad_smtp_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="CONSULTA_SMTP_URL"):
        SmtpServer.from_url(url)


def test_the_log_never_shows_the_password(tmp_path: Path) -> None:
    server = SmtpServer.from_url("smtp://user:hunter2hunter2@mail.example.org:587?starttls=1")
    assert "hunter2" not in server.describe()
    assert server.describe() == "smtp+starttls://mail.example.org:587"
