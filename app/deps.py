"""Request-scoped dependencies shared by every router."""

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Annotated, TypeVar

import anyio
from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import transaction, write_in_thread
from app.vocabulary import MAX_ID

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
T = TypeVar("T")
PathId = Annotated[int, Path(le=MAX_ID)]  # an id in the path; larger than any id is 422


async def get_settings(request: Request) -> Settings:
    # async: a plain function would cost every request that uses it a threadpool hop
    settings: Settings = request.app.state.settings
    return settings


async def sqlite_writer_turn(request: Request) -> AsyncIterator[None]:
    """On SQLite, one write transaction per process at a time, waited for on the event loop.

    A write transaction holds SQLite's write lock from BEGIN IMMEDIATE to COMMIT while FastAPI
    runs the dependencies, the endpoint and the commit as separate threadpool calls. Were the
    waiting done in BEGIN IMMEDIATE (in a thread), enough waiters would take every thread and
    the lock holder could never finish: the lock would only fall at the busy timeout. Waiting
    here takes no thread. Other worker processes still wait in SQLite's busy handler.
    """
    lock: anyio.Lock | None = request.app.state.sqlite_writer
    if lock is None or request.method in SAFE_METHODS:
        yield
        return
    async with lock:
        yield


def get_db(
    request: Request, _turn: Annotated[None, Depends(sqlite_writer_turn, scope="function")]
) -> Iterator[Session]:
    """One session per request. It commits when the endpoint returns and before the response
    is sent (scope="function" below), so a failed commit is an error response, never a 2xx."""
    with transaction(
        request.app.state.sessions, write=request.method not in SAFE_METHODS
    ) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


async def in_one_write(request: Request, work: Callable[[Session], T]) -> T:
    """Runs `work` in one write transaction within a single worker thread, committed before
    it returns (so before the response). Writes that are not grouped (app.ballots.writer)
    use it, ballot writes' general path among them: the database's write lock is then held
    only while one thread runs, never across event-loop turns. (The outbox's dispatcher uses
    the same discipline through app.db.write_in_thread.)"""
    return await write_in_thread(request.app.state.sessions, request.app.state.sqlite_writer, work)
