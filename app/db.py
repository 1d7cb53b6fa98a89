"""Engine, sessions and the declarative Base shared by every domain's models."""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

import anyio
import anyio.to_thread
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Transactions that will write on SQLite take the write lock up front (BEGIN IMMEDIATE), so
# the busy timeout applies instead of a lock-upgrade failure in the middle of the transaction.
SQLITE_IMMEDIATE = "consulta_sqlite_immediate"
SQLITE_BUSY_TIMEOUT_MS = 30_000
T = TypeVar("T")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


def make_engine(url: str, **kwargs: Any) -> Engine:
    if not url.startswith("sqlite"):
        # A request waiting on a row lock holds a worker thread; never wait forever.
        connect_args = {"options": "-c lock_timeout=10000"} if "psycopg" in url else {}
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)
    engine = create_engine(
        url,
        connect_args={"isolation_level": None, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        **kwargs,
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # FULL: a commit survives power loss too, not only a crash of the process. Ballot
        # writes are grouped (app.ballots.writer), so the extra fsync is paid once per group.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(SQLITE_IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, autoflush=False)


@contextmanager
def transaction(sessions: sessionmaker[Session], *, write: bool = False) -> Iterator[Session]:
    """One unit of work: commits when the block ends normally, rolls back otherwise.

    A read sees one snapshot of the database (REPEATABLE READ on PostgreSQL; SQLite's read
    transactions are snapshots already), so results computed from several queries agree with
    each other and with the tally version they are cached under."""
    with sessions() as session:
        if write:
            session.connection(execution_options={SQLITE_IMMEDIATE: True})
        elif session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


async def write_in_thread(
    sessions: sessionmaker[Session], sqlite_writer: anyio.Lock | None, work: Callable[[Session], T]
) -> T:
    """Runs `work` in one write transaction within a single worker thread, committed before it
    returns. On SQLite this process's writers first queue on `sqlite_writer` (taking no
    thread), so none waits in SQLite's busy handler while the lock holder needs a thread to
    finish (see app.deps.in_one_write)."""

    def run() -> T:
        with transaction(sessions, write=True) as session:
            return work(session)

    if sqlite_writer is None:
        return await anyio.to_thread.run_sync(run)
    async with sqlite_writer:
        return await anyio.to_thread.run_sync(run)


def driver_sql(sql: str, dialect: str) -> str:
    """SQL with :name parameters, made ready for the driver itself (hot paths that skip
    SQLAlchemy's per-statement work): sqlite3 takes :name, psycopg %(name)s."""
    return sql if dialect == "sqlite" else re.sub(r":(\w+)", r"%(\1)s", sql)


def dialect_insert(session: Session) -> Any:
    """The dialect's INSERT construct, which has `on_conflict_do_update` on both SQLite and
    PostgreSQL: upserts are single statements, correct under concurrency."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert
    return sqlite.insert
