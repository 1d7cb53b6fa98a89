"""Ballot writes and personal access tokens: a token without the `ballot` scope may not touch
its holder's ballot (403 insufficient-scope, nothing stored).

The grouped write path (app.ballots.writer) looks callers up by token in its own SQL and does
not read the token's scopes yet: its PUTs are expected to fail here until that check lands
with the write-path rework (the general path, which DELETE and GET take, already refuses)."""

import httpx
import pytest
from fastapi import FastAPI

from tests.actors import API, Actor, add_topics, admin, create_consultation, move, register
from tests.snapshots import snapshot


async def token(client: httpx.AsyncClient, holder: Actor, *scopes: str) -> Actor:
    response = await client.post(
        f"{API}/auth/tokens",
        json={"name": "Script", "scopes": list(scopes), "expires_in_days": 7},
        headers=holder.headers,
    )
    assert response.status_code == 201, response.text
    return Actor(holder.email, response.json()["token"], holder.id)


@pytest.fixture
async def opened(client: httpx.AsyncClient, app: FastAPI) -> tuple[str, int, Actor]:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    topic = (await add_topics(client, boss, slug, ["Access", "Rights"]))[0]
    await move(client, boss, slug, "open")
    voter = await register(client)
    rated = await client.put(
        f"{API}/consultations/{slug}/ballot/{topic}", json={"score": 2}, headers=voter.headers
    )
    assert rated.status_code == 200
    return slug, topic, voter


def refused(response: httpx.Response) -> None:
    assert response.status_code == 403, response.text
    assert response.json()["type"] == "urn:consulta:problem:insufficient-scope"
    assert response.json()["required_scopes"] == ["ballot"]


async def test_rating_a_topic_with_a_results_token_is_403(
    client: httpx.AsyncClient, app: FastAPI, opened: tuple[str, int, Actor]
) -> None:
    slug, topic, voter = opened
    reader = await token(client, voter, "results")
    before = snapshot(app)
    response = await client.put(
        f"{API}/consultations/{slug}/ballot/{topic}", json={"score": 5}, headers=reader.headers
    )
    refused(response)
    assert snapshot(app) == before


async def test_replacing_the_ballot_with_a_results_token_is_403(
    client: httpx.AsyncClient, app: FastAPI, opened: tuple[str, int, Actor]
) -> None:
    slug, topic, voter = opened
    reader = await token(client, voter, "results", "committee")
    before = snapshot(app)
    response = await client.put(
        f"{API}/consultations/{slug}/ballot",
        json={"ratings": [{"topic_id": topic, "score": 5}]},
        headers=reader.headers,
    )
    refused(response)
    assert snapshot(app) == before


async def test_withdrawing_with_a_results_token_is_403(
    client: httpx.AsyncClient, app: FastAPI, opened: tuple[str, int, Actor]
) -> None:
    slug, topic, voter = opened
    reader = await token(client, voter, "results")
    before = snapshot(app)
    response = await client.delete(
        f"{API}/consultations/{slug}/ballot/{topic}", headers=reader.headers
    )
    refused(response)
    assert snapshot(app) == before


async def test_a_ballot_token_reads_and_writes_its_holders_ballot(
    client: httpx.AsyncClient, opened: tuple[str, int, Actor]
) -> None:
    slug, topic, voter = opened
    writer = await token(client, voter, "ballot")
    url = f"{API}/consultations/{slug}/ballot"
    assert (
        await client.put(f"{url}/{topic}", json={"score": 5}, headers=writer.headers)
    ).status_code == 200
    ballot = (await client.get(url, headers=voter.headers)).json()
    assert [(r["topic_id"], r["score"]) for r in ballot["ratings"]] == [(topic, 5)]
    assert (await client.delete(f"{url}/{topic}", headers=writer.headers)).status_code == 204
    assert (await client.get(url, headers=writer.headers)).json()["ratings"] == []
