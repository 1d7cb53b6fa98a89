import hmac
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth import passwords, throttling
from app.auth.models import RESET, VERIFY, AccessToken, Account, EmailToken, SetupToken
from app.auth.schemas import AccountCreate, AccountPublic, AccountUpdate, AdminCreate, Me, SeatRef
from app.auth.scopes import Grant
from app.auth.throttling import SignInLimits
from app.auth.tokens import new_token, token_hash
from app.committee import service as committee
from app.committee.models import Seat
from app.consultations.models import Consultation
from app.db import utcnow
from app.errors import Conflict, Duplicate, Invalid, conflict_on_duplicate
from app.mail.service import Mailer
from app.vocabulary import StakeholderGroup

VERIFY_LIFETIME = timedelta(hours=48)
RESET_LIFETIME = timedelta(hours=1)
# Per purpose of an EmailToken: how long it lasts, the mail that carries it, the page it opens.
EMAIL_LINKS = {
    VERIFY: (VERIFY_LIFETIME, "verify", "/verify"),
    RESET: (RESET_LIFETIME, "reset", "/reset-password"),
}
BAD_TOKEN = "This link is unknown, already used or expired; ask for a new one."  # noqa: S105


def get_by_email(session: Session, email: str) -> Account | None:
    return session.scalar(select(Account).where(Account.email == email.lower()))


def check_password(password: str, email: str) -> None:
    """The rule a schema cannot check alone: the password is not the email."""
    if password.strip().casefold() == email.casefold():
        raise Invalid("The password must not be your email address.", loc=("body", "password"))


def create(
    session: Session,
    *,
    data: AccountCreate | AdminCreate,
    hasher: PasswordHasher,
    mailer: Mailer | None = None,
    language: str = "en",
) -> Account:
    """Registers a participant, who is mailed a link to verify the email (`mailer` is needed
    then), or an administrator when `data` is an AdminCreate: administrators are created by
    the people who run the service, so their email counts as verified.

    Every administrator is made here, whichever way it comes (`consulta create-admin`, the
    environment at start, the first-run setup page), so what an administrator's account needs
    is settled in this one place."""
    check_password(data.password, data.email)
    if get_by_email(session, data.email) is not None:
        raise Duplicate("An account with this email already exists.")
    invited: list[Seat] = []
    if isinstance(data, AdminCreate):
        profile = {
            "stakeholder_group": StakeholderGroup.other.value,
            "is_admin": True,
            "email_verified": True,
        }
    else:
        if data.invitation is not None:
            invited = committee.invitation_seats(session, data.invitation)
            if not invited:
                raise Invalid(
                    "This invitation is unknown, already used or expired.",
                    loc=("body", "invitation"),
                )
        proven = any(seat.invited_email == data.email for seat in invited)
        profile = {
            "stakeholder_group": data.stakeholder_group.value,
            "country": data.country,
            "organization": data.organization,
            "language": data.language or language,
            # An invitation link mailed to this very address proves it, as a verify link would.
            "email_verified": proven,
        }
    account = Account(
        email=data.email.lower(),
        password_hash=hasher.hash(data.password),
        display_name=data.display_name,
        **profile,
    )
    with conflict_on_duplicate(session, "An account with this email already exists."):
        session.add(account)
    audit.account_event(
        session, account, "account.create_admin" if account.is_admin else "account.register"
    )
    if account.is_admin:
        return account
    if account.email_verified:
        committee.link_invitations(session, account)
    else:
        assert mailer is not None, "a participant's registration mails a verification link"
        send_verification(session, account=account, mailer=mailer)
    return account


