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


def handlers(settings: Settings) -> dict[str, Handler]:
    if settings.smtp_url is None:
        return {MAIL: mail.keep}
    server = SmtpServer.from_url(settings.smtp_url.get_secret_value())
    return {MAIL: mail.smtp_handler(server, timeout=settings.smtp_timeout_seconds)}


def make_dispatcher(
    settings: Settings, sessions: sessionmaker[Session], turns: WriteTurns
) -> Dispatcher:
    return Dispatcher(
        sessions,
        turns,
        handlers(settings),
        backoff=Backoff(
            base=timedelta(seconds=settings.outbox_retry_seconds),
            cap=timedelta(seconds=settings.outbox_retry_max_seconds),
        ),
        # Longer than any send may take: a claim still running is never taken over.
        lease=timedelta(seconds=max(60.0, 4 * settings.smtp_timeout_seconds)),
        poll_seconds=settings.outbox_poll_seconds,
    )
