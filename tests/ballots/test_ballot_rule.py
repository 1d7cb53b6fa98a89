"""The ballot write rule on both sides of each boundary: an open consultation, a topic of this
consultation, each topic once, every score on the consultation's scale. Both paths apply it:
the grouped path (app.ballots.writer) takes only what the rule accepts and leaves the rest to
the general path (app.ballots.service), which accepts the same and refuses the rest precisely.
"""

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.ballots import rules, service
from app.ballots.schemas import RatingIn
from app.ballots.writer import Job, Written
from app.db import transaction
from app.errors import Conflict, Invalid, NotFound
from app.models import Account, Consultation, Participant, Rating, TallyVersion
from tests.actors import API, Actor, add_topics, admin, create_consultation, move, register
from tests.snapshots import snapshot

LO, HI = -2, 2  # a scale whose bounds are neither 0 nor 1


@dataclass
class Setup:
    slug: str
    topics: list[int]
    other_topic: int  # a topic of another open consultation
    voter: Actor
    admin: Actor


@pytest.fixture
async def setup(client: httpx.AsyncClient, app: FastAPI) -> Setup:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss, scale_min=LO, scale_max=HI))["slug"])
    topics = await add_topics(client, boss, slug, ["Access", "Rights", "Security"])
    other = str((await create_consultation(client, boss))["slug"])
    other_topic = (await add_topics(client, boss, other, ["Elsewhere"]))[0]
    await move(client, boss, slug, "open")
    await move(client, boss, other, "open")
    return Setup(slug, topics, other_topic, await register(client), boss)


def rate(s: Setup, topic: int, score: int) -> Job:
    assert s.voter.token
    return Job(s.voter.token, s.slug, rules.Rate(topic, score))


def whole(s: Setup, scores: list[tuple[int, int]]) -> Job:
    assert s.voter.token
    return Job(s.voter.token, s.slug, rules.Replace(scores))


# The grouped path: what it takes (a Written) and what it leaves to the general path (None).


async def grouped(app: FastAPI, job: Job) -> Written | None:
    return await app.state.ballot_writer.write(job)


@pytest.mark.parametrize(
    ("score", "taken"), [(LO - 1, False), (LO, True), (0, True), (HI, True), (HI + 1, False)]
)
async def test_the_grouped_path_takes_a_single_score_only_on_the_scale(
    app: FastAPI, setup: Setup, score: int, taken: bool
) -> None:
    before = snapshot(app)
    outcome = await grouped(app, rate(setup, setup.topics[0], score))
    assert isinstance(outcome, Written) is taken
    if not taken:
        assert outcome is None
        assert snapshot(app) == before


@pytest.mark.parametrize(
    ("scores", "taken"),
    [
        ([(0, LO), (1, HI)], True),
        ([(0, LO - 1), (1, HI)], False),
        ([(0, LO), (1, HI + 1)], False),
        ([(0, 1), (0, 1)], False),  # a topic twice
        ([(0, 1), (1, 1), (0, 2)], False),
        ([], True),  # the empty ballot
        ([(0, 1), (1, 1), (2, 1)], True),  # every topic
    ],
    ids=["bounds", "below", "above", "twice", "twice-apart", "empty", "every-topic"],
)
async def test_the_grouped_path_takes_a_whole_ballot_only_when_every_rating_fits(
    app: FastAPI, setup: Setup, scores: list[tuple[int, int]], taken: bool
) -> None:
    before = snapshot(app)
    ballot = [(setup.topics[i], score) for i, score in scores]
    outcome = await grouped(app, whole(setup, ballot))
    assert isinstance(outcome, Written) is taken
    if not taken:
        assert snapshot(app) == before


async def test_the_grouped_path_leaves_unknown_topics_closed_consultations_and_bad_tokens(
    client: httpx.AsyncClient, app: FastAPI, setup: Setup
) -> None:
    before = snapshot(app)
    assert await grouped(app, rate(setup, setup.other_topic, 1)) is None
    assert await grouped(app, whole(setup, [(setup.topics[0], 1), (setup.other_topic, 1)])) is None
    assert (
        await grouped(app, Job("not-a-token", setup.slug, rules.Rate(setup.topics[0], 1))) is None
    )
    assert snapshot(app) == before
    await move(client, setup.admin, setup.slug, "close")
    before = snapshot(app)
    assert await grouped(app, rate(setup, setup.topics[0], 1)) is None
    assert await grouped(app, whole(setup, [])) is None
    assert snapshot(app) == before


