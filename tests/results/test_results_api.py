"""Rankings, exports and stability over HTTP: visibility, folding, digest, cache, offline check."""

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from app.db import transaction, utcnow
from app.main import create_app
from app.models import AuditEntry, CachedResult, Consultation, TallyVersion
from app.results import offline, tally
from app.results import service as results
from app.scoring import METHODS, Scale
from tests.actors import API, Actor, add_topics, admin, create_consultation, move, register
from tests.databases import Reader
from tests.results.stored import random_ballots, store, topic_ids


@dataclass
class Closed:
    slug: str
    admin: Actor
    committee: Actor
    topics: list[int]


async def seat(client: httpx.AsyncClient, boss: Actor, slug: str, who: Actor) -> None:
    response = await client.post(
        f"{API}/consultations/{slug}/committee",
        json={"name": "Member", "stakeholder_group": "government", "email": who.email},
        headers=boss.headers,
    )
    assert response.status_code == 201


@pytest.fixture
async def closed(client: httpx.AsyncClient, app: FastAPI) -> Closed:
    """A closed consultation with 80 random ballots (academia small enough to be folded)."""
    boss = await admin(client, app)
    member = await register(client, group="government")
    slug = str((await create_consultation(client, boss, min_group_size=5))["slug"])
    await add_topics(client, boss, slug, [f"Topic {c}" for c in "ABCDEF"])
    await seat(client, boss, slug, member)
    await move(client, boss, slug, "open")
    ids = topic_ids(app, slug)
    rows = [r for r in random_ballots(7, ids, participants=80) if r[1] != "academia"]
    rows += [(f"small-{i}", "academia", ids[0], 5) for i in range(3)]
    store(app, slug, rows)
    await move(client, boss, slug, "close")
    return Closed(slug, boss, member, ids)


async def test_methods_are_listed_with_plain_descriptions(client: httpx.AsyncClient) -> None:
    methods = (await client.get(f"{API}/scoring/methods")).json()
    assert [m["name"] for m in methods] == list(METHODS)
    assert all(m["title"] and len(m["description"]) > 40 for m in methods)


async def test_ranking_shape_and_order(client: httpx.AsyncClient, closed: Closed) -> None:
    ranking = (await client.get(f"{API}/consultations/{closed.slug}/ranking")).json()
    assert ranking["method"] == "mean"
    assert ranking["participants"] > 60
    assert ranking["ratings"] == sum(e["n"] for e in ranking["entries"])
    scores = [e["score"] for e in ranking["entries"]]
    assert scores == sorted(scores, reverse=True)
    assert ranking["entries"][0]["rank"] == 1
    entry = ranking["entries"][0]
    assert set(entry["histogram"]) == {"1", "2", "3", "4", "5"}
    assert entry["interval"][0] < entry["score"] < entry["interval"][1]


async def test_unknown_method_is_422(client: httpx.AsyncClient, closed: Closed) -> None:
    response = await client.get(f"{API}/consultations/{closed.slug}/ranking?method=borda")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["loc"] for e in response.json()["errors"]] == [["query", "method"]]


async def test_small_groups_are_folded_for_every_caller_committee_included(
    client: httpx.AsyncClient, closed: Closed
) -> None:
    """Issue 12, finding 3: a group of one shown to the committee is that person's ratings,
    and matched against ballots.csv it names their key."""
    url = f"{API}/consultations/{closed.slug}/ranking"
    for headers in ({}, closed.committee.headers, closed.admin.headers):
        for method in ("mean", "balanced"):
            ranking = (await client.get(url, params={"method": method}, headers=headers)).json()
            groups = {g for e in ranking["entries"] for g in e["groups"]}
            assert "academia" not in groups
            assert "other" in groups
            assert ranking["groups_folded"] is True
    ballots = (await client.get(f"{API}/consultations/{closed.slug}/ballots.csv")).text
    assert "academia" not in ballots


async def test_ballot_digest_is_the_sha256_of_the_served_csv(
    client: httpx.AsyncClient, closed: Closed
) -> None:
    served = await client.get(f"{API}/consultations/{closed.slug}/ballots.csv")
    assert served.headers["content-type"].startswith("text/csv")
    again = await client.get(f"{API}/consultations/{closed.slug}/ballots.csv")
    assert served.content == again.content
    assert served.content.startswith(b"ballot,stakeholder_group,topic_id,score\n")
    ranking = (await client.get(f"{API}/consultations/{closed.slug}/ranking")).json()
    assert ranking["ballot_digest"] == hashlib.sha256(served.content).hexdigest()


