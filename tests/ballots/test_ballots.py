"""A participant's ballot: receipt key, whole and single writes, withdrawal, the group fixed at
the first rating, and no one else seeing it."""

from collections.abc import Awaitable
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.models import AuditEntry, Participant, Rating
from tests.actors import API, Actor, add_topics, admin, create_consultation, move, register
from tests.databases import Reader


@dataclass
class Open:
    slug: str
    topics: list[int]
    admin: Actor


@pytest.fixture
async def opened(client: httpx.AsyncClient, app: FastAPI) -> Open:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    topics = await add_topics(client, boss, slug, ["Access", "Rights", "Security"])
    await move(client, boss, slug, "open")
    return Open(slug, topics, boss)


async def accepted(call: Awaitable[httpx.Response], status: int = 200) -> httpx.Response:
    """Every write in these tests is checked, so that a later assertion never rests on a write
    that was silently refused."""
    response = await call
    assert response.status_code == status, response.text
    return response


async def ballot(client: httpx.AsyncClient, slug: str, who: Actor) -> dict[str, object]:
    response = await client.get(f"{API}/consultations/{slug}/ballot", headers=who.headers)
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


async def test_before_any_rating_the_ballot_is_empty_with_a_stable_key(
    client: httpx.AsyncClient, opened: Open, db: Reader
) -> None:
    voter = await register(client)
    first = await ballot(client, opened.slug, voter)
    assert first["ratings"] == []
    assert first == await ballot(client, opened.slug, voter)
    assert db.scalar(select(Participant)) is None  # reading stored nothing
    await accepted(
        client.put(
            f"{API}/consultations/{opened.slug}/ballot/{opened.topics[0]}",
            json={"score": 4},
            headers=voter.headers,
        )
    )
    after = await ballot(client, opened.slug, voter)
    assert after["ballot_key"] == first["ballot_key"]
    other = await register(client)
    assert (await ballot(client, opened.slug, other))["ballot_key"] != first["ballot_key"]


async def test_single_writes_replace_and_withdraw(client: httpx.AsyncClient, opened: Open) -> None:
    voter = await register(client)
    url = f"{API}/consultations/{opened.slug}/ballot"
    t0, t1, t2 = opened.topics
    response = await accepted(client.put(f"{url}/{t0}", json={"score": 2}, headers=voter.headers))
    assert response.json()["score"] == 2
    await accepted(client.put(f"{url}/{t0}", json={"score": 5}, headers=voter.headers))
    await accepted(client.put(f"{url}/{t1}", json={"score": 1}, headers=voter.headers))
    scores = {
        r["topic_id"]: r["score"] for r in (await ballot(client, opened.slug, voter))["ratings"]
    }  # type: ignore[attr-defined]
    assert scores == {t0: 5, t1: 1}
    replaced = await client.put(
        url,
        json={"ratings": [{"topic_id": t1, "score": 3}, {"topic_id": t2, "score": 4}]},
        headers=voter.headers,
    )
    assert replaced.status_code == 200
    assert {r["topic_id"]: r["score"] for r in replaced.json()["ratings"]} == {t1: 3, t2: 4}
    assert (await client.delete(f"{url}/{t2}", headers=voter.headers)).status_code == 204
    assert (await client.delete(f"{url}/{t2}", headers=voter.headers)).status_code == 204
    final = (await ballot(client, opened.slug, voter))["ratings"]
    assert [(r["topic_id"], r["score"]) for r in final] == [(t1, 3)]  # type: ignore[attr-defined]
    emptied = await accepted(client.put(url, json={"ratings": []}, headers=voter.headers))
    assert emptied.json()["ratings"] == []


async def test_writes_are_refused_once_closed_and_accepted_after_reopen(
    client: httpx.AsyncClient, opened: Open
) -> None:
    voter = await register(client)
    url = f"{API}/consultations/{opened.slug}/ballot/{opened.topics[0]}"
    await move(client, opened.admin, opened.slug, "close")
    closed = await client.put(url, json={"score": 3}, headers=voter.headers)
    assert closed.status_code == 409
    assert closed.json()["state"] == "closed"
    assert (await client.delete(url, headers=voter.headers)).status_code == 409
    await move(client, opened.admin, opened.slug, "reopen")
    assert (await client.put(url, json={"score": 3}, headers=voter.headers)).status_code == 200


