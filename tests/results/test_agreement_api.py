"""Method agreement over HTTP: the sets agree with every method's own ranking, tau-b with scipy,
visibility as the ranking, and the result is cached per tally version."""

import math
from dataclasses import dataclass

import httpx
import pytest
import scipy.stats  # type: ignore[import-untyped]
from fastapi import FastAPI
from sqlalchemy import select

from app.models import CachedResult, Consultation
from app.results import service as results
from app.scoring import METHODS
from tests.actors import API, Actor, add_topics, admin, create_consultation, move, register
from tests.databases import Reader
from tests.results.stored import random_ballots, store, topic_ids

TITLES = ["Loved by some", "Liked by all", "Rated low", "Not rated"]


@dataclass
class Divided:
    slug: str
    admin: Actor
    topics: dict[str, int]

    def url(self, path: str) -> str:
        return f"{API}/consultations/{self.slug}/{path}"


@pytest.fixture
async def divided(client: httpx.AsyncClient, app: FastAPI) -> Divided:
    """Closed. Civil society (20) rates 'Loved by some' 5, government (5) rates it 1; both rate
    'Liked by all' 4 and 'Rated low' 2; nobody rates 'Not rated'. agenda_size 1."""
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss, agenda_size=1, min_group_size=5))["slug"])
    await add_topics(client, boss, slug, TITLES)
    await move(client, boss, slug, "open")
    ids = dict(zip(TITLES, topic_ids(app, slug), strict=True))
    rows = []
    for group, people, loved in (("civil_society", 20, 5), ("government", 5, 1)):
        for i in range(people):
            for title, score in (("Loved by some", loved), ("Liked by all", 4), ("Rated low", 2)):
                rows.append((f"{group}-{i}", group, ids[title], score))
    store(app, slug, rows)
    await move(client, boss, slug, "close")
    return Divided(slug, boss, ids)


async def test_the_cut_line_depends_on_the_method_when_one_group_rejects_a_topic(
    client: httpx.AsyncClient, divided: Divided
) -> None:
    response = await client.get(divided.url("ranking/agreement"))
    assert response.status_code == 200
    body = response.json()
    assert body["top"] == 1  # the consultation's agenda_size
    assert body["methods"] == list(METHODS)
    assert body["in_all"] == []
    doubtful = {d["title"]: d for d in body["in_some"]}
    assert set(doubtful) == {"Loved by some", "Liked by all"}
    assert doubtful["Loved by some"]["topic_id"] == divided.topics["Loved by some"]
    assert "mean" in doubtful["Loved by some"]["methods"]
    assert {"balanced", "consensus"} <= set(doubtful["Liked by all"]["methods"])
    assert "consensus" not in doubtful["Loved by some"]["methods"]
    assert body["participants"] == 25
    two = (await client.get(divided.url("ranking/agreement?top=2"))).json()
    assert two["top"] == 2
    assert sorted(two["in_all"]) == sorted(
        [divided.topics["Loved by some"], divided.topics["Liked by all"]]
    )
    assert two["in_some"] == []


@pytest.fixture
async def random_closed(client: httpx.AsyncClient, app: FastAPI) -> Divided:
    """Closed, 8 topics, 120 random ballots: methods disagree here and there."""
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss, min_group_size=5))["slug"])
    titles = [f"Topic {c}" for c in "ABCDEFGH"]
    await add_topics(client, boss, slug, titles)
    await move(client, boss, slug, "open")
    ids = topic_ids(app, slug)
    store(app, slug, random_ballots(19, ids[:-1], participants=120))  # H stays unrated
    await move(client, boss, slug, "close")
    return Divided(slug, boss, dict(zip(titles, ids, strict=True)))