@pytest.mark.parametrize("method", list(METHODS))
async def test_api_ranking_equals_the_offline_ranking_of_ballots_csv(
    client: httpx.AsyncClient, closed: Closed, method: str
) -> None:
    served = (await client.get(f"{API}/consultations/{closed.slug}/ballots.csv")).text
    offline_entries = offline.rank_ballots(
        offline.read_ballots(io.StringIO(served)),
        method=method,
        scale=Scale(1, 5),
        prior_weight=5.0,
        min_group_size=5,
    )
    ranking = (
        await client.get(f"{API}/consultations/{closed.slug}/ranking?method={method}")
    ).json()
    api = {e["topic"]["id"]: (e["rank"], e["tied"], e["score"]) for e in ranking["entries"]}
    assert api == {e.topic.id: (e.rank, e.tied, e.score) for e in offline_entries}


async def test_ranking_csv(client: httpx.AsyncClient, closed: Closed) -> None:
    response = await client.get(f"{API}/consultations/{closed.slug}/ranking.csv?method=top_box")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    ranking = (await client.get(f"{API}/consultations/{closed.slug}/ranking?method=top_box")).json()
    assert [int(r["topic_id"]) for r in rows] == [e["topic"]["id"] for e in ranking["entries"]]
    assert [float(r["score"]) for r in rows] == [e["score"] for e in ranking["entries"]]
    assert [int(r["level_5"]) for r in rows] == [e["histogram"]["5"] for e in ranking["entries"]]


async def test_results_visibility(client: httpx.AsyncClient, app: FastAPI) -> None:
    boss = await admin(client, app)
    member = await register(client)
    voter = await register(client)
    slug = str((await create_consultation(client, boss))["slug"])
    await add_topics(client, boss, slug, ["A", "B"])
    await seat(client, boss, slug, member)
    url = f"{API}/consultations/{slug}/ranking"

    async def statuses() -> list[int]:
        return [
            (await client.get(url, headers=who)).status_code
            for who in ({}, voter.headers, member.headers, boss.headers)
        ]

    assert await statuses() == [404, 404, 200, 200]
    await move(client, boss, slug, "open")
    assert await statuses() == [401, 403, 200, 200]
    await move(client, boss, slug, "close")
    assert await statuses() == [200, 200, 200, 200]
    for path in ("ranking.csv", "ballots.csv", "ranking/stability"):
        assert (await client.get(f"{API}/consultations/{slug}/{path}")).status_code == 200


async def test_live_results_are_public_while_open(client: httpx.AsyncClient, app: FastAPI) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss, live_results=True))["slug"])
    await add_topics(client, boss, slug, ["A"])
    await move(client, boss, slug, "open")
    assert (await client.get(f"{API}/consultations/{slug}/ranking")).status_code == 200


async def test_a_write_invalidates_the_cache_across_workers(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    exact = app.state.settings.model_copy(update={"live_results_max_age_seconds": 0})
    app.state.settings = exact  # no recent-enough results while open: every write counts
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss, live_results=True))["slug"])
    topic_a, topic_b = await add_topics(client, boss, slug, ["A", "B"])
    await move(client, boss, slug, "open")
    voter = await register(client)
    other_worker = create_app(app.state.settings)
    transport = httpx.ASGITransport(app=other_worker)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://w2") as second:
            url = f"{API}/consultations/{slug}/ranking"
            first = (await client.get(url)).json()
            assert first["ratings"] == 0
            assert (await client.get(url)).json() == first  # served from the cache
            await second.put(
                f"{API}/consultations/{slug}/ballot/{topic_b}",
                json={"score": 4},
                headers=voter.headers,
            )
            after = (await client.get(url)).json()
            assert after["ratings"] == 1
            assert after["entries"][0]["topic"]["id"] == topic_b
            assert after["ballot_digest"] != first["ballot_digest"]
            await client.delete(
                f"{API}/consultations/{slug}/ballot/{topic_b}", headers=voter.headers
            )
            assert (await second.get(url)).json()["ratings"] == 0
    finally:
        other_worker.state.engine.dispose()
    assert topic_a != topic_b


@dataclass
class Live:
    """An open consultation with live results, one topic and one signed-in participant."""

    slug: str
    topic: int
    admin: Actor
    voter: Actor


@pytest.fixture
async def live(client: httpx.AsyncClient, app: FastAPI) -> Live:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss, live_results=True))["slug"])
    (topic,) = await add_topics(client, boss, slug, ["A"])
    await move(client, boss, slug, "open")
    return Live(slug, topic, boss, await register(client))


async def rate(client: httpx.AsyncClient, live: Live, score: int) -> None:
    response = await client.put(
        f"{API}/consultations/{live.slug}/ballot/{live.topic}",
        json={"score": score},
        headers=live.voter.headers,
    )
    assert response.status_code == 200