async def test_the_group_is_fixed_at_the_first_rating(
    client: httpx.AsyncClient, opened: Open, db: Reader
) -> None:
    voter = await register(client, group="academia")
    url = f"{API}/consultations/{opened.slug}/ballot"
    await accepted(
        client.put(f"{url}/{opened.topics[0]}", json={"score": 4}, headers=voter.headers)
    )
    moved = await accepted(
        client.patch(f"{API}/me", json={"stakeholder_group": "government"}, headers=voter.headers)
    )
    assert moved.json()["stakeholder_group"] == "government"
    await accepted(
        client.put(f"{url}/{opened.topics[1]}", json={"score": 2}, headers=voter.headers)
    )
    await accepted(client.delete(f"{url}/{opened.topics[0]}", headers=voter.headers), 204)
    await accepted(client.delete(f"{url}/{opened.topics[1]}", headers=voter.headers), 204)
    await accepted(
        client.put(f"{url}/{opened.topics[2]}", json={"score": 5}, headers=voter.headers)
    )
    groups = set(db.scalars(select(Rating.stakeholder_group)))
    assert groups == {"academia"}


async def test_scale_of_the_consultation_is_enforced(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss, scale_min=0, scale_max=10))["slug"])
    topic = (await add_topics(client, boss, slug, ["Only"]))[0]
    await move(client, boss, slug, "open")
    voter = await register(client)
    url = f"{API}/consultations/{slug}/ballot/{topic}"
    assert (await client.put(url, json={"score": 0}, headers=voter.headers)).status_code == 200
    assert (await client.put(url, json={"score": 10}, headers=voter.headers)).status_code == 200
    assert (await client.put(url, json={"score": 11}, headers=voter.headers)).status_code == 422


async def test_ballot_writes_are_counted_not_itemised(
    client: httpx.AsyncClient, opened: Open, db: Reader
) -> None:
    voter = await register(client)
    url = f"{API}/consultations/{opened.slug}/ballot"
    for score in (1, 2, 3):
        await accepted(
            client.put(f"{url}/{opened.topics[0]}", json={"score": score}, headers=voter.headers)
        )
    await accepted(client.delete(f"{url}/{opened.topics[0]}", headers=voter.headers), 204)
    assert db.scalar(select(Participant.ballot_writes)) == 4
    await move(client, opened.admin, opened.slug, "close")
    actions = list(db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert not any(a.startswith("ballot") for a in actions)
    close = db.scalar(select(AuditEntry).where(AuditEntry.action == "consultation.close"))
    assert close is not None
    assert close.detail["ballot_writes"] == 4
    assert "score" not in str(close.detail)


async def test_no_endpoint_shows_another_participants_ratings(
    client: httpx.AsyncClient, opened: Open
) -> None:
    voter = await register(client)
    url = f"{API}/consultations/{opened.slug}/ballot"
    await accepted(
        client.put(f"{url}/{opened.topics[0]}", json={"score": 5}, headers=voter.headers)
    )
    for reader in (await register(client), opened.admin):
        own = await ballot(client, opened.slug, reader)
        assert own["ratings"] == []
        assert own["ballot_key"] != (await ballot(client, opened.slug, voter))["ballot_key"]
    detail = (await client.get(f"{API}/consultations/{opened.slug}")).json()
    assert detail["counts"] == {"topics": 3, "participants": 1, "ratings": 1}


async def test_a_participant_with_no_ratings_left_is_not_counted(
    client: httpx.AsyncClient, opened: Open
) -> None:
    voter = await register(client)
    url = f"{API}/consultations/{opened.slug}/ballot"
    detail = f"{API}/consultations/{opened.slug}"
    await accepted(
        client.put(f"{url}/{opened.topics[0]}", json={"score": 4}, headers=voter.headers)
    )
    await accepted(
        client.put(f"{url}/{opened.topics[1]}", json={"score": 2}, headers=voter.headers)
    )
    assert (await client.get(detail)).json()["counts"]["participants"] == 1
    await accepted(client.delete(f"{url}/{opened.topics[0]}", headers=voter.headers), 204)
    assert (await client.get(detail)).json()["counts"]["participants"] == 1
    await accepted(client.delete(f"{url}/{opened.topics[1]}", headers=voter.headers), 204)
    assert (await client.get(detail)).json()["counts"] == {
        "topics": 3,
        "participants": 0,
        "ratings": 0,
    }
    await accepted(
        client.put(f"{url}/{opened.topics[2]}", json={"score": 1}, headers=voter.headers)
    )
    assert (await client.get(detail)).json()["counts"]["participants"] == 1
    await accepted(client.put(url, json={"ratings": []}, headers=voter.headers))
    assert (await client.get(detail)).json()["counts"]["participants"] == 0
