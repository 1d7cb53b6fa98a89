"""Request-scoped dependencies shared by every router."""

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Annotated, TypeVar

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import transaction
from app.db_turns import DEFERRED, Work, WriteTurns
from app.pagination import Window, window
from app.server_secret import ServerSecret
from app.translations import requested_language
from app.vocabulary import MAX_ID, MIN_ID

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
T = TypeVar("T")
PathId = Annotated[int, Path(ge=MIN_ID, le=MAX_ID)]  # beyond what a database holds: 422


async def get_settings(request: Request) -> Settings:
    # async: a plain function would cost every request that uses it a threadpool hop
    settings: Settings = request.app.state.settings
    return settings


def write_turns(request: Request) -> WriteTurns:
    turns: WriteTurns = request.app.state.write_turns
    return turns


async def write_turn(request: Request) -> AsyncIterator[None]:
    """A request that writes takes its process's turn first (app.db_turns)."""
    if request.method in SAFE_METHODS:
        yield
        return
    async with write_turns(request).turn():
        yield


async def deferred_writes(request: Request) -> AsyncIterator[list[Work]]:
    """Writes that serving the request deferred (caching a result): run once the response is
    sent (this dependency's clean-up runs then), each in its own turn."""
    deferred: list[Work] = []
    yield deferred
    if deferred:
        await write_turns(request).run_deferred(deferred)


def get_db(
    request: Request,
    _turn: Annotated[None, Depends(write_turn, scope="function")],
    deferred: Annotated[list[Work], Depends(deferred_writes)],
) -> Iterator[Session]:
    """One session per request. It commits when the endpoint returns and before the response
    is sent (scope="function" below), so a failed commit is an error response, never a 2xx."""
    with transaction(
        request.app.state.sessions, write=request.method not in SAFE_METHODS
    ) as session:
        session.info[DEFERRED] = deferred
        yield session


async def get_secret(request: Request) -> str:
    """The server secret (app.server_secret): resolved once per process, at startup."""
    secret: ServerSecret = request.app.state.secret
    return secret.value


SessionDep = Annotated[Session, Depends(get_db, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SecretDep = Annotated[str, Depends(get_secret)]
ContentLanguage = Annotated[str | None, Depends(requested_language)]
PageWindow = Annotated[Window, Depends(window)]


async def in_one_write(request: Request, work: Callable[[Session], T]) -> T:
    """Runs `work` in one write transaction within a single worker thread, committed before
    it returns (so before the response), in this process's turn (app.db_turns). The ballot
    writes' general path uses it."""
    return await write_turns(request).write(work)
