"""Sign-in throttling: its state lives in the database, so it holds across app instances."""

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from app.config import Settings
from app.main import create_app
from tests.actors import API, PASSWORD, register

MAX_FAILURES = 4
WINDOW = 1


@pytest.fixture
def instances(settings: Settings) -> Iterator[list[FastAPI]]:
    """Two app instances (as two worker processes would be) sharing one database."""
    throttled = settings.model_copy(
        update={"login_max_failures": MAX_FAILURES, "login_window_seconds": WINDOW}
    )
    apps = [create_app(throttled), create_app(throttled)]
    yield apps
    for app in apps:
        app.state.engine.dispose()


async def attempt(app: FastAPI, email: str, password: str, address: str) -> httpx.Response:
    """A sign-in from `address`."""
    transport = httpx.ASGITransport(app=app, client=(address, 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.post(
            f"{API}/auth/token", data={"username": email, "password": password}
        )


async def new_voter(app: FastAPI) -> str:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return (await register(client)).email


async def test_failures_on_one_account_throttle_it_across_instances(
    instances: list[FastAPI],
) -> None:
    first, second = instances
    voter = await new_voter(first)
    for i in range(MAX_FAILURES):
        response = await attempt(instances[i % 2], voter, "wrong", f"10.0.0.{i}")
        assert response.status_code == 401
    for app in (first, second):
        blocked = await attempt(app, voter, PASSWORD, "10.0.1.1")
        assert blocked.status_code == 429
        assert blocked.headers["content-type"] == "application/problem+json"
        assert 1 <= int(blocked.headers["retry-after"]) <= WINDOW + 1
    await asyncio.sleep(WINDOW + 0.2)
    assert (await attempt(second, voter, PASSWORD, "10.0.1.1")).status_code == 200


async def test_failures_from_one_address_throttle_it_for_every_account(
    instances: list[FastAPI],
) -> None:
    first, second = instances
    victim = await new_voter(first)
    for i in range(MAX_FAILURES):
        response = await attempt(instances[i % 2], f"guess{i}@example.org", "x", "192.0.2.7")
        assert response.status_code == 401
    assert (await attempt(first, victim, PASSWORD, "192.0.2.7")).status_code == 429
    assert (await attempt(second, victim, PASSWORD, "198.51.100.1")).status_code == 200


async def test_a_success_clears_the_account_failures(instances: list[FastAPI]) -> None:
    first, _ = instances
    voter = await new_voter(first)
    for _ in range(MAX_FAILURES - 1):
        assert (await attempt(first, voter, "wrong", "10.1.0.1")).status_code == 401
    assert (await attempt(first, voter, PASSWORD, "10.1.0.2")).status_code == 200
    for _ in range(MAX_FAILURES - 1):
        assert (await attempt(first, voter, "wrong", "10.1.0.3")).status_code == 401
    assert (await attempt(first, voter, PASSWORD, "10.1.0.4")).status_code == 200
