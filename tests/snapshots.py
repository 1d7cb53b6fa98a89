"""The whole stored state, to prove that a refused request changed nothing (no mail queued, no
token issued either). Throttling's counted events are left out: a refused registration still
counts against its client address."""

from typing import Any

from fastapi import FastAPI
from sqlalchemy import select

from app.models import (
    AccessToken,
    Account,
    AgendaSession,
    AuditEntry,
    Consultation,
    EmailToken,
    OutboxMessage,
    Participant,
    Rating,
    Seat,
    SessionPerson,
    SetupToken,
    Topic,
)

MODELS = (
    Account,
    AccessToken,
    Consultation,
    Topic,
    Participant,
    Rating,
    Seat,
    AgendaSession,
    SessionPerson,
    AuditEntry,
    SetupToken,
    EmailToken,
    OutboxMessage,
)


def snapshot(app: FastAPI) -> dict[str, list[tuple[Any, ...]]]:
    state = {}
    with app.state.sessions() as session:
        for model in MODELS:
            table = model.__table__
            rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
            state[table.name] = [tuple(row) for row in rows]
    return state
