"""Personal access tokens: named, scoped, expiring bearer tokens that an account holder makes
for a program (a website, a conference app, a research script), lists and revokes. Stored
like every access token, as a SHA-256 only; the token is shown once, when it is made."""

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.models import AccessToken, Account
from app.auth.personal.schemas import (
    PersonalTokenCreate,
    PersonalTokenCreated,
    PersonalTokenPublic,
)
from app.auth.scopes import Grant, Scope, encode
from app.auth.tokens import new_token, token_hash
from app.db import utcnow
from app.errors import Conflict, NotFound

MAX_PER_ACCOUNT = 100


def _personal(account: Account) -> list[ColumnElement[bool]]:
    """The account's personal tokens that are still valid."""
    return [
        AccessToken.account_id == account.id,
        AccessToken.name.is_not(None),
        AccessToken.expires_at > utcnow(),
    ]


def to_public(row: AccessToken) -> PersonalTokenPublic:
    assert row.name is not None
    granted = Grant.stored(row.scopes)
    return PersonalTokenPublic(
        id=row.id,
        name=row.name,
        scopes=[scope for scope in Scope if granted.scopes and scope in granted.scopes],
        created_at=row.created_at,
        expires_at=row.expires_at,
    )


def create(
    session: Session, *, account: Account, data: PersonalTokenCreate
) -> PersonalTokenCreated:
    live = session.scalar(select(func.count()).select_from(AccessToken).where(*_personal(account)))
    if (live or 0) >= MAX_PER_ACCOUNT:
        raise Conflict(
            f"An account holds at most {MAX_PER_ACCOUNT} personal access tokens; revoke one first."
        )
    token = new_token()
    row = AccessToken(
        account_id=account.id,
        token_hash=token_hash(token),
        name=data.name,
        scopes=encode(data.scopes),
        created_at=utcnow(),
        expires_at=utcnow() + timedelta(days=data.expires_in_days),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "token.create",
        actor=account,
        target=("access_token", row.id),
        detail={"name": row.name, "scopes": row.scopes, "expires_at": row.expires_at.isoformat()},
    )
    return PersonalTokenCreated(**to_public(row).model_dump(), token=token)


def listed(
    session: Session, *, account: Account, limit: int, offset: int
) -> tuple[Sequence[AccessToken], int]:
    """The account's unexpired personal tokens, newest first."""
    total = session.scalar(select(func.count()).select_from(AccessToken).where(*_personal(account)))
    rows = session.scalars(
        select(AccessToken)
        .where(*_personal(account))
        .order_by(AccessToken.created_at.desc(), AccessToken.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return rows, total or 0


def revoke(session: Session, *, account: Account, token_id: int) -> None:
    row = session.scalar(select(AccessToken).where(AccessToken.id == token_id, *_personal(account)))
    if row is None:
        raise NotFound(f"No personal access token {token_id}.")
    session.delete(row)
    audit.record(
        session,
        "token.revoke",
        actor=account,
        target=("access_token", token_id),
        detail={"name": row.name},
    )
