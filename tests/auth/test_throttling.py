"""Throttling, per the contract: within 15 minutes, 10 failed sign-ins for one account from one
client address refuse that pair, 100 from one address refuse that address; failures from other
addresses never refuse an account's correct password. Registration, resend and reset: 20 per
client address per hour. The state lives in the database, so it holds across app instances.

Client addresses: in-process, the ASGI client address (what uvicorn puts there); against a
served process, X-Forwarded-For from the loopback proxy, which uvicorn trusts by default."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from app.config import Settings
from app.main import create_app
from tests.actors import API, PASSWORD, register, unique_email
from tests.processes import CHEAP_HASHING, served


@pytest.fixture
def instances(settings: Settings) -> Iterator[list[FastAPI]]:
    """Two app instances (as two worker processes would be) sharing one database."""
    apps = [create_app(settings), create_app(settings)]
    yield apps
    for app in apps:
        app.state.engine.dispose()


def client_from(app: FastAPI, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 5000))
    return httpx.AsyncClient(transport=transport, base_url="http://t")


async def sign_in(app: FastAPI, email: str, password: str, address: str) -> httpx.Response:
    async with client_from(app, address) as client:
        return await client.post(
            f"{API}/auth/token", data={"username": email, "password": password}
        )


async def new_voter(app: FastAPI, address: str = "198.18.0.1") -> str:
    async with client_from(app, address) as client:
        return (await register(client)).email


def assert_throttled(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) >= 1


async def test_ten_failures_from_one_address_refuse_that_pair_only(
    instances: list[FastAPI],
) -> None:
    first, second = instances
    voter = await new_voter(first)
    for i in range(10):
        response = await sign_in(instances[i % 2], voter, "wrong password", "203.0.113.5")
        assert response.status_code == 401
    for app in instances:
        assert_throttled(await sign_in(app, voter, PASSWORD, "203.0.113.5"))
    assert int((await sign_in(first, voter, PASSWORD, "203.0.113.5")).headers["retry-after"]) <= 900
    # The same person elsewhere, and another person at that address, are not refused.
    assert (await sign_in(second, voter, PASSWORD, "203.0.113.6")).status_code == 200
    other = await new_voter(first)
    assert (await sign_in(first, other, PASSWORD, "203.0.113.5")).status_code == 200


async def test_failures_from_many_addresses_never_refuse_the_right_password(
    instances: list[FastAPI],
) -> None:
    first, second = instances
    voter = await new_voter(first)
    for i in range(30):  # an attacker spreading guesses over many addresses
        address = f"192.0.2.{i + 1}"
        assert (await sign_in(instances[i % 2], voter, "guess", address)).status_code == 401
    assert (await sign_in(second, voter, PASSWORD, "198.51.100.77")).status_code == 200


async def test_a_hundred_failures_from_one_address_refuse_it_for_every_account(
    instances: list[FastAPI],
) -> None:
    first, second = instances
    victim = await new_voter(first)
    for i in range(100):
        email = f"guess{i}@example.org"
        response = await sign_in(instances[i % 2], email, "x" * 10, "192.0.2.200")
        assert response.status_code == 401
    assert_throttled(await sign_in(first, victim, PASSWORD, "192.0.2.200"))
    assert (await sign_in(second, victim, PASSWORD, "192.0.2.201")).status_code == 200


async def test_ninety_nine_failures_from_one_address_still_let_its_people_in(
    instances: list[FastAPI],
) -> None:
    first, _ = instances
    voter = await new_voter(first)
    for i in range(99):
        email = f"typo{i}@example.org"  # a venue's shared address: many people, typos
        assert (await sign_in(first, email, "x" * 10, "192.0.2.99")).status_code == 401
    assert (await sign_in(first, voter, PASSWORD, "192.0.2.99")).status_code == 200


async def test_a_success_clears_the_pair_failures(instances: list[FastAPI]) -> None:
    first, _ = instances
    voter = await new_voter(first)
    for _ in range(9):
        assert (await sign_in(first, voter, "wrong", "10.1.0.1")).status_code == 401
    assert (await sign_in(first, voter, PASSWORD, "10.1.0.1")).status_code == 200
    for _ in range(9):
        assert (await sign_in(first, voter, "wrong", "10.1.0.1")).status_code == 401
    assert (await sign_in(first, voter, PASSWORD, "10.1.0.1")).status_code == 200


def registration(email: str) -> dict[str, str]:
    return {
        "email": email,
        "password": PASSWORD,
        "display_name": "Someone",
        "stakeholder_group": "academia",
        "country": "CL",
    }


@pytest.mark.parametrize("action", ["register", "resend", "reset"])
async def test_account_requests_are_twenty_per_address_per_hour(
    instances: list[FastAPI], action: str
) -> None:
    first, second = instances
    unverified = None
    if action == "resend":
        async with client_from(first, "198.18.0.9") as client:
            unverified = await register(client, verified=False)

    async def request(app: FastAPI, address: str) -> httpx.Response:
        async with client_from(app, address) as client:
            if action == "register":
                return await client.post(f"{API}/accounts", json=registration(unique_email()))
            if action == "reset":
                return await client.post(
                    f"{API}/auth/password-reset", json={"email": unique_email("lost")}
                )
            assert unverified is not None
            return await client.post(f"{API}/accounts/verify/resend", headers=unverified.headers)

    accepted = 201 if action == "register" else 202
    for i in range(20):
        assert (await request(instances[i % 2], "203.0.113.20")).status_code == accepted
    refused = await request(second, "203.0.113.20")
    assert_throttled(refused)
    assert 3000 < int(refused.headers["retry-after"]) <= 3601
    assert (await request(first, "203.0.113.21")).status_code == accepted


async def test_a_refused_duplicate_registration_counts_too(instances: list[FastAPI]) -> None:
    first, _ = instances
    taken = await new_voter(first, "198.18.0.30")
    async with client_from(first, "198.18.0.31") as client:
        for _ in range(20):
            response = await client.post(f"{API}/accounts", json=registration(taken))
            assert response.status_code == 409
        assert_throttled(await client.post(f"{API}/accounts", json=registration(taken)))


def test_a_served_process_takes_the_address_from_its_trusted_proxy(
    tmp_path: Path, database_url: str
) -> None:
    """uvicorn trusts X-Forwarded-For from FORWARDED_ALLOW_IPS (loopback by default): each
    forwarded address is throttled on its own."""
    env = CHEAP_HASHING | {"CONSULTA_LOGIN_MAX_FAILURES": "3"}
    with (
        served(tmp_path, database_url, env=env) as (base, _),
        httpx.Client(base_url=base + API, timeout=30) as http,
    ):
        email = unique_email()
        assert http.post("/accounts", json=registration(email)).status_code == 201

        def attempt(password: str, address: str) -> int:
            response = http.post(
                "/auth/token",
                data={"username": email, "password": password},
                headers={"X-Forwarded-For": address},
            )
            return response.status_code

        assert [attempt("wrong", "203.0.113.50") for _ in range(3)] == [401] * 3
        assert attempt(PASSWORD, "203.0.113.50") == 429
        assert attempt(PASSWORD, "203.0.113.51") == 200
        assert attempt(PASSWORD, "127.0.0.1") == 200


def test_an_untrusted_proxy_cannot_choose_its_address(tmp_path: Path, database_url: str) -> None:
    """With FORWARDED_ALLOW_IPS naming another proxy, X-Forwarded-For from here is ignored:
    every attempt counts against this connection's own address."""
    env = CHEAP_HASHING | {"CONSULTA_LOGIN_MAX_FAILURES": "3", "FORWARDED_ALLOW_IPS": "192.0.2.1"}
    with (
        served(tmp_path, database_url, env=env) as (base, _),
        httpx.Client(base_url=base + API, timeout=30) as http,
    ):
        email = unique_email()
        assert http.post("/accounts", json=registration(email)).status_code == 201
        statuses = [
            http.post(
                "/auth/token",
                data={"username": email, "password": "wrong" if i < 3 else PASSWORD},
                headers={"X-Forwarded-For": f"203.0.113.{60 + i}"},
            ).status_code
            for i in range(4)
        ]
        assert statuses == [401, 401, 401, 429]
