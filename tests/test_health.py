from pathlib import Path

import httpx

from app.main import create_app
from tests.databases import settings_for


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200


async def test_not_ready_until_migrated(tmp_path: Path) -> None:
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'empty.db'}"))
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            assert (await client.get("/healthz")).status_code == 200
            ready = await client.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["database"] == "not migrated"
    finally:
        app.state.engine.dispose()


async def test_not_ready_when_the_database_is_unreachable(tmp_path: Path) -> None:
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}"))
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            ready = await client.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["database"] == "unreachable"
    finally:
        app.state.engine.dispose()
