"""Ballot writes in groups: the hot path of a consultation's busiest days.

Each process has one BallotWriter. A request queues its write and awaits the outcome; one
flush task takes everything queued and runs it as one transaction on one connection with
plain driver SQL: one thread hop, one BEGIN and one COMMIT for the group, no ORM, and on
PostgreSQL a pipeline, so a group costs three round trips however many writes it holds. Each
request is answered only after that COMMIT, so nothing acknowledged can be lost.

A group runs in phases (look up every caller, then upsert every participant, then write
every rating, then withdraw what whole ballots leave out), so it takes at most one write per
participant: a participant's second write waits for the next group, and each participant's
writes keep their order.

Only the ordinary write is done here: a valid token, an open consultation, known topics and
scores on the scale. For anything else the outcome is None and the caller takes the general
path (app.ballots.service), which checks everything again and gives the precise error: the
two paths cannot disagree on what is refused. If anything fails inside a group, the whole
group is rolled back and each of its writes takes the general path.
"""

import asyncio
import logging
import sqlite3
import time
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import anyio
from sqlalchemy import Engine

from app.auth.tokens import token_hash
from app.ballots.service import ballot_key
from app.db import SQLITE_BUSY_TIMEOUT_MS, driver_sql, utcnow
from app.server_secret import ServerSecret

log = logging.getLogger(__name__)
MAX_GROUP = 500  # writes per transaction: bounds how long one group holds the write lock

# Everything the ordinary case needs, in one statement: no row means "not ordinary".
CALLER = """
SELECT a.id, a.stakeholder_group, c.id, c.scale_min, c.scale_max
FROM access_tokens t
JOIN accounts a ON a.id = t.account_id
JOIN consultations c ON c.slug = :slug AND c.state = 'open'
WHERE t.token_hash = :token_hash AND t.expires_at > :now
"""
# PostgreSQL: the consultation's row is share-locked until COMMIT, as on the general path
# (app.consultations.service.lock), so a close waits for this group and a group that comes
# after the close finds no open consultation.
CALLER_LOCKING = CALLER.rstrip() + " FOR SHARE OF c\n"
TOPICS = "SELECT id FROM topics WHERE consultation_id = :consultation_id"
# The participant row is created at the first rating (which fixes the group) and counts
# every ballot write; the upsert also locks it, so one participant's writes never interleave.
JOIN = """
INSERT INTO participants
    (consultation_id, account_id, stakeholder_group, ballot_key, ballot_writes, active, created_at)
VALUES (:consultation_id, :account_id, :stakeholder_group, :ballot_key, 1, :active, :now)
ON CONFLICT (consultation_id, account_id)
DO UPDATE SET ballot_writes = participants.ballot_writes + 1, active = :active
RETURNING id, stakeholder_group, ballot_key
"""
RATE = """
INSERT INTO ratings
    (participant_id, topic_id, consultation_id, stakeholder_group, score, updated_at)
VALUES (:participant_id, :topic_id, :consultation_id, :stakeholder_group, :score, :now)
ON CONFLICT (participant_id, topic_id)
DO UPDATE SET score = excluded.score, updated_at = excluded.updated_at
"""
# PostgreSQL: the group's ratings as one statement over arrays, instead of a statement per
# rating (which cost a quarter of the write path's time there).
RATE_ARRAYS = """
INSERT INTO ratings
    (participant_id, topic_id, consultation_id, stakeholder_group, score, updated_at)
SELECT r.participant_id, r.topic_id, r.consultation_id, r.stakeholder_group, r.score, :now
FROM unnest(
    CAST(:participant_id AS integer[]), CAST(:topic_id AS integer[]),
    CAST(:consultation_id AS integer[]), CAST(:stakeholder_group AS text[]),
    CAST(:score AS integer[])
) AS r(participant_id, topic_id, consultation_id, stakeholder_group, score)
ON CONFLICT (participant_id, topic_id)
DO UPDATE SET score = excluded.score, updated_at = excluded.updated_at
"""
UNRATE = "DELETE FROM ratings WHERE participant_id = :participant_id AND topic_id = :topic_id"
BUMP = """
INSERT INTO tally_versions (consultation_id, version) VALUES (:consultation_id, 1)
ON CONFLICT (consultation_id) DO UPDATE SET version = tally_versions.version + 1
"""


@dataclass(frozen=True)
class Rate:
    """PUT /ballot/{topic_id}."""

    token: str
    slug: str
    topic_id: int
    score: int


@dataclass(frozen=True)
class Replace:
    """PUT /ballot: the whole ballot; topics left out are no longer rated."""

    token: str
    slug: str
    scores: Sequence[tuple[int, int]]  # (topic_id, score)


Job = Rate | Replace


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


