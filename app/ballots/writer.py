"""Ballot writes in groups: the hot path of a consultation's busiest days.

Each process has one BallotWriter. A request queues its write and awaits the outcome; one
flush task takes everything queued and runs it as one transaction on one connection with the
ballot statements (app.ballots.statements) on the driver itself: one thread hop, one BEGIN
and one COMMIT for the group, no ORM, and on PostgreSQL a pipeline, so a group costs three
round trips however many writes it holds. Each request is answered only after that COMMIT, so
nothing acknowledged can be lost.

A group runs in steps: look up every caller, admit the writes the ballot rule accepts, upsert
their participants, write their ratings, withdraw what whole ballots leave out, bump the tally.
It takes at most one write per participant: a participant's second write waits for the next
group, so each participant's writes keep their order.

Only what the ballot rule (app.ballots.rules) accepts is written here, for a caller whose
token may write ballots. For anything else the outcome is None and the caller takes the
general path (app.ballots.service), which asks the same rule and raises its error. If anything
fails inside a group, the whole group is rolled back and each of its writes takes the general
path.
"""

import asyncio
import logging
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from sqlalchemy import Engine

from app.auth.scopes import Grant, Scope
from app.auth.tokens import token_hash
from app.ballots import rules, statements
from app.ballots.service import ballot_key
from app.db import bound_time, driver_sql, read_time, utcnow
from app.db_turns import WriteTurns, begin_immediate
from app.results import tally
from app.server_secret import ServerSecret
from app.vocabulary import ConsultationState

log = logging.getLogger(__name__)
MAX_GROUP = 500  # writes per transaction: bounds how long one group holds the write lock

# Who is writing where, in one statement; no row: no such token or consultation.
CALLER = """
SELECT a.id, a.stakeholder_group, a.email_verified, t.scopes,
    c.id, c.state, c.scale_min, c.scale_max, c.closes_at, c.require_verified_email
FROM access_tokens t
JOIN accounts a ON a.id = t.account_id
JOIN consultations c ON c.slug = :slug
WHERE t.token_hash = :token_hash AND t.expires_at > :now
"""
# PostgreSQL: the consultation's row is share-locked until COMMIT, as on the general path
# (app.consultations.service.lock), so a close waits for this group and a group that comes
# after the close sees it closed.
CALLER_LOCKING = CALLER.rstrip() + " FOR SHARE OF c\n"
TOPICS = "SELECT id FROM topics WHERE consultation_id = :consultation_id"


class Cursor(Protocol):
    def fetchone(self) -> Any: ...
    def __iter__(self) -> Any: ...


class Driver(Protocol):
    """What the writer uses of a DB-API connection (sqlite3's or psycopg's)."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...
    def cursor(self) -> Any: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class Caller(NamedTuple):
    account_id: int
    stakeholder_group: str
    email_verified: bool
    scopes: str | None
    consultation_id: int
    state: str
    scale_min: int
    scale_max: int
    closes_at: datetime | None
    require_verified_email: bool


class Joined(NamedTuple):
    participant_id: int
    stakeholder_group: str
    ballot_key: str


class RatingRow(NamedTuple):
    participant_id: int
    topic_id: int
    consultation_id: int
    stakeholder_group: str
    score: int


@dataclass(frozen=True)
class Job:
    """One queued write: who (by token), where (by slug), what."""

    token: str
    slug: str
    ballot: rules.Rate | rules.Replace


@dataclass(frozen=True)
class Written:
    account_id: int
    ballot_key: str
    updated_at: datetime


class Later:
    """The outcome of a participant's second write in one group: it goes in the next one."""


LATER = Later()
Outcome = Written | Later | None
Queued = tuple[Job, "asyncio.Future[Written | None]"]


@dataclass(frozen=True)
class Admitted:
    index: int  # in the group
    job: Job
    caller: Caller


