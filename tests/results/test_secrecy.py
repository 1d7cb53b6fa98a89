"""Issue 12: nothing that leaves the database can link a ballot to a person or to a moment,
and what is published cannot be abused (findings 3, 4, 8)."""

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from app.models import CachedResult
from app.results.service import MAX_CACHED_PER_FAMILY, MAX_DRAWS
from tests.actors import API, add_topics, admin, create_consultation, move, register
from tests.databases import Reader


async def test_ballots_csv_is_published_only_once_closed_for_every_caller(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    """Finding 4: with live results, polling ballots.csv while open would tie each new key
    to the moment someone voted. The ranking stays live; the ballots wait for the close."""
    boss = await admin(client, app)
    member = await register(client)
    voter = await register(client)
    slug = str((await create_consultation(client, boss, live_results=True))["slug"])
    (topic,) = await add_topics(client, boss, slug, ["A"])
    seated = await client.post(
        f"{API}/consultations/{slug}/committee",
        json={"name": "M", "stakeholder_group": "government", "email": member.email},
        headers=boss.headers,
    )
    assert seated.status_code == 201
    await move(client, boss, slug, "open")
    rated = await client.put(
        f"{API}/consultations/{slug}/ballot/{topic}", json={"score": 4}, headers=voter.headers
    )
    assert rated.status_code == 200
    ballots = f"{API}/consultations/{slug}/ballots.csv"
    callers = ({}, voter.headers, member.headers, boss.headers)
    while_open = [await client.get(ballots, headers=who) for who in callers]
    assert [r.status_code for r in while_open] == [401, 403, 403, 403]
    assert all(r.headers["content-type"] == "application/problem+json" for r in while_open)
    ranking = await client.get(f"{API}/consultations/{slug}/ranking")
    assert ranking.status_code == 200
    assert ranking.json()["ratings"] == 1

    await move(client, boss, slug, "close")
    assert [(await client.get(ballots, headers=who)).status_code for who in callers] == [200] * 4
    await move(client, boss, slug, "reopen")
    assert (await client.get(ballots, headers=boss.headers)).status_code == 403


async def test_stability_draws_are_bounded(client: httpx.AsyncClient, app: FastAPI) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    await add_topics(client, boss, slug, ["A", "B"])
    url = f"{API}/consultations/{slug}/ranking/stability"
    too_many = await client.get(url, params={"draws": MAX_DRAWS + 1}, headers=boss.headers)
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["loc"] == ["query", "draws"]
    most = await client.get(url, params={"draws": MAX_DRAWS}, headers=boss.headers)
    assert most.status_code == 200


async def test_stability_results_cached_per_consultation_are_bounded(
    client: httpx.AsyncClient, app: FastAPI, db: Reader
) -> None:
    """Finding 8: every new seed added a cache row that was never removed."""
    boss = await admin(client, app)
    created = await create_consultation(client, boss)
    slug = str(created["slug"])
    await add_topics(client, boss, slug, ["A", "B"])
    ranking = await client.get(f"{API}/consultations/{slug}/ranking", headers=boss.headers)
    assert ranking.status_code == 200
    url = f"{API}/consultations/{slug}/ranking/stability"
    for seed in range(MAX_CACHED_PER_FAMILY + 5):
        response = await client.get(url, params={"seed": seed}, headers=boss.headers)
        assert response.status_code == 200
    stored = db.scalars(
        select(CachedResult.key).where(
            CachedResult.consultation_id == created["id"], CachedResult.key.like("stability:%")
        )
    )
    assert len(stored) == MAX_CACHED_PER_FAMILY
    latest = f"stability:mean:6:200:{MAX_CACHED_PER_FAMILY + 4}"
    assert latest in stored  # the most recent are the ones kept
    assert "stability:mean:6:200:0" not in stored
    others = db.scalars(
        select(CachedResult.key).where(
            CachedResult.consultation_id == created["id"], CachedResult.key.not_like("stability:%")
        )
    )
    assert set(others) == {"ranking:mean", "ballots-digest"}  # other results stay cached
