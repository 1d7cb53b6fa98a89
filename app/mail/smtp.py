"""SMTP delivery with the standard library: plain, STARTTLS (`smtp://…?starttls=true`) or
implicit TLS (`smtps://…`), with the system's certificate authorities (or SSL_CERT_FILE)."""

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from app.outbox.delivery import Outcome

TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    implicit_tls: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> "SmtpServer":
        """`smtp://user:pass@host:port`, `smtp://…?starttls=true` or `smtps://…`."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("CONSULTA_SMTP_URL must look like smtp://user:pass@host:port")
        implicit_tls = parts.scheme == "smtps"
        query = parse_qs(parts.query)
        starttls = query.get("starttls", ["false"])[-1].lower() in TRUE
        if implicit_tls and starttls:
            raise ValueError("CONSULTA_SMTP_URL: smtps:// is TLS already; drop starttls")
        default_port = 465 if implicit_tls else 587 if starttls else 25
        return cls(
            host=parts.hostname,
            port=parts.port or default_port,
            implicit_tls=implicit_tls,
            starttls=starttls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )

    def describe(self) -> str:
        """For logs: never the password."""
        mode = "smtps" if self.implicit_tls else "smtp+starttls" if self.starttls else "smtp"
        return f"{mode}://{self.host}:{self.port}"


def send(
    server: SmtpServer,
    message: EmailMessage,
    *,
    timeout: float,
    context: ssl.SSLContext | None = None,
) -> Outcome:
    """Sends one message; a passing failure (the server is down, busy, or answers 4xx) is a
    retry, a recipient refused for good (5xx) is failed."""
    context = context or ssl.create_default_context()
    try:
        if server.implicit_tls:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                server.host, server.port, timeout=timeout, context=context
            )
        else:
            connection = smtplib.SMTP(server.host, server.port, timeout=timeout)
        with connection:
            connection.ehlo()
            if server.starttls:
                connection.starttls(context=context)
                connection.ehlo()
            if server.username is not None:
                connection.login(server.username, server.password or "")
            connection.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        lasting = all(500 <= code < 600 for code in codes)
        detail = "; ".join(
            f"{code} {text.decode(errors='replace')}" for code, text in exc.recipients.values()
        )
        return Outcome("failed" if lasting else "retry", detail=detail, response_status=codes[0])
    except smtplib.SMTPResponseException as exc:
        # Sender refused, authentication failed, data refused: a problem of configuration or a
        # busy server, fixed on our side or theirs; retried until max_attempts.
        text = (
            exc.smtp_error.decode(errors="replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        return Outcome("retry", detail=f"{exc.smtp_code} {text}", response_status=exc.smtp_code)
    except (OSError, smtplib.SMTPException) as exc:  # refused, timed out, TLS, disconnected
        return Outcome("retry", detail=f"{type(exc).__name__}: {exc}")
    return Outcome("sent", response_status=250)
