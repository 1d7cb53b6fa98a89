from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow
from app.vocabulary import StakeholderGroup, sql_in

VERIFY, RESET = "verify", "reset"  # the purposes of an EmailToken


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint(sql_in("stakeholder_group", StakeholderGroup), name="stakeholder_group"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(200))
    stakeholder_group: Mapped[str] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(2))
    organization: Mapped[str | None] = mapped_column(String(300))
    is_admin: Mapped[bool] = mapped_column(default=False)
    email_verified: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The language of the mails we send this person (an interface language code).
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AccessToken(Base):
    """A bearer token (the API's, and the pages' session cookie); only its SHA-256 is stored.
    A personal access token has a name and its scopes (space-separated, see app.auth.scopes);
    a token from the password form or a web session has neither and carries all of its
    account's powers."""

    __tablename__ = "access_tokens"
    __table_args__ = (CheckConstraint("(name IS NULL) = (scopes IS NULL)", name="personal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    name: Mapped[str | None] = mapped_column(String(100))
    scopes: Mapped[str | None] = mapped_column(String(100))


class EmailToken(Base):
    """A single-use token mailed as a link (verify the email, reset the password); only its
    SHA-256 is stored, and it is deleted when used or replaced."""

    __tablename__ = "email_tokens"
    __table_args__ = (
        CheckConstraint(f"purpose IN ('{VERIFY}', '{RESET}')", name="purpose"),
        Index(None, "account_id", "purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class ThrottleEvent(Base):
    """One counted event (a failed sign-in, a registration, a reset request…) under a key such
    as `signin-address:<ip>`; throttling counts them per key within a window, across workers."""

    __tablename__ = "throttle_events"
    __table_args__ = (Index(None, "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(400))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class SetupToken(Base):
    """The one-time link that creates the first administrator, printed by `consulta serve`
    while there is none; only its SHA-256 is kept, and using it deletes it."""

    __tablename__ = "setup_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