async def test_while_open_a_recent_ranking_is_served_until_it_is_too_old(
    client: httpx.AsyncClient, app: FastAPI, live: Live
) -> None:
    assert app.state.settings.live_results_max_age_seconds == 5  # the default
    url = f"{API}/consultations/{live.slug}/ranking"
    first = (await client.get(url)).json()
    await rate(client, live, 4)
    assert (await client.get(url)).json() == first  # computed under 5 s ago: served as is
    with transaction(app.state.sessions, write=True) as session:
        session.execute(update(CachedResult).values(computed_at=utcnow() - timedelta(seconds=6)))
    assert (await client.get(url)).json()["ratings"] == 1


async def test_once_closed_a_ranking_is_exact_however_recent_the_cached_one(
    client: httpx.AsyncClient, live: Live
) -> None:
    url = f"{API}/consultations/{live.slug}/ranking"
    assert (await client.get(url)).json()["ratings"] == 0
    await rate(client, live, 4)
    await move(client, live.admin, live.slug, "close")
    assert (await client.get(url)).json()["ratings"] == 1


async def test_a_ranking_is_cached_even_when_ratings_were_committed_while_it_was_computed(
    client: httpx.AsyncClient, app: FastAPI, db: Reader, live: Live
) -> None:
    """On SQLite a read transaction cannot take the write lock once another write has committed
    since it began: the result is stored in a write of its own, or nothing would be cached
    while ratings arrive."""
    with transaction(app.state.sessions) as reading:
        consultation = reading.scalars(
            select(Consultation).where(Consultation.slug == live.slug)
        ).one()
        await rate(client, live, 4)
        results.ranking(reading, consultation, method="mean")
    cached = db.scalars(
        select(CachedResult.key).where(CachedResult.consultation_id == consultation.id)
    )
    assert set(cached) == {"ranking:mean", "ballots-digest"}


async def test_a_result_never_replaces_one_from_a_later_version(
    client: httpx.AsyncClient, app: FastAPI, db: Reader
) -> None:
    boss = await admin(client, app)
    consultation_id = int((await create_consultation(client, boss))["id"])
    for version, body in ((5, "from version 5"), (3, "from version 3"), (7, "from version 7")):
        with transaction(app.state.sessions) as session:
            results._store(session, consultation_id, "ranking:mean:full", version, body)
        stored = db.scalar(select(CachedResult.body).where(CachedResult.key == "ranking:mean:full"))
        assert stored == ("from version 5" if version == 3 else body)


async def test_stability_is_repeatable_and_bounded(
    client: httpx.AsyncClient, closed: Closed
) -> None:
    url = f"{API}/consultations/{closed.slug}/ranking/stability?top=3&seed=11"
    first = (await client.get(url)).json()
    assert first == (await client.get(url)).json()
    assert first["draws"] == 200
    assert first["top"] == 3
    assert len(first["entries"]) == 6
    assert all(0 <= e["p_top"] <= 1 for e in first["entries"])
    assert all(e["rank_interval"][0] <= e["rank_interval"][1] for e in first["entries"])
    assert sum(e["p_top"] for e in first["entries"]) >= 3 - 1e-9
    other_seed = (await client.get(url.replace("seed=11", "seed=12"))).json()
    assert other_seed["seed"] == 12
    too_few = await client.get(f"{API}/consultations/{closed.slug}/ranking/stability?draws=50")
    assert too_few.status_code == 422


async def test_the_closing_audit_entry_records_the_digest(
    client: httpx.AsyncClient, closed: Closed, app: FastAPI
) -> None:
    with app.state.sessions() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "consultation.close")
        ).one()
    served = await client.get(f"{API}/consultations/{closed.slug}/ballots.csv")
    assert entry.detail["ballot_digest"] == hashlib.sha256(served.content).hexdigest()


async def test_the_2017_edition_has_an_empty_ranking(client: httpx.AsyncClient) -> None:
    ranking = (await client.get(f"{API}/consultations/lacigf-2017/ranking")).json()
    assert ranking["participants"] == 0
    assert all(e["score"] is None and e["rank"] is None for e in ranking["entries"])
    assert len(ranking["entries"]) == 6


async def test_every_ballot_write_moves_the_tally_version(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    topics = await add_topics(client, boss, slug, ["A", "B"])
    await move(client, boss, slug, "open")
    voter = await register(client)
    url = f"{API}/consultations/{slug}/ballot"
    await client.put(f"{url}/{topics[0]}", json={"score": 3}, headers=voter.headers)
    await client.put(f"{url}/{topics[1]}", json={"score": 4}, headers=voter.headers)
    await client.delete(f"{url}/{topics[0]}", headers=voter.headers)
    with app.state.sessions() as session:
        consultation_id = session.scalar(select(Consultation.id).where(Consultation.slug == slug))
        assert consultation_id is not None
        assert tally.current(session, consultation_id) == 3
        assert session.get(TallyVersion, consultation_id) is not None
