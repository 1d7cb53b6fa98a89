"""Every error is an RFC 9457 problem, FastAPI's own included, and changes nothing."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.models import Account
from tests.databases import Reader

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body.keys() >= PROBLEM_KEYS
    assert body["status"] == status
    return body


async def test_unknown_route_is_a_404_problem(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.get("/api/v1/nowhere"), 404)
    assert body["instance"] == "/api/v1/nowhere"


async def test_unknown_consultation_is_a_404_problem(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/api/v1/consultations/no-such-forum"), 404)


async def test_wrong_method_is_a_405_problem(client: httpx.AsyncClient) -> None:
    response = await client.delete("/api/v1/consultations")
    assert_problem(response, 405)
    assert "GET" in response.headers["allow"]


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=501", "limit=ten", "offset=-1", "order=alphabetical"]
)
async def test_invalid_query_values_are_422_problems(client: httpx.AsyncClient, query: str) -> None:
    path = "/api/v1/consultations/lacigf-2017/topics"
    body = assert_problem(await client.get(f"{path}?{query}"), 422)
    assert body["errors"][0]["loc"][0] == "query"


async def test_malformed_json_is_a_400_problem(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/accounts", content=b'{"email": ', headers={"content-type": "application/json"}
    )
    assert_problem(response, 400)


async def test_declared_oversized_body_is_refused_before_parsing(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/api/v1/accounts",
        content=b"x" * (1024 * 1024 + 1),
        headers={"content-type": "application/json"},
    )
    assert_problem(response, 413)


async def test_streamed_oversized_body_is_refused(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b" " * 65536

    response = await client.post(
        "/api/v1/accounts", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_problem(response, 413)


async def test_a_failed_commit_is_an_error_response_not_a_2xx(
    client: httpx.AsyncClient, app: FastAPI, db: Reader
) -> None:
    def fail(_: Session) -> None:
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    event.listen(app.state.sessions, "before_commit", fail)
    try:
        response = await client.post(
            "/api/v1/accounts",
            json={
                "email": "lost@example.org",
                "password": "long enough password",
                "display_name": "Lost",
                "stakeholder_group": "academia",
                "country": "BR",
            },
        )
    finally:
        event.remove(app.state.sessions, "before_commit", fail)
    assert_problem(response, 503)
    assert db.scalar(select(func.count()).select_from(Account)) == 0


async def test_openapi_names_its_schemas_and_lists_error_responses(
    client: httpx.AsyncClient,
) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert {"Problem", "ConsultationPublic", "BallotPublic", "AccountCreate"} <= set(
        spec["components"]["schemas"]
    )
    register = spec["paths"]["/api/v1/accounts"]["post"]["responses"]
    assert {"201", "409", "422"} <= set(register)
