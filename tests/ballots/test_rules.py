"""The ballot rule (app.ballots.rules) is the one answer to "may this write be stored?": the
grouped writer, the general path and the import ask it and nothing else, so a rule changed
there changes all three."""

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.ballots import imports, rules
from app.ballots.writer import BallotWriter, Job
from app.db import transaction
from app.errors import Conflict, EmailNotVerified, Invalid, NotFound, WrongState
from app.models import Consultation
from app.vocabulary import ConsultationState
from tests.actors import (
    API,
    add_topics,
    admin,
    create_consultation,
    move,
    register,
    verify_email,
)
from tests.snapshots import snapshot

OPEN = rules.Facts(ConsultationState.open, 1, 5, frozenset({10, 11}))


NOW = datetime(2030, 8, 1, 12, tzinfo=UTC)
DEADLINE = rules.Facts(ConsultationState.open, 1, 5, frozenset({10}), closes_at=NOW)
VERIFYING = rules.Facts(
    ConsultationState.open, 1, 5, frozenset({10}), require_verified_email=True, email_verified=False
)


@pytest.mark.parametrize(
    ("facts", "channel", "now", "error"),
    [
        (DEADLINE, rules.Channel.online, NOW - timedelta(microseconds=1), None),
        (DEADLINE, rules.Channel.online, NOW, Conflict),
        (DEADLINE, rules.Channel.imported, NOW + timedelta(days=1), None),
        (VERIFYING, rules.Channel.online, NOW, EmailNotVerified),
        (replace(VERIFYING, email_verified=True), rules.Channel.online, NOW, None),
        (replace(VERIFYING, require_verified_email=False), rules.Channel.online, NOW, None),
        (VERIFYING, rules.Channel.imported, NOW, None),
    ],
)
def test_the_deadline_and_the_verified_email_hold_online_only(
    facts: rules.Facts, channel: rules.Channel, now: datetime, error: type[Exception] | None
) -> None:
    for ballot in (rules.Rate(10, 3), rules.Replace([(10, 3)]), rules.Withdraw(10)):
        if channel is rules.Channel.imported and not isinstance(ballot, rules.Replace):
            continue
        refusal = rules.refusal(facts, ballot, channel, now=now)
        assert (refusal is None) if error is None else (type(refusal) is error)


@pytest.mark.parametrize(
    ("facts", "ballot", "channel", "error", "loc"),
    [
        (OPEN, rules.Rate(10, 5), rules.Channel.online, None, None),
        (OPEN, rules.Rate(10, 6), rules.Channel.online, Invalid, ["body", "score"]),
        (OPEN, rules.Rate(10, 0), rules.Channel.online, Invalid, ["body", "score"]),
        (OPEN, rules.Rate(12, 3), rules.Channel.online, NotFound, None),
        (OPEN, rules.Withdraw(12), rules.Channel.online, NotFound, None),
        (OPEN, rules.Withdraw(11), rules.Channel.online, None, None),
        (OPEN, rules.Replace([]), rules.Channel.online, None, None),
        (
            OPEN,
            rules.Replace([(10, 1), (10, 2)]),
            rules.Channel.online,
            Invalid,
            ["body", "ratings"],
        ),
        (
            OPEN,
            rules.Replace([(10, 1), (12, 2)]),
            rules.Channel.online,
            Invalid,
            ["body", "ratings", 1, "topic_id"],
        ),
        (
            OPEN,
            rules.Replace([(10, 1), (11, 9)]),
            rules.Channel.online,
            Invalid,
            ["body", "ratings", 1, "score"],
        ),
        (
            rules.Facts(ConsultationState.closed, 1, 5, frozenset({10})),
            rules.Rate(10, 3),
            rules.Channel.online,
            WrongState,
            None,
        ),
        (
            rules.Facts(ConsultationState.closed, 1, 5, frozenset({10})),
            rules.Replace([(10, 3)]),
            rules.Channel.imported,
            None,
            None,
        ),
        (
            rules.Facts(ConsultationState.draft, 1, 5, frozenset({10})),
            rules.Replace([(10, 3)]),
            rules.Channel.imported,
            WrongState,
            None,
        ),
        (
            rules.Facts(ConsultationState.finalized, 1, 5, frozenset({10})),
            rules.Rate(10, 3),
            rules.Channel.online,
            WrongState,
            None,
        ),
    ],
)
def test_the_rule_refuses_with_the_error_its_caller_gets(
    facts: rules.Facts,
    ballot: rules.Ballot,
    channel: rules.Channel,
    error: type[Exception] | None,
    loc: list[object] | None,
) -> None:
    refusal = rules.refusal(facts, ballot, channel, now=NOW)
    if error is None:
        assert refusal is None
        return
    assert type(refusal) is error
    if loc is not None:
        assert refusal.extensions["errors"][0]["loc"] == loc


