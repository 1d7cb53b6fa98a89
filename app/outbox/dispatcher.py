"""The background sender: claims due messages, hands each to its kind's handler, records the
outcome. Delivery is at least once: a message is marked sent only after its handler succeeded,
so a crash between the two sends it again; once `sent` is recorded it is never sent again.

Several dispatchers (worker processes, containers) share the table safely: a claim takes due
rows with `FOR UPDATE SKIP LOCKED` on PostgreSQL, or inside one short `BEGIN IMMEDIATE`
transaction on SQLite, and stamps them with a random claim and a lease. A message whose lease
ran out (its dispatcher died mid-send) is due again. Outcomes are recorded only under the claim
that sent them.
"""

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import anyio
import anyio.to_thread
from sqlalchemy import ColumnElement, and_, event, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.db import transaction, utcnow
from app.db_turns import WriteTurns
from app.outbox.delivery import Delivery, Handler, Outcome
from app.outbox.models import OutboxAttempt, OutboxMessage
from app.outbox.service import ENQUEUED

log = logging.getLogger("consulta.outbox")
MAX_DETAIL = 2000


@dataclass(frozen=True)
class Backoff:
    """Waits `base`, twice that, four times… between attempts, never more than `cap`."""

    base: timedelta
    cap: timedelta

    def after(self, attempt: int) -> timedelta:
        wait: timedelta = self.base * (2 ** min(attempt - 1, 30))
        return min(self.cap, wait)


class Dispatcher:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        turns: WriteTurns,
        handlers: Mapping[str, Handler],
        *,
        backoff: Backoff,
        lease: timedelta,
        poll_seconds: float,
        batch: int = 20,
    ) -> None:
        self.sessions = sessions
        self.turns = turns
        self.handlers = dict(handlers)
        self.backoff = backoff
        self.lease = lease
        self.poll_seconds = poll_seconds
        self.batch = batch
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        event.listen(sessions, "after_commit", self._after_commit)

    # -- running in the app's lifespan ---------------------------------------------------------
    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = False
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="outbox-dispatcher")

    async def stop(self) -> None:
        """Finishes the message in hand (and records its outcome), then returns."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None

    def wake(self) -> None:
        """Thread-safe: something was just committed to the outbox."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake.set)

    def _after_commit(self, session: Session) -> None:
        if session.info.pop(ENQUEUED, False):
            self.wake()

    async def _run(self) -> None:
        while not self._stopping:
            try:
                handled = await self.run_once()
            except Exception:  # the database is away, say: log, wait, and carry on
                log.exception("the outbox dispatcher failed; retrying")
                handled = 0
            if handled == 0 and not self._stopping:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_seconds)

    # -- one pass --------------------------------------------------------------------------------
    async def run_once(self, skip: frozenset[int] = frozenset()) -> int:
        """Claims what is due (but the messages in `skip`) and delivers it; the number of
        messages handled."""
        return len(await self._pass(skip))

    async def _pass(self, skip: frozenset[int]) -> list[int]:
        if not self.handlers or not await anyio.to_thread.run_sync(self._anything_due, skip):
            return []
        claim = secrets.token_hex(16)
        deliveries = await self.turns.write(partial(self._claim, claim=claim, skip=skip))
        for delivery in deliveries:
            started = utcnow()
            outcome = await anyio.to_thread.run_sync(self._handle, delivery)
            record = partial(
                self._record, delivery=delivery, claim=claim, outcome=outcome, started=started
            )
            await self.turns.write(record)
        return [delivery.id for delivery in deliveries]

    async def drain(self) -> int:
        """Delivers every message due now, each at most once (a failed one is not retried
        here, whatever its back-off); the number handled."""
        seen: set[int] = set()
        while handled := await self._pass(frozenset(seen)):
            seen.update(handled)
        return len(seen)

    def _due(self, now: datetime, skip: frozenset[int] = frozenset()) -> ColumnElement[bool]:
        return and_(
            OutboxMessage.kind.in_(self.handlers),
            OutboxMessage.id.not_in(skip),
            or_(
                and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
                and_(OutboxMessage.status == "sending", OutboxMessage.lease_until < now),
            ),
        )

    def _anything_due(self, skip: frozenset[int]) -> bool:
        """A read first, so an idle dispatcher never takes SQLite's write lock."""
        with transaction(self.sessions) as session:
            due = select(OutboxMessage.id).where(self._due(utcnow(), skip)).limit(1)
            return session.scalar(due) is not None

    def _claim(self, session: Session, *, claim: str, skip: frozenset[int]) -> list[Delivery]:
        now = utcnow()
        due = (
            select(OutboxMessage.id)
            .where(self._due(now, skip))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(self.batch)
        )
        if session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids: Sequence[int] = session.scalars(due).all()
        if not ids:
            return []
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(
                status="sending",
                claim=claim,
                lease_until=now + self.lease,
                attempts=OutboxMessage.attempts + 1,
            )
        )
        rows = session.execute(
            select(
                OutboxMessage.id,
                OutboxMessage.kind,
                OutboxMessage.target,
                OutboxMessage.payload,
                OutboxMessage.attempts,
                OutboxMessage.max_attempts,
            )
            .where(OutboxMessage.id.in_(ids))
            .order_by(OutboxMessage.id)
        ).all()
        return [
            Delivery(r.id, r.kind, r.target, r.payload, r.attempts, r.max_attempts) for r in rows
        ]

    def _handle(self, delivery: Delivery) -> Outcome:
        try:
            return self.handlers[delivery.kind](delivery)
        except Exception as exc:  # a handler's bug must not stop the other messages
            log.exception("outbox handler for %s failed on message %s", delivery.kind, delivery.id)
            return Outcome("retry", detail=f"{type(exc).__name__}: {exc}")

    def _record(
        self,
        session: Session,
        *,
        delivery: Delivery,
        claim: str,
        outcome: Outcome,
        started: datetime,
    ) -> None:
        now = utcnow()
        status = outcome.status
        if status == "retry" and delivery.attempt >= delivery.max_attempts:
            status = "failed"
        detail = outcome.detail[:MAX_DETAIL] if outcome.detail else None
        values: dict[str, object] = {"status": status, "claim": None, "lease_until": None}
        if status == "sent":
            values |= {"sent_at": now, "last_error": None}
        elif status == "retry":
            values |= {
                "status": "pending",
                "next_attempt_at": now + self.backoff.after(delivery.attempt),
                "last_error": detail,
            }
        elif status == "failed":
            values["last_error"] = detail
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == delivery.id, OutboxMessage.claim == claim)
            .values(**values)
        )
        session.add(
            OutboxAttempt(
                message_id=delivery.id,
                number=delivery.attempt,
                started_at=started,
                finished_at=now,
                outcome=status,
                response_status=outcome.response_status,
                detail=detail,
            )
        )
        if status in ("retry", "pending", "failed"):
            log.warning(
                "outbox message %s (%s) attempt %s: %s: %s",
                delivery.id,
                delivery.kind,
                delivery.attempt,
                status,
                detail,
            )
