"""The whole stored state, to prove that a refused request changed nothing.

TABLES names every table of the schema. tests/test_snapshots.py fails when the models or the
migrations have a table that TABLES does not name: whoever adds a table adds it here, and from
then on every "a refused request changes nothing" test watches it.
"""

from collections.abc import Collection
from functools import cache
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Select, Table, false, select

from app.models import Base

TABLES = (
    "accounts",
    "access_tokens",
    "email_tokens",
    "setup_tokens",
    "throttle_events",
    "server_secrets",
    "consultations",
    "topics",
    "participants",
    "ratings",
    "tally_versions",
    "cached_results",
    "committee_seats",
    "agenda_sessions",
    "session_people",
    "audit_entries",
    "outbox_messages",
    "outbox_attempts",
    "webhooks",
    "webhook_deliveries",
    "proposals",
    "proposal_supports",
)
# Counted attempts, for throttling: a refused sign-in, registration, new link or reset still
# counts against its client address (and a refused sign-in against its account).
THROTTLED = ("/auth/token", "/accounts", "/accounts/verify/resend", "/auth/password-reset")

State = dict[str, list[tuple[Any, ...]]]


def written_by_design(method: str, path: str, status: int) -> tuple[str, ...]:
    """The tables a refused request may change by design: a refused sign-in, registration, new
    verification link or password reset counts the attempt, for throttling. Nothing else."""
    if method.upper() == "POST" and path.rstrip("/").endswith(THROTTLED):
        return ("throttle_events",)
    return ()


# The outbox's sender works in the background, whatever requests come: of its tables only
# what a request writes is compared (a message queued, and what it says), never how its
# delivery goes (status, attempts, claims), which moves on its own.
REQUEST_COLUMNS = {
    "outbox_messages": ("id", "kind", "target", "summary", "payload", "created_at"),
    "outbox_attempts": (),
}


@cache  # built once: the fuzzers take a snapshot around every call
def _select(name: str) -> Select[Any]:
    table: Table = Base.metadata.tables[name]
    columns = REQUEST_COLUMNS.get(name)
    if columns is None:
        return select(table).order_by(*table.primary_key.columns)
    if not columns:
        return select(*table.primary_key.columns).where(false())
    return select(*(table.c[c] for c in columns)).order_by(*table.primary_key.columns)


def snapshot(app: FastAPI, *, leave_out: Collection[str] = ()) -> State:
    """Every row of every table (but those left out), each table in primary-key order."""
    unknown = set(leave_out) - set(TABLES)
    assert not unknown, f"no such table: {unknown}"
    with app.state.engine.connect() as connection:
        return {
            name: [tuple(row) for row in connection.execute(_select(name))]
            for name in TABLES
            if name not in leave_out
        }


def assert_unchanged(
    app: FastAPI, before: State, *, method: str, path: str, status: int, context: object = ""
) -> None:
    """A refused request (`status`) left the state as `before` (but what it writes by design)."""
    by_design = written_by_design(method, path, status)
    expected = {name: rows for name, rows in before.items() if name not in by_design}
    after = snapshot(app, leave_out=by_design)
    assert after == expected, f"a refused {method} {path} ({status}) wrote {context}"