async def test_what_the_grouped_path_takes_is_stored_as_given(
    client: httpx.AsyncClient, app: FastAPI, setup: Setup
) -> None:
    t0, t1, t2 = setup.topics
    assert await grouped(app, rate(setup, t2, HI)) is not None
    assert await grouped(app, whole(setup, [(t1, LO), (t0, HI)])) is not None
    stored = await client.get(
        f"{API}/consultations/{setup.slug}/ballot", headers=setup.voter.headers
    )
    assert [(r["topic_id"], r["score"]) for r in stored.json()["ratings"]] == [(t0, HI), (t1, LO)]


# The general path: the same rule, each refusal with its status and where the fault is.


def general(app: FastAPI, setup: Setup, call: str, **kwargs: Any) -> object:
    with transaction(app.state.sessions, write=True) as session:
        consultation = session.scalars(
            select(Consultation).where(Consultation.slug == setup.slug)
        ).one()
        account = session.scalars(select(Account).where(Account.email == setup.voter.email)).one()
        common = {"consultation": consultation, "account": account, "secret": "s"}
        if call == "rate":
            return service.rate(session, **common, **kwargs)
        return service.replace(session, **common, **kwargs)


@pytest.mark.parametrize(
    ("score", "accepted"), [(LO - 1, False), (LO, True), (HI, True), (HI + 1, False)]
)
def test_the_general_path_accepts_a_single_score_only_on_the_scale(
    app: FastAPI, setup: Setup, score: int, accepted: bool
) -> None:
    before = snapshot(app)
    if accepted:
        written = general(app, setup, "rate", topic_id=setup.topics[0], score=score)
        assert (written.topic_id, written.score) == (setup.topics[0], score)  # type: ignore[attr-defined]
        return
    with pytest.raises(Invalid) as refused:
        general(app, setup, "rate", topic_id=setup.topics[0], score=score)
    assert refused.value.extensions["errors"][0]["loc"] == ["body", "score"]
    assert str(refused.value) == f"The score must be a whole number from {LO} to {HI}."
    assert snapshot(app) == before


def test_the_general_path_refuses_a_topic_of_another_consultation(
    app: FastAPI, setup: Setup
) -> None:
    before = snapshot(app)
    with pytest.raises(NotFound) as refused:
        general(app, setup, "rate", topic_id=setup.other_topic, score=1)
    assert str(refused.value) == f"No topic {setup.other_topic} in this consultation."
    assert snapshot(app) == before


@pytest.mark.parametrize(
    ("scores", "loc"),
    [
        ([(0, LO), (1, HI)], None),
        ([], None),
        ([(0, LO), (1, LO - 1)], ["body", "ratings", 1, "score"]),
        ([(0, HI + 1), (1, LO)], ["body", "ratings", 0, "score"]),
        ([(0, 1), (1, 1), (0, 2)], ["body", "ratings"]),
        ([(0, 1), (3, 1)], ["body", "ratings", 1, "topic_id"]),  # 3: another consultation's
    ],
    ids=["bounds", "empty", "below", "above", "twice", "unknown-topic"],
)
def test_the_general_path_accepts_a_whole_ballot_only_when_every_rating_fits(
    app: FastAPI, setup: Setup, scores: list[tuple[int, int]], loc: list[object] | None
) -> None:
    known = [*setup.topics, setup.other_topic]
    ballot = [RatingIn(topic_id=known[i], score=score) for i, score in scores]
    before = snapshot(app)
    if loc is None:
        written = general(app, setup, "replace", ratings=ballot)
        got = [(r.topic_id, r.score) for r in written.ratings]  # type: ignore[attr-defined]
        assert got == sorted((r.topic_id, r.score) for r in ballot)
        return
    with pytest.raises(Invalid) as refused:
        general(app, setup, "replace", ratings=ballot)
    assert refused.value.extensions["errors"][0]["loc"] == loc
    assert snapshot(app) == before


def test_the_general_path_names_the_topics_rated_twice(app: FastAPI, setup: Setup) -> None:
    t0, t1, t2 = setup.topics
    ballot = [RatingIn(topic_id=t, score=1) for t in (t2, t0, t1, t2, t0)]
    with pytest.raises(Invalid) as refused:
        general(app, setup, "replace", ratings=ballot)
    assert str(refused.value) == f"Topics rated more than once: {sorted([t0, t2])}."


