"""Counting events per key within a window, in the database, so that every worker process
and container sees the same counts. Keys name what is limited and for whom:
`signin:<email> <address>` (failed sign-ins of one account from one client address),
`signin-address:<address>` (failed sign-ins from one address), `register:<address>`,
`resend:<address>`, `reset:<address>`. Never a key across addresses: failures elsewhere must
not lock a person out."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.auth.models import ThrottleEvent
from app.config import Settings
from app.db import utcnow
from app.errors import TooManyRequests


@dataclass(frozen=True)
class Limit:
    max_events: int
    window: timedelta


@dataclass(frozen=True)
class SignInLimits:
    """Failed sign-ins allowed per (account, client address) and per client address."""

    pair: Limit
    address: Limit


TOO_MANY_REQUESTS = "Too many requests from this address; try again later."


def sign_in_limits(settings: Settings) -> SignInLimits:
    window = timedelta(seconds=settings.login_window_seconds)
    return SignInLimits(
        pair=Limit(settings.login_max_failures, window),
        address=Limit(settings.login_max_failures_per_address, window),
    )


def account_requests(settings: Settings) -> Limit:
    """Registrations, verification resends and password resets: each per client address."""
    return Limit(settings.account_requests_per_hour, timedelta(hours=1))


def signin_pair(email: str, address: str) -> str:
    return f"signin:{email.lower()} {address}"


def signin_address(address: str) -> str:
    return f"signin-address:{address}"


def check(session: Session, key: str, limit: Limit, detail: str) -> None:
    """429 with Retry-After while `key` has `max_events` events in the window."""
    now = utcnow()
    count, oldest = session.execute(
        select(func.count(), func.min(ThrottleEvent.at)).where(
            ThrottleEvent.key == key, ThrottleEvent.at > now - limit.window
        )
    ).one()
    if count >= limit.max_events:
        retry_after = max(1, int((oldest + limit.window - now).total_seconds()) + 1)
        raise TooManyRequests(detail, retry_after=retry_after)


def count(session: Session, key: str, limit: Limit) -> None:
    """Adds an event (and drops the key's events that fell out of the window)."""
    now = utcnow()
    session.execute(
        delete(ThrottleEvent).where(
            ThrottleEvent.key == key, ThrottleEvent.at <= now - limit.window
        )
    )
    session.add(ThrottleEvent(key=key, at=now))


def check_and_count(session: Session, key: str, limit: Limit, detail: str) -> None:
    check(session, key, limit, detail)
    count(session, key, limit)


def clear(session: Session, key: str) -> None:
    session.execute(delete(ThrottleEvent).where(ThrottleEvent.key == key))
