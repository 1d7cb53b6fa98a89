"""The dispatcher the app runs, with a handler for each kind of message."""

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db_turns import WriteTurns
from app.mail import handler as mail
from app.mail.service import KIND as MAIL
from app.mail.smtp import SmtpServer
from app.outbox.delivery import Handler
from app.outbox.dispatcher import Backoff, Dispatcher
from app.webhooks import sender as webhooks
from app.webhooks.service import KIND as WEBHOOK


def handlers(settings: Settings, sessions: sessionmaker[Session]) -> dict[str, Handler]:
    chosen = {WEBHOOK: webhooks.http_handler(sessions, timeout=settings.webhook_timeout_seconds)}
    if settings.smtp_url is None:
        return chosen | {MAIL: mail.keep}
    server = SmtpServer.from_url(settings.smtp_url.get_secret_value())
    return chosen | {MAIL: mail.smtp_handler(server, timeout=settings.smtp_timeout_seconds)}


def make_dispatcher(
    settings: Settings, sessions: sessionmaker[Session], turns: WriteTurns
) -> Dispatcher:
    longest_send = max(settings.smtp_timeout_seconds, settings.webhook_timeout_seconds)
    return Dispatcher(
        sessions,
        turns,
        handlers(settings, sessions),
        backoff=Backoff(
            base=timedelta(seconds=settings.outbox_retry_seconds),
            cap=timedelta(seconds=settings.outbox_retry_max_seconds),
        ),
        # Longer than any send may take: a claim still running is never taken over.
        lease=timedelta(seconds=max(60.0, 4 * longest_send)),
        poll_seconds=settings.outbox_poll_seconds,
    )
