from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow
from app.vocabulary import StakeholderGroup, sql_in


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
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AccessToken(Base):
    """A bearer token; only the SHA-256 of the token is stored. A personal access token has a
    name and its scopes (space-separated, see app.auth.scopes); a token from the password form
    or a web session has neither and carries all of its account's powers."""

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


class LoginFailure(Base):
    """One failed login; throttling counts these per key within a window, across workers."""

    __tablename__ = "login_failures"
    __table_args__ = (Index(None, "key", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(400))
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SetupToken(Base):
    """The one-time link that creates the first administrator, printed by `consulta serve`
    while there is none; only its SHA-256 is kept, and using it deletes it."""

    __tablename__ = "setup_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
