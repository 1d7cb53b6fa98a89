import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth import passwords
from app.auth.models import AccessToken, Account, LoginFailure, SetupToken
from app.auth.schemas import AccountCreate, AccountPublic, AccountUpdate, AdminCreate, Me, SeatRef
from app.auth.scopes import Grant
from app.auth.tokens import new_token, token_hash
from app.committee.models import Seat
from app.consultations.models import Consultation
from app.db import utcnow
from app.errors import Conflict, Invalid, TooManyRequests
from app.vocabulary import StakeholderGroup


def get_by_email(session: Session, email: str) -> Account | None:
    return session.scalar(select(Account).where(Account.email == email.lower()))


def create(
    session: Session, *, data: AccountCreate | AdminCreate, hasher: PasswordHasher
) -> Account:
    """Registers a participant, or an administrator when `data` is an AdminCreate.

    Every administrator is made here, whichever way it comes (`consulta create-admin`, the
    environment at start, the first-run setup page), so what an administrator's account needs
    is settled in this one place."""
    if get_by_email(session, data.email) is not None:
        raise Conflict("An account with this email already exists.")
    if isinstance(data, AdminCreate):
        profile = {"stakeholder_group": StakeholderGroup.other.value, "is_admin": True}
    else:
        profile = {
            "stakeholder_group": data.stakeholder_group.value,
            "country": data.country,
            "organization": data.organization,
        }
    account = Account(
        email=data.email.lower(),
        password_hash=hasher.hash(data.password),
        display_name=data.display_name,
        **profile,
    )
    try:
        with session.begin_nested():
            session.add(account)
    except IntegrityError as exc:  # a concurrent registration with the same email won
        raise Conflict("An account with this email already exists.") from exc
    audit.record(
        session,
        actor=account,
        action="account.create_admin" if account.is_admin else "account.register",
        target_type="account",
        target_id=account.id,
    )
    return account


def update(
    session: Session, *, account: Account, data: AccountUpdate, hasher: PasswordHasher
) -> Account:
    changes = data.model_dump(exclude_unset=True, exclude={"password", "current_password"})
    if data.password is not None:
        if data.current_password is None or not passwords.verify(
            hasher, account.password_hash, data.current_password
        ):
            raise Invalid("The current password is wrong.", loc=("body", "current_password"))
        account.password_hash = hasher.hash(data.password)
    for field, value in changes.items():
        if value is None and field != "organization":
            raise Invalid(f"{field} cannot be null.", loc=("body", field))
        setattr(account, field, value)
    fields = sorted(changes) + (["password"] if data.password is not None else [])
    audit.record(
        session,
        actor=account,
        action="account.update",
        target_type="account",
        target_id=account.id,
        detail={"fields": fields},
    )
    return account


@dataclass(frozen=True)
class Throttle:
    max_failures: int
    window: timedelta


def _throttle_keys(email: str, client: str) -> tuple[str, str]:
    return f"account:{email.lower()}", f"client:{client}"


def check_throttle(session: Session, *, email: str, client: str, throttle: Throttle) -> None:
    """429 while the account or the client address has `max_failures` failures in the window.
    The failures live in the database, so every worker process sees the same counts."""
    now = utcnow()
    since = now - throttle.window
    for key in _throttle_keys(email, client):
        failures = session.execute(
            select(func.count(), func.min(LoginFailure.failed_at)).where(
                LoginFailure.key == key, LoginFailure.failed_at > since
            )
        ).one()
        count, oldest = failures
        if count >= throttle.max_failures:
            retry_after = max(1, int((oldest + throttle.window - now).total_seconds()) + 1)
            raise TooManyRequests(
                "Too many failed sign-in attempts; try again later.", retry_after=retry_after
            )


def record_failure(session: Session, *, email: str, client: str, throttle: Throttle) -> None:
    now = utcnow()
    keys = _throttle_keys(email, client)
    session.execute(
        delete(LoginFailure).where(
            LoginFailure.key.in_(keys), LoginFailure.failed_at <= now - throttle.window
        )
    )
    session.add_all(LoginFailure(key=key, failed_at=now) for key in keys)


@lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Verifying against this when the email is unknown makes both failures cost the same."""
    return hasher.hash(secrets.token_urlsafe(16))


def authenticate(
    session: Session, *, email: str, password: str, hasher: PasswordHasher
) -> Account | None:
    account = get_by_email(session, email)
    if account is None:
        passwords.verify(hasher, _dummy_hash(hasher), password)
        return None
    if not passwords.verify(hasher, account.password_hash, password):
        return None
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hasher.hash(password)
    return account


def issue_token(
    session: Session, *, account: Account, lifetime: timedelta, email: str
) -> tuple[str, datetime]:
    token = new_token()
    expires_at = utcnow() + lifetime
    session.add(
        AccessToken(account_id=account.id, token_hash=token_hash(token), expires_at=expires_at)
    )
    session.execute(delete(LoginFailure).where(LoginFailure.key == f"account:{email.lower()}"))
    session.execute(
        delete(AccessToken).where(
            AccessToken.account_id == account.id, AccessToken.expires_at <= utcnow()
        )
    )
    return token, expires_at


def caller_for_token(session: Session, token: str) -> tuple[Account, Grant] | None:
    """The token's account and what the token may do with it (app.auth.scopes)."""
    digest = token_hash(token)
    row = session.execute(
        select(Account, AccessToken.token_hash, AccessToken.scopes)
        .join(AccessToken, AccessToken.account_id == Account.id)
        .where(AccessToken.token_hash == digest, AccessToken.expires_at > utcnow())
    ).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    account: Account = row.Account
    return account, Grant.stored(row.scopes)


def account_for_token(session: Session, token: str) -> Account | None:
    """A web session's account: only a token with all of its account's powers (a personal
    access token in the session cookie counts as no session at all)."""
    caller = caller_for_token(session, token)
    if caller is None or not caller[1].full:
        return None
    return caller[0]


def revoke(session: Session, token: str) -> None:
    session.execute(delete(AccessToken).where(AccessToken.token_hash == token_hash(token)))


def profile(session: Session, account: Account) -> Me:
    seats = session.execute(
        select(Seat.id, Seat.stakeholder_group, Consultation.slug)
        .join(Consultation, Consultation.id == Seat.consultation_id)
        .where(Seat.account_id == account.id)
        .order_by(Consultation.slug)
    ).all()
    return Me(
        **AccountPublic.model_validate(account).model_dump(),
        committee_seats=[
            SeatRef(consultation=s.slug, member_id=s.id, stakeholder_group=s.stakeholder_group)
            for s in seats
        ],
    )


# The first administrator, from the one-time link that `consulta serve` prints.


def has_admin(session: Session) -> bool:
    return session.scalar(select(Account.id).where(Account.is_admin).limit(1)) is not None


def issue_setup_token(session: Session) -> str:
    """A new one-time setup token (earlier ones stop working); only its hash is stored."""
    session.execute(delete(SetupToken))
    token = new_token()
    session.add(SetupToken(token_hash=token_hash(token)))
    return token


def setup_token_valid(session: Session, token: str) -> bool:
    """Whether `token` is the current setup token and no administrator exists yet."""
    if not token or has_admin(session):
        return False
    stored = session.scalar(
        select(SetupToken.token_hash).where(SetupToken.token_hash == token_hash(token))
    )
    return stored is not None and hmac.compare_digest(stored, token_hash(token))


def create_first_admin(
    session: Session, *, token: str, data: AdminCreate, hasher: PasswordHasher
) -> Account:
    """Uses the setup token (single use) to create the first administrator."""
    if not setup_token_valid(session, token):
        raise Invalid(
            "This setup link is used, replaced or no longer needed.", loc=("query", "token")
        )
    # Deleting the row is the claim: of two uses at once, the second deletes nothing.
    claimed = session.execute(delete(SetupToken).where(SetupToken.token_hash == token_hash(token)))
    if getattr(claimed, "rowcount", 0) != 1:
        raise Invalid("This setup link was just used.", loc=("query", "token"))
    return create(session, data=data, hasher=hasher)