@pytest.mark.parametrize(
    ("facts", "ballot", "channel", "detail", "extensions"),
    [
        (
            DEADLINE,
            rules.Rate(10, 3),
            rules.Channel.online,
            "Ratings were accepted until 2030-08-01 12:00 UTC.",
            {"closes_at": "2030-08-01T12:00:00+00:00"},
        ),
        (
            rules.Facts(ConsultationState.closed, 1, 5, frozenset({10})),
            rules.Rate(10, 3),
            rules.Channel.online,
            "Ratings are accepted only while the consultation is open; it is closed.",
            {"state": "closed"},
        ),
        (
            rules.Facts(ConsultationState.draft, 1, 5, frozenset({10})),
            rules.Replace([(10, 3)]),
            rules.Channel.imported,
            "Ratings can be imported while the consultation is open or closed; it is draft.",
            {"state": "draft"},
        ),
        (OPEN, rules.Rate(12, 3), rules.Channel.online, "No topic 12 in this consultation.", {}),
        (OPEN, rules.Withdraw(12), rules.Channel.online, "No topic 12 in this consultation.", {}),
    ],
)
def test_each_refusal_says_why_in_the_words_its_caller_reads(
    facts: rules.Facts,
    ballot: rules.Ballot,
    channel: rules.Channel,
    detail: str,
    extensions: dict[str, str],
) -> None:
    refusal = rules.refusal(facts, ballot, channel, now=NOW)
    assert refusal is not None
    assert (refusal.detail, refusal.extensions) == (detail, extensions)


def test_an_online_write_to_a_consultation_with_a_deadline_must_say_when_it_happens() -> None:
    said = "an online write needs the time it happens, for the deadline"
    with pytest.raises(ValueError, match=rf"^{re.escape(said)}$"):
        rules.refusal(DEADLINE, rules.Rate(10, 3))


# (ballot as the grouped writer gets it, the same over HTTP, the status the general path gives)
CASES = [
    (
        "rate",
        lambda t: rules.Rate(t[0], 4),
        lambda t: ("PUT", f"/ballot/{t[0]}", {"score": 4}),
        200,
    ),
    (
        "off the scale",
        lambda t: rules.Rate(t[0], 6),
        lambda t: ("PUT", f"/ballot/{t[0]}", {"score": 6}),
        422,
    ),
    (
        "unknown topic",
        lambda t: rules.Rate(10**9, 3),
        lambda t: ("PUT", f"/ballot/{10**9}", {"score": 3}),
        404,
    ),
    (
        "whole ballot",
        lambda t: rules.Replace([(t[0], 1), (t[1], 5)]),
        lambda t: (
            "PUT",
            "/ballot",
            {"ratings": [{"topic_id": t[0], "score": 1}, {"topic_id": t[1], "score": 5}]},
        ),
        200,
    ),
    (
        "a topic twice",
        lambda t: rules.Replace([(t[0], 1), (t[0], 2)]),
        lambda t: (
            "PUT",
            "/ballot",
            {"ratings": [{"topic_id": t[0], "score": 1}, {"topic_id": t[0], "score": 2}]},
        ),
        422,
    ),
]


@pytest.mark.parametrize(("name", "grouped", "general", "status"), CASES, ids=[c[0] for c in CASES])
async def test_the_grouped_writer_takes_exactly_what_the_rule_accepts(
    client: httpx.AsyncClient,
    app: FastAPI,
    name: str,
    grouped: object,
    general: object,
    status: int,
) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    topics = await add_topics(client, boss, slug, ["Access", "Rights"])
    await move(client, boss, slug, "open")
    voter = await register(client)
    assert voter.token is not None
    writer: BallotWriter = app.state.ballot_writer
    before = snapshot(app)
    written = await writer.write(Job(voter.token, slug, grouped(topics)))  # type: ignore[operator]
    assert (written is not None) == (status == 200)
    if written is None:
        assert snapshot(app) == before  # refused: left to the general path, nothing stored
    method, path, body = general(topics)  # type: ignore[operator]
    response = await client.request(
        method, f"{API}/consultations/{slug}{path}", json=body, headers=voter.headers
    )
    assert response.status_code == status, response.text


