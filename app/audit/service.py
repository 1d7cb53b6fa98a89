from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit.chain import GENESIS, Link, entry_hash, first_broken
from app.audit.models import AuditEntry
from app.auth.models import Account
from app.consultations.models import Consultation
from app.db import utcnow
from app.errors import Conflict

ACCOUNTS_CHAIN = "accounts"
_ATTEMPTS = 5


def consultation_chain(consultation_id: int) -> str:
    return f"consultation:{consultation_id}"


def record(
    session: Session,
    action: str,
    *,
    actor: Account | None,
    target: tuple[str, str | int | None],
    consultation_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Appends an entry about `target` (a type and an id) to the consultation's chain (or,
    without `consultation_id`, to the accounts chain).

    Two transactions appending at once race for the same `seq`; the loser retries inside a
    savepoint after the winner commits, so the chain stays linear without a global lock.
    """
    chain = consultation_chain(consultation_id) if consultation_id else ACCOUNTS_CHAIN
    target_type, target_id = target
    for _ in range(_ATTEMPTS):
        last = session.execute(
            select(AuditEntry.seq, AuditEntry.hash)
            .where(AuditEntry.chain == chain)
            .order_by(AuditEntry.seq.desc())
            .limit(1)
        ).first()
        seq, prev_hash = (last.seq + 1, last.hash) if last else (1, GENESIS)
        entry = AuditEntry(
            chain=chain,
            seq=seq,
            consultation_id=consultation_id,
            actor_id=actor.id if actor else None,
            actor=actor.email if actor else "system",
            action=action,
            target_type=target_type,
            target_id=None if target_id is None else str(target_id),
            detail=detail or {},
            created_at=utcnow(),
            prev_hash=prev_hash,
        )
        entry.hash = entry_hash(
            chain=chain,
            seq=seq,
            actor=entry.actor,
            action=action,
            target_type=target_type,
            target_id=entry.target_id,
            detail=entry.detail,
            created_at=entry.created_at,
            prev_hash=prev_hash,
        )
        try:
            with session.begin_nested():
                session.add(entry)
        except IntegrityError:
            continue
        return entry
    raise Conflict("Too many concurrent changes; try again.")


def consultation_event(
    session: Session,
    consultation: Consultation,
    action: str,
    *,
    actor: Account | None,
    target: tuple[str, str | int | None] | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """An entry in the consultation's chain: about the consultation itself, or about what
    `target` (a type and an id) names in it."""
    return record(
        session,
        action,
        actor=actor,
        target=target or ("consultation", consultation.slug),
        consultation_id=consultation.id,
        detail=detail,
    )


class Item(Protocol):
    """What the consultation holds and its secretariat or participants create, change and
    delete: a topic, a session, a proposal."""

    @property
    def id(self) -> int: ...

    @property
    def title(self) -> str: ...


def item_event(
    session: Session,
    consultation: Consultation,
    noun: str,
    verb: str,
    item: Item,
    *,
    actor: Account,
    fields: Iterable[str] | None = None,
) -> AuditEntry:
    """`noun.verb` about one item, naming the fields that changed (an update) or else the
    item's title (a create, a delete)."""
    detail = {"title": item.title} if fields is None else {"fields": sorted(fields)}
    return consultation_event(
        session, consultation, f"{noun}.{verb}", actor=actor, target=(noun, item.id), detail=detail
    )


def account_event(
    session: Session, account: Account, action: str, *, detail: dict[str, Any] | None = None
) -> AuditEntry:
    """An entry in the accounts chain, by the account about itself."""
    return record(session, action, actor=account, target=("account", account.id), detail=detail)


def entries(
    session: Session, *, consultation_id: int, limit: int, offset: int
) -> tuple[list[AuditEntry], int]:
    chain = consultation_chain(consultation_id)
    total = session.scalar(select(func.count()).where(AuditEntry.chain == chain)) or 0
    rows = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.chain == chain)
        .order_by(AuditEntry.seq)
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total


def verify(session: Session, chain: str) -> int | None:
    """The seq of the first entry whose content or link was changed, or None if intact."""
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.chain == chain).order_by(AuditEntry.seq)
    )
    return first_broken(
        chain,
        (
            Link(
                seq=r.seq,
                actor=r.actor,
                action=r.action,
                target_type=r.target_type,
                target_id=r.target_id,
                detail=r.detail,
                created_at=r.created_at,
                prev_hash=r.prev_hash,
                hash=r.hash,
            )
            for r in rows
        ),
    )
