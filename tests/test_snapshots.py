"""The snapshot behind every "a refused request changes nothing" test sees the whole state."""

import httpx
from fastapi import FastAPI
from sqlalchemy import inspect

from app.models import Base
from app.search import is_search_object
from tests.actors import API, PASSWORD, admin, register
from tests.snapshots import TABLES, snapshot


def test_the_snapshot_names_every_table_of_the_models() -> None:
    missing = set(Base.metadata.tables) - set(TABLES)
    assert not missing, f"add these tables to tests/snapshots.py TABLES: {sorted(missing)}"
    assert set(TABLES) <= set(Base.metadata.tables)
    assert len(TABLES) == len(set(TABLES))


def test_the_snapshot_names_every_table_of_the_migrated_database(app: FastAPI) -> None:
    names = set(inspect(app.state.engine).get_table_names()) - {"alembic_version"}
    migrated = {name for name in names if not is_search_object(name)}  # the FTS5 index
    missing = migrated - set(TABLES)
    assert not missing, f"add these tables to tests/snapshots.py TABLES: {sorted(missing)}"


def test_the_snapshot_reads_every_table(app: FastAPI) -> None:
    assert list(snapshot(app)) == list(TABLES)
    assert "throttle_events" not in snapshot(app, leave_out=["throttle_events"])


async def test_the_snapshot_sees_a_change_in_tables_a_request_touches_on_the_side(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    # The tables that no response shows: a change there is caught only by the snapshot.
    before = snapshot(app)
    voter = await register(client)
    refused = await client.post(
        f"{API}/auth/token", data={"username": voter.email, "password": PASSWORD + "!"}
    )
    assert refused.status_code == 401
    after = snapshot(app)
    assert len(after["throttle_events"]) > len(before["throttle_events"])
    boss = await admin(client, app)
    ranking = await client.get(f"{API}/consultations/lacigf-2017/ranking", headers=boss.headers)
    assert ranking.status_code == 200
    assert len(snapshot(app)["cached_results"]) > len(after["cached_results"])
