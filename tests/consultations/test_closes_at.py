"""An optional deadline, `closes_at`: stored, shown and editable until finalized. (Refusing
ballot writes after it is the ballot write path's rule.)"""

import httpx
import pytest
from fastapi import FastAPI

from tests.actors import API, admin, create_consultation

pytestmark = pytest.mark.anyio


async def test_closes_at_is_optional_set_changed_and_cleared(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    plain = await create_consultation(client, boss)
    assert plain["closes_at"] is None
    made = await create_consultation(client, boss, closes_at="2031-07-15T18:00:00-03:00")
    assert made["closes_at"] == "2031-07-15T21:00:00Z"
    url = f"{API}/consultations/{made['slug']}"
    moved = await client.patch(
        url, json={"closes_at": "2031-07-20T12:00:00Z"}, headers=boss.headers
    )
    assert moved.json()["closes_at"] == "2031-07-20T12:00:00Z"
    cleared = await client.patch(url, json={"closes_at": None}, headers=boss.headers)
    assert cleared.json()["closes_at"] is None


async def test_a_deadline_without_a_time_zone_is_422(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    response = await client.post(
        f"{API}/consultations",
        json={
            "slug": "x-1",
            "title": "T",
            "forum": "F",
            "edition": "1",
            "closes_at": "2031-07-15T18:00",
        },
        headers=boss.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "closes_at"]