async def test_a_closed_consultation_refuses_every_path_but_the_import(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    (topic,) = await add_topics(client, boss, slug, ["Access"])
    await move(client, boss, slug, "open", "close")
    voter = await register(client)
    assert voter.token is not None
    writer: BallotWriter = app.state.ballot_writer
    assert await writer.write(Job(voter.token, slug, rules.Rate(topic, 3))) is None
    refused = await client.put(
        f"{API}/consultations/{slug}/ballot/{topic}", json={"score": 3}, headers=voter.headers
    )
    assert refused.status_code == 409
    with transaction(app.state.sessions, write=True) as session:
        consultation = session.scalars(select(Consultation).where(Consultation.slug == slug)).one()
        report, ratings = imports.parse(
            session,
            consultation,
            ["participant_key,stakeholder_group,topic,score", f"paper-1,academia,{topic},3"],
            secret="s",
        )
        assert report.ok
        assert imports.write(session, consultation, ratings) == 1


async def test_a_deadline_closes_every_online_path_but_not_the_import(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    """The deadline is one rule in app.ballots.rules: the grouped writer leaves the write to the
    general path, which gives 409; the pages' form gets the same; the import still counts
    paper ballots."""
    boss = await admin(client, app)
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    slug = str((await create_consultation(client, boss, closes_at=past))["slug"])
    (topic,) = await add_topics(client, boss, slug, ["Access"])
    await move(client, boss, slug, "open")
    voter = await register(client)
    assert voter.token is not None
    writer: BallotWriter = app.state.ballot_writer
    before = snapshot(app)
    assert await writer.write(Job(voter.token, slug, rules.Rate(topic, 3))) is None
    for method, path, body in (
        ("PUT", f"/ballot/{topic}", {"score": 3}),
        ("PUT", "/ballot", {"ratings": [{"topic_id": topic, "score": 3}]}),
        ("DELETE", f"/ballot/{topic}", None),
    ):
        refused = await client.request(
            method, f"{API}/consultations/{slug}{path}", json=body, headers=voter.headers
        )
        assert refused.status_code == 409, refused.text
        assert "closes_at" in refused.json()
    assert snapshot(app) == before
    with transaction(app.state.sessions, write=True) as session:
        consultation = session.scalars(select(Consultation).where(Consultation.slug == slug)).one()
        report, ratings = imports.parse(
            session,
            consultation,
            ["participant_key,stakeholder_group,topic,score", f"paper-1,academia,{topic},3"],
            secret="s",
        )
        assert report.ok
        assert imports.write(session, consultation, ratings) == 1


async def test_an_unverified_account_cannot_write_where_the_consultation_requires_it(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    strict = str((await create_consultation(client, boss))["slug"])
    lenient = str((await create_consultation(client, boss, require_verified_email=False))["slug"])
    topics = {}
    for slug in (strict, lenient):
        (topics[slug],) = await add_topics(client, boss, slug, ["Access"])
        await move(client, boss, slug, "open")
    voter = await register(client, verified=False)
    assert voter.token is not None
    writer: BallotWriter = app.state.ballot_writer
    before = snapshot(app)
    topic = topics[strict]
    assert await writer.write(Job(voter.token, strict, rules.Rate(topic, 3))) is None
    for method, path, body in (
        ("PUT", f"/ballot/{topic}", {"score": 3}),
        ("PUT", "/ballot", {"ratings": [{"topic_id": topic, "score": 3}]}),
        ("DELETE", f"/ballot/{topic}", None),
    ):
        refused = await client.request(
            method, f"{API}/consultations/{strict}{path}", json=body, headers=voter.headers
        )
        assert refused.status_code == 403, refused.text
        assert refused.json()["type"].endswith("email-not-verified")
    assert snapshot(app) == before
    written = await writer.write(Job(voter.token, lenient, rules.Rate(topics[lenient], 4)))
    assert written is not None  # the grouped path, where the consultation does not require it
    await verify_email(client, voter.email)
    rated = await client.put(
        f"{API}/consultations/{strict}/ballot/{topic}", json={"score": 5}, headers=voter.headers
    )
    assert rated.status_code == 200, rated.text