def _issue_email_token(
    session: Session, *, account: Account, purpose: str, lifetime: timedelta
) -> str:
    """A new single-use token; the account's earlier ones for the same purpose stop working."""
    session.execute(
        delete(EmailToken).where(EmailToken.account_id == account.id, EmailToken.purpose == purpose)
    )
    token = new_token()
    now = utcnow()
    session.add(
        EmailToken(
            account_id=account.id,
            purpose=purpose,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return token


def _mail_email_token(session: Session, *, account: Account, mailer: Mailer, purpose: str) -> None:
    """Mails the account a link with a new token for `purpose` (see _issue_email_token)."""
    lifetime, template, path = EMAIL_LINKS[purpose]
    token = _issue_email_token(session, account=account, purpose=purpose, lifetime=lifetime)
    mailer.queue(
        session,
        to=account.email,
        lang=account.language,
        template=template,
        name=account.display_name,
        link=mailer.link(path, token=token),
    )


def _use_email_token(session: Session, *, token: str, purpose: str) -> Account:
    """The token's account. The token is deleted by the same statement that finds it, so two
    requests with one token cannot both use it. Unknown, used, expired or for another purpose:
    422."""
    used = session.execute(
        delete(EmailToken)
        .where(EmailToken.token_hash == token_hash(token), EmailToken.purpose == purpose)
        .returning(EmailToken.account_id, EmailToken.expires_at)
    ).first()
    if used is None or used.expires_at <= utcnow():
        raise Invalid(BAD_TOKEN, loc=("body", "token"))
    account = session.get(Account, used.account_id)
    assert account is not None  # the token's foreign key cascades
    return account


def send_verification(session: Session, *, account: Account, mailer: Mailer) -> None:
    if account.email_verified:
        raise Conflict("Your email address is already verified.")
    _mail_email_token(session, account=account, mailer=mailer, purpose=VERIFY)


def _mark_verified(session: Session, account: Account) -> None:
    if account.email_verified:
        return
    account.email_verified = True
    session.execute(
        delete(EmailToken).where(EmailToken.account_id == account.id, EmailToken.purpose == VERIFY)
    )
    audit.account_event(session, account, "account.verify_email")
    committee.link_invitations(session, account)


def verify_email(session: Session, *, token: str) -> Account:
    account = _use_email_token(session, token=token, purpose=VERIFY)
    _mark_verified(session, account)
    return account


def request_password_reset(session: Session, *, email: str, mailer: Mailer) -> None:
    """Mails a reset link when the account exists; says nothing either way."""
    account = get_by_email(session, email)
    if account is None:
        return
    _mail_email_token(session, account=account, mailer=mailer, purpose=RESET)


def confirm_password_reset(
    session: Session, *, token: str, password: str, hasher: PasswordHasher
) -> Account:
    """Sets the new password and revokes every token and web session of the account. The link
    came to the account's address, so the address counts as verified too."""
    owner = session.scalar(
        select(Account.email)
        .join(EmailToken, EmailToken.account_id == Account.id)
        .where(EmailToken.token_hash == token_hash(token), EmailToken.purpose == RESET)
    )
    if owner is not None:  # a password refused leaves the link usable
        check_password(password, owner)
    account = _use_email_token(session, token=token, purpose=RESET)
    account.password_hash = hasher.hash(password)
    session.execute(delete(AccessToken).where(AccessToken.account_id == account.id))
    audit.account_event(session, account, "account.reset_password")
    _mark_verified(session, account)
    return account


def update(
    session: Session,
    *,
    account: Account,
    data: AccountUpdate,
    hasher: PasswordHasher,
    current_token: str | None,
) -> Account:
    """A new password revokes every token and web session of the account but `current_token`
    (the one presented)."""
    changes = data.model_dump(exclude_unset=True, exclude={"password", "current_password"})
    if data.password is not None:
        if data.current_password is None or not passwords.verify(
            hasher, account.password_hash, data.current_password
        ):
            raise Invalid("The current password is wrong.", loc=("body", "current_password"))
        check_password(data.password, account.email)
        account.password_hash = hasher.hash(data.password)
        others = delete(AccessToken).where(AccessToken.account_id == account.id)
        if current_token is not None:
            others = others.where(AccessToken.token_hash != token_hash(current_token))
        session.execute(others)
    for field, value in changes.items():
        if value is None and field != "organization":
            raise Invalid(f"{field} cannot be null.", loc=("body", field))
        setattr(account, field, value)
    fields = sorted(changes) + (["password"] if data.password is not None else [])
    audit.account_event(session, account, "account.update", detail={"fields": fields})
    return account


TOO_MANY_SIGNINS = "Too many failed sign-in attempts; try again later."


def check_throttle(session: Session, *, email: str, client: str, limits: SignInLimits) -> None:
    """429 while this account has too many failures from this address, or this address has too
    many over all accounts. Failures from other addresses never count against a person."""
    throttling.check(session, throttling.signin_pair(email, client), limits.pair, TOO_MANY_SIGNINS)
    throttling.check(session, throttling.signin_address(client), limits.address, TOO_MANY_SIGNINS)


def record_failure(session: Session, *, email: str, client: str, limits: SignInLimits) -> None:
    throttling.count(session, throttling.signin_pair(email, client), limits.pair)
    throttling.count(session, throttling.signin_address(client), limits.address)


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
    session: Session, *, account: Account, lifetime: timedelta, client: str | None = None
) -> tuple[str, datetime]:
    """A new access token; a sign-in from `client` clears that pair's failures."""
    token = new_token()
    expires_at = utcnow() + lifetime
    session.add(
        AccessToken(account_id=account.id, token_hash=token_hash(token), expires_at=expires_at)
    )
    if client is not None:
        throttling.clear(session, throttling.signin_pair(account.email, client))
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