class BallotWriter:
    def __init__(self, engine: Engine, secret: ServerSecret, turns: WriteTurns) -> None:
        self._engine = engine
        self._secret = secret
        self._turns = turns
        self._sqlite = engine.dialect.name == "sqlite"
        self._stamp = bound_time(engine.dialect)
        self._time = read_time(engine.dialect)
        self._sql = {
            name: driver_sql(sql, engine.dialect.name)
            for name, sql in {
                "caller": CALLER if self._sqlite else CALLER_LOCKING,
                "topics": TOPICS,
                "join": statements.JOIN,
                "rate": statements.RATE if self._sqlite else statements.RATE_ARRAYS,
                "unrate": statements.UNRATE,
                "bump": tally.BUMP,
            }.items()
        }
        # Topics change only while a consultation is a draft, and one that has been open never
        # is again (app.consultations.lifecycle): an open consultation's topics are read once.
        self._topics: dict[int, frozenset[int]] = {}
        self._queue: list[Queued] = []
        self._flusher: asyncio.Task[None] | None = None

    async def write(self, job: Job) -> Written | None:
        """Stored and committed (a Written), or None: take the general path."""
        future: asyncio.Future[Written | None] = asyncio.get_running_loop().create_future()
        self._queue.append((job, future))
        if self._flusher is None:
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        group: list[Queued] = []
        try:
            while self._queue:
                group, self._queue = self._queue[:MAX_GROUP], self._queue[MAX_GROUP:]
                outcomes = await self._turns.in_thread(self._run, [job for job, _ in group])
                later = []
                for (job, future), outcome in zip(group, outcomes, strict=True):
                    if isinstance(outcome, Later):
                        later.append((job, future))
                    elif not future.done():
                        future.set_result(outcome)
                self._queue[:0] = later
                group = []
        finally:
            # Cancelled (the server is stopping): whoever still waits takes the general path.
            for _, future in group + self._queue:
                if not future.done():
                    future.set_result(None)
            self._queue = []
            self._flusher = None

    def _run(self, jobs: list[Job]) -> list[Outcome]:
        connection = None
        try:
            connection = self._engine.raw_connection()
            driver = connection.driver_connection  # sqlite3's or psycopg's
            assert driver is not None
            return self._transaction(driver, jobs)
        except Exception:
            log.warning("a group of %d ballot writes failed; each is retried alone", len(jobs))
            if connection is not None:
                connection.invalidate()
            return [None] * len(jobs)
        finally:
            if connection is not None:
                connection.close()

    def _transaction(self, driver: Driver, jobs: list[Job]) -> list[Outcome]:
        try:
            with self._pipeline(driver):
                outcomes = self._group(driver, jobs)
            driver.commit()
            return outcomes
        except BaseException:
            driver.rollback()
            raise

    def _pipeline(self, driver: Any) -> AbstractContextManager[Any]:
        """PostgreSQL: statements are sent without waiting for each answer."""
        pipeline: AbstractContextManager[Any] = nullcontext() if self._sqlite else driver.pipeline()
        return pipeline

    def _group(self, driver: Driver, jobs: list[Job]) -> list[Outcome]:
        if self._sqlite:
            begin_immediate(driver)
        now = utcnow()
        stamp = self._stamp(now)
        callers = self._callers(driver, jobs, stamp)
        outcomes: list[Outcome] = [None] * len(jobs)
        admitted = self._admit(jobs, callers, outcomes, now)
        joined = self._join(driver, admitted, stamp)
        ratings: list[RatingRow] = []
        left_out: list[dict[str, int]] = []
        for entry, participant in zip(admitted, joined, strict=True):
            ratings += _ratings(entry, participant)
            left_out += self._left_out(entry, participant)
            outcomes[entry.index] = Written(
                account_id=entry.caller.account_id,
                ballot_key=participant.ballot_key,
                updated_at=now,
            )
        if ratings:
            self._rate(driver, ratings, stamp)
        if left_out:
            driver.cursor().executemany(self._sql["unrate"], left_out)
        for consultation_id in sorted({entry.caller.consultation_id for entry in admitted}):
            driver.execute(self._sql["bump"], {"consultation_id": consultation_id})
        return outcomes

    def _callers(self, driver: Driver, jobs: Sequence[Job], stamp: object) -> list[Caller | None]:
        """Every caller in one pipelined round trip, then the topics of open consultations
        not yet seen by this process."""
        cursors = [
            driver.execute(
                self._sql["caller"],
                {"slug": job.slug, "token_hash": token_hash(job.token), "now": stamp},
            )
            for job in jobs
        ]
        callers = [self._caller(cursor.fetchone()) for cursor in cursors]
        unread = {
            c.consultation_id for c in callers if c is not None and c.state == "open"
        } - self._topics.keys()
        topics = {
            consultation_id: driver.execute(
                self._sql["topics"], {"consultation_id": consultation_id}
            )
            for consultation_id in unread
        }
        self._topics |= {c: frozenset(row[0] for row in cursor) for c, cursor in topics.items()}
        return callers

    def _caller(self, row: Sequence[Any] | None) -> Caller | None:
        """A row as the driver gives it, typed (SQLite: booleans as 0/1, times as text)."""
        if row is None:
            return None
        caller = Caller(*row)
        return caller._replace(
            email_verified=bool(caller.email_verified),
            require_verified_email=bool(caller.require_verified_email),
            closes_at=self._time(caller.closes_at),
        )

    def _admit(
        self,
        jobs: Sequence[Job],
        callers: Sequence[Caller | None],
        outcomes: list[Outcome],
        now: datetime,
    ) -> list[Admitted]:
        """The writes the ballot rule accepts, from callers whose token may write ballots;
        one per participant (a second one is LATER)."""
        admitted: list[Admitted] = []
        seen: set[tuple[int, int]] = set()
        for index, (job, caller) in enumerate(zip(jobs, callers, strict=True)):
            if caller is None or not Grant.stored(caller.scopes).allows(Scope.ballot):
                continue
            facts = rules.Facts(
                state=ConsultationState(caller.state),
                scale_min=caller.scale_min,
                scale_max=caller.scale_max,
                topics=self._topics.get(caller.consultation_id, frozenset()),
                closes_at=caller.closes_at,
                require_verified_email=caller.require_verified_email,
                email_verified=caller.email_verified,
            )
            if rules.refusal(facts, job.ballot, now=now) is not None:
                continue
            participant = (caller.account_id, caller.consultation_id)
            if participant in seen:
                outcomes[index] = LATER
                continue
            seen.add(participant)
            admitted.append(Admitted(index, job, caller))
        return admitted

    def _join(self, driver: Driver, admitted: Sequence[Admitted], stamp: object) -> list[Joined]:
        cursors = [
            driver.execute(
                self._sql["join"],
                {
                    "consultation_id": entry.caller.consultation_id,
                    "account_id": entry.caller.account_id,
                    "stakeholder_group": entry.caller.stakeholder_group,
                    "ballot_key": ballot_key(
                        self._secret.value,
                        consultation_id=entry.caller.consultation_id,
                        account_id=entry.caller.account_id,
                    ),
                    "active": bool(_scores(entry.job.ballot)),
                    "now": stamp,
                },
            )
            for entry in admitted
        ]
        return [Joined(*cursor.fetchone()) for cursor in cursors]

    def _left_out(self, entry: Admitted, participant: Joined) -> list[dict[str, int]]:
        if not isinstance(entry.job.ballot, rules.Replace):
            return []
        kept = {topic_id for topic_id, _ in entry.job.ballot.scores}
        topics = self._topics[entry.caller.consultation_id]
        return [
            {"participant_id": participant.participant_id, "topic_id": topic_id}
            for topic_id in sorted(topics - kept)
        ]

    def _rate(self, driver: Driver, ratings: Sequence[RatingRow], stamp: object) -> None:
        if self._sqlite:
            rows = [rating._asdict() | {"now": stamp} for rating in ratings]
            driver.cursor().executemany(self._sql["rate"], rows)
        else:  # one statement over arrays, one array per column
            columns = zip(RatingRow._fields, zip(*ratings, strict=True), strict=True)
            arrays = {name: list(values) for name, values in columns}
            driver.execute(self._sql["rate"], arrays | {"now": stamp})


def _scores(ballot: rules.Rate | rules.Replace) -> Sequence[tuple[int, int]]:
    return [(ballot.topic_id, ballot.score)] if isinstance(ballot, rules.Rate) else ballot.scores


def _ratings(entry: Admitted, participant: Joined) -> list[RatingRow]:
    return [
        RatingRow(
            participant.participant_id,
            topic_id,
            entry.caller.consultation_id,
            participant.stakeholder_group,
            score,
        )
        for topic_id, score in _scores(entry.job.ballot)
    ]
