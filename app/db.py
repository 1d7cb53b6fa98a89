"""Engine, sessions and the declarative Base shared by every domain's models."""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, ClassVar

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
WRITING = "consulta_writing"  # Session.info key: a unit of work that may write


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


@lru_cache(maxsize=4)
def bound_time(dialect: Dialect) -> Callable[[datetime], Any]:
    """A timestamp as the UTCDateTime column type hands it to this dialect's driver, for SQL
    that SQLAlchemy does not bind itself (the grouped ballot writer, text statements): SQLite
    stores naive UTC text, always with microseconds, exactly as the ORM writes it."""
    process = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert process is not None  # a TypeDecorator always processes its values
    return process


@lru_cache(maxsize=4)
def read_time(dialect: Dialect) -> Callable[[Any], datetime | None]:
    """A timestamp column's value as the driver returns it, made an aware UTC datetime as the
    ORM would (SQLite returns text)."""
    process = UTCDateTime().dialect_impl(dialect).result_processor(dialect, None)
    assert process is not None
    return process


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Statement parameters are kept out of error messages and logs (hide_parameters): they
    hold who rated what."""
    if not url.startswith("sqlite"):
        # A request waiting on a row lock holds a worker thread; never wait forever.
        connect_args = {"options": "-c lock_timeout=10000"} if "psycopg" in url else {}
        return create_engine(
            url, pool_pre_ping=True, hide_parameters=True, connect_args=connect_args, **kwargs
        )
    engine = create_engine(
        url,
        hide_parameters=True,
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
        session.info[WRITING] = write
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


def writing(session: Session) -> bool:
    """Whether the session is a write transaction (app.db.transaction(write=True))."""
    return bool(session.info.get(WRITING, False))


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