@pytest.mark.parametrize("top", [1, 3, 5])
async def test_agreement_follows_every_methods_published_ranking(
    client: httpx.AsyncClient, random_closed: Divided, top: int
) -> None:
    ranks: dict[str, dict[int, int]] = {}
    for method in METHODS:
        ranking = (await client.get(random_closed.url(f"ranking?method={method}"))).json()
        ranks[method] = {e["topic"]["id"]: e["rank"] for e in ranking["entries"] if e["rank"]}
    body = (await client.get(random_closed.url(f"ranking/agreement?top={top}"))).json()
    in_top = {m: {t for t, r in by_topic.items() if r <= top} for m, by_topic in ranks.items()}
    assert set(body["in_all"]) == set.intersection(*in_top.values())
    assert {d["topic_id"]: d["methods"] for d in body["in_some"]} == {
        t: [m for m in METHODS if t in in_top[m]]
        for t in set.union(*in_top.values()) - set(body["in_all"])
    }
    assert random_closed.topics["Topic H"] not in set(body["in_all"]) | {
        d["topic_id"] for d in body["in_some"]
    }
    for first in METHODS:
        for second in METHODS:
            shared = sorted(ranks[first].keys() & ranks[second].keys())
            expected = scipy.stats.kendalltau(
                [ranks[first][t] for t in shared], [ranks[second][t] for t in shared]
            ).statistic
            got = body["kendall_tau"][first][second]
            if math.isnan(expected):
                assert got is None
            else:
                assert got == pytest.approx(expected, abs=1e-12), (first, second)


async def test_agreement_is_cached_per_tally_version(
    client: httpx.AsyncClient, app: FastAPI, db: Reader, divided: Divided
) -> None:
    first = (await client.get(divided.url("ranking/agreement"))).json()
    assert (await client.get(divided.url("ranking/agreement"))).json() == first
    consultation_id = db.scalar(select(Consultation.id).where(Consultation.slug == divided.slug))
    keys = db.scalars(
        select(CachedResult.key).where(CachedResult.consultation_id == consultation_id)
    )
    assert "agreement:1" in set(keys)
    digest = (await client.get(divided.url("ranking"))).json()["ballot_digest"]
    assert first["ballot_digest"] == digest


async def test_agreement_fetches_the_tallies_once_for_every_method(
    app: FastAPI, divided: Divided, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetched: list[tuple[bool, bool]] = []
    real = results.queries.tallies

    def counting(*args: object, with_profiles: bool, with_pairwise: bool) -> object:
        fetched.append((with_profiles, with_pairwise))
        return real(*args, with_profiles=with_profiles, with_pairwise=with_pairwise)  # type: ignore[arg-type]

    monkeypatch.setattr(results.queries, "tallies", counting)
    with app.state.sessions() as session:
        consultation = session.scalars(
            select(Consultation).where(Consultation.slug == divided.slug)
        ).one()
        results.agreement(session, consultation, top=2)
    assert fetched == [(True, True)]


async def test_agreement_is_visible_as_the_ranking_is(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    voter = await register(client)
    slug = str((await create_consultation(client, boss))["slug"])
    await add_topics(client, boss, slug, ["A", "B"])
    url = f"{API}/consultations/{slug}/ranking/agreement"

    async def statuses() -> list[int]:
        return [
            (await client.get(url, headers=who)).status_code
            for who in ({}, voter.headers, boss.headers)
        ]

    assert await statuses() == [404, 404, 200]
    await move(client, boss, slug, "open")
    assert await statuses() == [401, 403, 200]
    await move(client, boss, slug, "close")
    assert await statuses() == [200, 200, 200]


async def test_agreement_of_a_consultation_without_ratings_is_empty(
    client: httpx.AsyncClient,
) -> None:
    body = (await client.get(f"{API}/consultations/lacigf-2017/ranking/agreement")).json()
    assert body["in_all"] == []
    assert body["in_some"] == []
    assert body["participants"] == 0
    assert all(tau is None for row in body["kendall_tau"].values() for tau in row.values())


@pytest.mark.parametrize("query", ["top=0", "top=1001", "top=two", "top=1.5"])
async def test_a_bad_top_is_422(client: httpx.AsyncClient, divided: Divided, query: str) -> None:
    response = await client.get(divided.url(f"ranking/agreement?{query}"))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
