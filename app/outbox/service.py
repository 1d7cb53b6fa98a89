"""Writing to the outbox in the caller's transaction, and reading it back."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.outbox.models import OutboxMessage

# Set on a session that enqueued something; after its commit the dispatcher is woken.
ENQUEUED = "consulta_outbox_enqueued"


def enqueue(
    session: Session,
    *,
    kind: str,
    target: str,
    summary: str,
    payload: dict[str, Any],
    max_attempts: int,
) -> OutboxMessage:
    """Adds a message to the caller's transaction: it is delivered only if that commits."""
    message = OutboxMessage(
        kind=kind,
        target=target,
        summary=summary[:500],
        payload=payload,
        max_attempts=max_attempts,
    )
    session.add(message)
    session.info[ENQUEUED] = True
    return message


def messages(
    session: Session,
    *,
    kind: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[Sequence[OutboxMessage], int]:
    """The newest first."""
    query = select(OutboxMessage)
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(OutboxMessage.id.desc()).limit(limit).offset(offset)
    ).all()
    return rows, total
