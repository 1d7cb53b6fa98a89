"""Write turns: the one place that owns SQLite's write-lock discipline.

SQLite has one writer at a time, and a write transaction holds the database's write lock from
BEGIN IMMEDIATE to COMMIT. Two rules follow, and every write of the service keeps them by
going through here:

1. Never wait for the write lock while holding a worker thread. FastAPI runs dependencies,
   endpoints and commits as separate threadpool calls; were the waiting done in a thread,
   enough waiters would take every thread and the lock holder could never finish (the lock
   would fall only at the busy timeout). So within a process, writers take turns on an
   asyncio lock, waiting on the event loop, and only then take a thread.
2. Between processes, take the lock by polling BEGIN IMMEDIATE every millisecond
   (`begin_immediate`): SQLite's busy handler backs off up to 100 ms a sleep, and another
   worker's next write usually wins before it wakes.

Reads never write, either: a result computed while serving a read is cached afterwards, in a
write of its own that takes its turn once the response is sent (`defer` and `run_deferred`).

On PostgreSQL there are no turns: row locks serialize what must be serialized.
"""

import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import anyio
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.db import SQLITE_BUSY_TIMEOUT_MS, transaction

T = TypeVar("T")
Work = Callable[[Session], Any]
DEFERRED = "consulta_deferred_writes"  # Session.info key: writes to run after the response

log = logging.getLogger(__name__)


class WriteTurns:
    def __init__(self, sessions: sessionmaker[Session], *, sqlite: bool) -> None:
        self._sessions = sessions
        self._lock = anyio.Lock() if sqlite else None

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """This process's turn to write (on SQLite), waited for on the event loop."""
        if self._lock is None:
            yield
            return
        async with self._lock:
            yield

    async def in_thread(self, function: Callable[..., T], *args: Any) -> T:
        """`function` in a worker thread, in this process's turn."""
        async with self.turn():
            return await anyio.to_thread.run_sync(function, *args)

    async def write(self, work: Callable[[Session], T]) -> T:
        """`work` in one write transaction within a single worker thread, committed before it
        returns: the write lock is held only while one thread runs."""

        def run() -> T:
            with transaction(self._sessions, write=True) as session:
                return work(session)

        return await self.in_thread(run)

    async def run_deferred(self, works: list[Work]) -> None:
        """The writes a read deferred (`defer`), each in a transaction and a turn of its own.
        They only cache results: one that fails is logged, and the result is computed again
        next time."""
        for work in works:
            try:
                await self.write(work)
            except SQLAlchemyError as error:
                log.warning("a deferred cache write failed: %s", type(error).__name__)


def defer(session: Session, work: Work) -> None:
    """A write that a read wants done (caching a result): after the response, in its own
    turn, when the session serves a request; at once in a transaction of its own otherwise
    (a command, a test), when nothing else of this process can be writing."""
    deferred: list[Work] | None = session.info.get(DEFERRED)
    if deferred is not None:
        deferred.append(work)
        return
    with transaction(sessionmaker(session.get_bind()), write=True) as own:
        work(own)


def begin_immediate(driver: Any) -> None:
    """BEGIN IMMEDIATE on a sqlite3 connection, retried every millisecond while another
    process holds the write lock, up to the busy timeout."""
    driver.execute("PRAGMA busy_timeout = 0")
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    try:
        while True:
            try:
                driver.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                    raise
                time.sleep(0.001)
    finally:
        driver.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