class BallotWriter:
    def __init__(
        self, engine: Engine, secret: ServerSecret, sqlite_writer: anyio.Lock | None
    ) -> None:
        self._engine = engine
        self._secret = secret
        self._sqlite_writer = sqlite_writer
        self._sqlite = engine.dialect.name == "sqlite"
        self._sql = {
            name: driver_sql(sql, engine.dialect.name)
            for name, sql in {
                "caller": CALLER if self._sqlite else CALLER_LOCKING,
                "topics": TOPICS,
                "join": JOIN,
                "rate": RATE if self._sqlite else RATE_ARRAYS,
                "unrate": UNRATE,
                "bump": BUMP,
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
                outcomes = await self._run_locked([job for job, _ in group])
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

    async def _run_locked(self, jobs: list[Job]) -> list[Outcome]:
        if self._sqlite_writer is None:
            return await anyio.to_thread.run_sync(self._run, jobs)
        async with self._sqlite_writer:
            return await anyio.to_thread.run_sync(self._run, jobs)

    def _run(self, jobs: list[Job]) -> list[Outcome]:
        connection = None
        try:
            connection = self._engine.raw_connection()
            return self._transaction(connection.driver_connection, jobs)
        except Exception:
            log.warning("a group of %d ballot writes failed; each is retried alone", len(jobs))
            if connection is not None:
                connection.invalidate()
            return [None] * len(jobs)
        finally:
            if connection is not None:
                connection.close()

    def _transaction(self, dbapi: Any, jobs: list[Job]) -> list[Outcome]:
        try:
            with nullcontext() if self._sqlite else dbapi.pipeline():
                outcomes = self._phases(dbapi, jobs)
            dbapi.commit()
            return outcomes
        except BaseException:
            dbapi.rollback()
            raise

    def _phases(self, dbapi: Any, jobs: list[Job]) -> list[Outcome]:
        sql = self._sql
        if self._sqlite:
            _take_write_lock(dbapi)
        now = utcnow()
        # SQLite keeps timestamps as text in the format SQLAlchemy writes and compares.
        at = now.replace(tzinfo=None).isoformat(" ", "microseconds") if self._sqlite else now
        callers = [
            dbapi.execute(
                sql["caller"], {"slug": j.slug, "token_hash": token_hash(j.token), "now": at}
            )
            for j in jobs
        ]
        found = [cursor.fetchone() for cursor in callers]
        unread = {row[2] for row in found if row is not None} - self._topics.keys()
        topics = {c: dbapi.execute(sql["topics"], {"consultation_id": c}) for c in unread}
        self._topics |= {c: frozenset(row[0] for row in cursor) for c, cursor in topics.items()}
        known = self._topics

        outcomes: list[Outcome] = [None] * len(jobs)
        accepted: list[tuple[int, Job, Any]] = []
        seen: set[tuple[int, int]] = set()
        for i, (job, row) in enumerate(zip(jobs, found, strict=True)):
            if row is None or not _ordinary(job, known[row[2]], scale=(row[3], row[4])):
                continue
            if (row[0], row[2]) in seen:
                outcomes[i] = LATER
                continue
            seen.add((row[0], row[2]))
            accepted.append((i, job, row))

        joins = [
            dbapi.execute(
                sql["join"],
                {
                    "consultation_id": consultation_id,
                    "account_id": account_id,
                    "stakeholder_group": group,
                    "ballot_key": ballot_key(
                        self._secret.value, consultation_id=consultation_id, account_id=account_id
                    ),
                    "active": bool(_scores(job)),
                    "now": at,
                },
            )
            for _, job, (account_id, group, consultation_id, _, _) in accepted
        ]
        ratings: list[tuple[int, int, int, str, int]] = []
        left_out = []
        for (i, job, row), cursor in zip(accepted, joins, strict=True):
            participant_id, group, key = cursor.fetchone()
            if isinstance(job, Replace):
                kept = {topic_id for topic_id, _ in job.scores}
                left_out += [
                    {"participant_id": participant_id, "topic_id": topic_id}
                    for topic_id in known[row[2]] - kept
                ]
            ratings += [
                (participant_id, topic_id, row[2], group, score) for topic_id, score in _scores(job)
            ]
            outcomes[i] = Written(account_id=row[0], ballot_key=key, updated_at=now)
        if ratings:
            self._rate(dbapi, ratings, at)
        if left_out:
            dbapi.cursor().executemany(sql["unrate"], left_out)
        for consultation_id in sorted({row[2] for _, _, row in accepted}):
            dbapi.execute(sql["bump"], {"consultation_id": consultation_id})
        return outcomes

    def _rate(self, dbapi: Any, ratings: list[tuple[int, int, int, str, int]], at: object) -> None:
        columns = ("participant_id", "topic_id", "consultation_id", "stakeholder_group", "score")
        if self._sqlite:
            rows = [dict(zip(columns, rating, strict=True)) | {"now": at} for rating in ratings]
            dbapi.cursor().executemany(self._sql["rate"], rows)
        else:
            arrays = {
                name: list(values)
                for name, values in zip(columns, zip(*ratings, strict=True), strict=True)
            }
            dbapi.execute(self._sql["rate"], arrays | {"now": at})


def _take_write_lock(dbapi: Any) -> None:
    """BEGIN IMMEDIATE, retried every millisecond while another process holds SQLite's write
    lock. SQLite's own busy handler backs off up to 100 ms a sleep, and another worker's next
    group usually takes the lock before it wakes: with two workers that made the mixed load's
    p99 half a second (docs/operations.md)."""
    dbapi.execute("PRAGMA busy_timeout = 0")
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    try:
        while True:
            try:
                dbapi.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                    raise
                time.sleep(0.001)
    finally:
        dbapi.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")


def _scores(job: Job) -> Sequence[tuple[int, int]]:
    return [(job.topic_id, job.score)] if isinstance(job, Rate) else job.scores


def _ordinary(job: Job, topics: frozenset[int], *, scale: tuple[int, int]) -> bool:
    """Known topics, each rated once, every score on the scale: what the general path would
    accept without a word."""
    lo, hi = scale
    rated = [topic_id for topic_id, _ in _scores(job)]
    return (
        len(set(rated)) == len(rated)
        and topics.issuperset(rated)
        and all(lo <= score <= hi for _, score in _scores(job))
    )