async def test_the_general_path_refuses_every_write_once_closed(
    client: httpx.AsyncClient, app: FastAPI, setup: Setup
) -> None:
    await move(client, setup.admin, setup.slug, "close")
    before = snapshot(app)
    for call, kwargs in (
        ("rate", {"topic_id": setup.topics[0], "score": 1}),
        ("replace", {"ratings": []}),
    ):
        with pytest.raises(Conflict) as refused:
            general(app, setup, call, **kwargs)
        assert refused.value.extensions["state"] == "closed"
        assert str(refused.value) == (
            "Ratings are accepted only while the consultation is open; it is closed."
        )
    assert snapshot(app) == before


# Over HTTP, whichever path takes the write.


@pytest.mark.parametrize(("score", "status"), [(LO - 1, 422), (LO, 200), (HI, 200), (HI + 1, 422)])
async def test_a_rating_is_accepted_on_the_scale_and_refused_beyond_it(
    client: httpx.AsyncClient, app: FastAPI, setup: Setup, score: int, status: int
) -> None:
    url = f"{API}/consultations/{setup.slug}/ballot"
    before = snapshot(app)
    single = await client.put(
        f"{url}/{setup.topics[0]}", json={"score": score}, headers=setup.voter.headers
    )
    assert single.status_code == status, single.text
    if status != 200:
        assert single.json()["errors"][0]["loc"] == ["body", "score"]
        assert snapshot(app) == before
    else:
        assert single.json()["score"] == score
    body = {"ratings": [{"topic_id": setup.topics[1], "score": score}]}
    ballot = await client.put(url, json=body, headers=setup.voter.headers)
    assert ballot.status_code == status, ballot.text
    if status != 200:
        assert ballot.json()["errors"][0]["loc"] == ["body", "ratings", 0, "score"]


async def test_a_topic_of_another_consultation_is_refused(
    client: httpx.AsyncClient, app: FastAPI, setup: Setup
) -> None:
    url = f"{API}/consultations/{setup.slug}/ballot"
    before = snapshot(app)
    single = await client.put(
        f"{url}/{setup.other_topic}", json={"score": 1}, headers=setup.voter.headers
    )
    assert single.status_code == 404
    body = {"ratings": [{"topic_id": setup.other_topic, "score": 1}]}
    ballot = await client.put(url, json=body, headers=setup.voter.headers)
    assert ballot.status_code == 422
    assert ballot.json()["errors"][0]["loc"] == ["body", "ratings", 0, "topic_id"]
    assert snapshot(app) == before


async def test_a_whole_ballot_on_the_general_path_replaces_only_the_callers_ratings(
    client: httpx.AsyncClient, app: FastAPI, setup: Setup
) -> None:
    # Found by mutation testing: what the general path's replace deletes, marks and bumps.
    t0, t1, t2 = setup.topics
    other = await register(client)
    for voter in (setup.voter, other):
        for topic in (t0, t1, t2):
            url = f"{API}/consultations/{setup.slug}/ballot/{topic}"
            assert (
                await client.put(url, json={"score": 1}, headers=voter.headers)
            ).status_code == 200

    def version() -> int:
        with transaction(app.state.sessions) as session:
            return int(session.scalar(select(TallyVersion.version)) or 0)

    def stored(who: Actor) -> tuple[list[tuple[int, int]], bool]:
        with transaction(app.state.sessions) as session:
            participant = session.scalars(
                select(Participant).join(Account).where(Account.email == who.email)
            ).one()
            rows = session.execute(
                select(Rating.topic_id, Rating.score)
                .where(Rating.participant_id == participant.id)
                .order_by(Rating.topic_id)
            )
            return [tuple(row) for row in rows], participant.active  # type: ignore[misc]

    before = version()
    general(app, setup, "replace", ratings=[RatingIn(topic_id=t1, score=HI)])
    assert stored(setup.voter) == ([(t1, HI)], True)
    assert stored(other) == ([(t0, 1), (t1, 1), (t2, 1)], True)
    assert version() > before
    bumped = version()
    general(app, setup, "replace", ratings=[])  # an emptied ballot changes the tally too
    assert stored(setup.voter) == ([], False)
    assert version() > bumped
    assert stored(other)[0] == [(t0, 1), (t1, 1), (t2, 1)]


def test_the_general_path_names_an_unknown_topic(app: FastAPI, setup: Setup) -> None:
    with pytest.raises(Invalid) as refused:
        general(app, setup, "replace", ratings=[RatingIn(topic_id=setup.other_topic, score=1)])
    assert str(refused.value) == f"No topic {setup.other_topic} in this consultation."
