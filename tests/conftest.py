"""Fixtures: a real database per test (a copy of a migrated and seeded template), the real app,
and an httpx client over ASGI.

The suite runs on SQLite by default. With CONSULTA_TEST_POSTGRES_URL set (CI sets it) every test
runs on PostgreSQL instead, and the tests that need PostgreSQL itself run too.
"""

from __future__ import annotations

import itertools
import os
import secrets
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import settings as hypothesis_settings

from app.config import Settings
from app.main import create_app
from tests.databases import BACKEND, Databases, Reader, settings_for

# CI runs `pytest --hypothesis-profile=ci`: the property tests draw the same examples on every
# run (derandomized, no example database), so a failure in CI can be reproduced by running the
# same command. Locally the default profile explores new examples each run. Registered here, at
# import, before any test module builds its own settings on top of the loaded profile.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)


def pytest_configure(config: pytest.Config) -> None:
    # One contract-fuzzing seed per run, fresh unless given: chosen here, in the controlling
    # process, before pytest-xdist starts its workers (which inherit the environment).
    if not hasattr(config, "workerinput"):
        os.environ.setdefault("CONSULTA_FUZZ_SEED", str(secrets.randbelow(2**32)))


# The longest modules, first: pytest-xdist hands out modules (--dist loadscope) in collection
# order, and a long module collected last ran alone at the end while the other workers idled.
LONGEST_FIRST = (
    "tests/web/test_every_language.py",
    "tests/web/test_browser_audit_pt_fr.py",
    "tests/web/test_browser_audit_en_es.py",
    "tests/web/test_browser.py",
    "tests/web/test_browser_proposals.py",
    "tests/outbox/test_sender_process.py",
    "tests/test_durability.py",
    "tests/webhooks/test_webhook_restarts.py",
)


def reaches_postgres(item: pytest.Item) -> bool:
    """Whether a test's outcome can depend on the database server: it is given a test database
    (the `databases` fixture, directly or through `app`, `client`, `db`...) or is marked
    `postgres`, and it is not marked `sqlite_pass_only`."""
    if item.get_closest_marker("sqlite_pass_only"):
        return False
    return "databases" in getattr(item, "fixturenames", ()) or bool(
        item.get_closest_marker("postgres")
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The PostgreSQL pass (CI's second) runs only the tests that reach the database server: a
    # pure function, or a command run on its own SQLite file, gives the same answer twice.
    if BACKEND == "postgresql":
        skipped = [item for item in items if not reaches_postgres(item)]
        if skipped:
            config.hook.pytest_deselected(items=skipped)
            items[:] = [item for item in items if reaches_postgres(item)]

    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the order within each module is kept


def pytest_report_header(config: pytest.Config) -> list[str]:
    seed = os.environ["CONSULTA_FUZZ_SEED"]
    lines = [f"contract fuzzing seed: {seed} (CONSULTA_FUZZ_SEED={seed} repeats this run)"]
    if BACKEND == "postgresql":
        lines.append(
            "on PostgreSQL: only the tests that reach the database server run (tests/conftest.py"
            " reaches_postgres); the rest ran in the SQLite pass"
        )
    return lines


@pytest.fixture(scope="session", autouse=True)
def anyio_backend() -> str:
    """Autouse, so anyio's plugin runs every `async def` test on asyncio without a marker."""
    return "asyncio"


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    dbs = Databases(tmp_path_factory.mktemp("databases"), itertools.count())
    dbs.setup()
    yield dbs
    dbs.teardown()


@pytest.fixture
def database_url(databases: Databases) -> Iterator[str]:
    url, handle = databases.fresh()
    yield url
    databases.drop(handle)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url)


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://consulta.test") as c:
        yield c


@pytest.fixture
def db(app: FastAPI) -> Reader:
    """Inspects what the app stored."""
    return Reader(app.state.sessions)
