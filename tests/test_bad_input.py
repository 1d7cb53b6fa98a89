"""Bad input gets the right status with a problem body, and changes nothing stored."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.actors import (
    API,
    PASSWORD,
    Actor,
    add_topics,
    admin,
    create_consultation,
    move,
    register,
)
from tests.snapshots import assert_unchanged, snapshot


@dataclass
class Setup:
    participant: Actor
    admin: Actor
    open: str
    draft: str
    topics: list[int]


@pytest.fixture
async def setup(client: httpx.AsyncClient, app: FastAPI) -> Setup:
    boss = await admin(client, app)
    opened = str((await create_consultation(client, boss))["slug"])
    draft = str((await create_consultation(client, boss))["slug"])
    topics = await add_topics(client, boss, opened, ["Access", "Rights", "Security"])
    await add_topics(client, boss, draft, ["Access"])
    await move(client, boss, opened, "open")
    participant = await register(client, "voter@example.org")
    invited = await client.post(
        f"{API}/consultations/{opened}/committee",
        json={"name": "A", "stakeholder_group": "civil_society", "email": "invited@example.org"},
        headers=boss.headers,
    )
    assert invited.status_code == 201
    ballot = {"ratings": [{"topic_id": topics[0], "score": 4}, {"topic_id": topics[1], "score": 2}]}
    response = await client.put(
        f"{API}/consultations/{opened}/ballot", json=ballot, headers=participant.headers
    )
    assert response.status_code == 200
    return Setup(participant, boss, opened, draft, topics)


def account(**changes: Any) -> dict[str, Any]:
    body = {
        "email": "new@example.org",
        "password": PASSWORD,
        "display_name": "New",
        "stakeholder_group": "academia",
        "country": "AR",
    }
    return body | changes


def consultation(**changes: Any) -> dict[str, Any]:
    return {"slug": "lacigf-2030", "title": "T", "forum": "LACIGF", "edition": "2030"} | changes


def webhook(**changes: Any) -> dict[str, Any]:
    body = {"url": "https://forum.example/hooks", "events": ["consultation.opened"]}
    return body | changes


def ratings(*pairs: tuple[Any, Any]) -> dict[str, Any]:
    return {"ratings": [{"topic_id": t, "score": s} for t, s in pairs]}


# (name, who, method, path, body builder, expected status). Paths use {o} (open), {d} (draft),
# {t0} (a topic); body builders take the topic ids.
Case = tuple[str, str, str, str, Callable[[list[int]], Any], int]
CASES: list[Case] = [
    (
        "score above the scale",
        "p",
        "PUT",
        "/consultations/{o}/ballot/{t0}",
        lambda t: {"score": 6},
        422,
    ),
    (
        "score below the scale",
        "p",
        "PUT",
        "/consultations/{o}/ballot/{t0}",
        lambda t: {"score": 0},
        422,
    ),
    (
        "fractional score",
        "p",
        "PUT",
        "/consultations/{o}/ballot/{t0}",
        lambda t: {"score": 3.5},
        422,
    ),
    (
        "float that looks whole",
        "p",
        "PUT",
        "/consultations/{o}/ballot/{t0}",
        lambda t: {"score": 3.0},
        422,
    ),
    ("string score", "p", "PUT", "/consultations/{o}/ballot/{t0}", lambda t: {"score": "3"}, 422),
    ("boolean score", "p", "PUT", "/consultations/{o}/ballot/{t0}", lambda t: {"score": True}, 422),
    ("null score", "p", "PUT", "/consultations/{o}/ballot/{t0}", lambda t: {"score": None}, 422),
    ("missing score", "p", "PUT", "/consultations/{o}/ballot/{t0}", lambda t: {}, 422),
    (
        "extra field",
        "p",
        "PUT",
        "/consultations/{o}/ballot/{t0}",
        lambda t: {"score": 3, "x": 1},
        422,
    ),
    (
        "unknown topic in path",
        "p",
        "PUT",
        "/consultations/{o}/ballot/999999",
        lambda t: {"score": 3},
        404,
    ),
    (
        "topic id not a number",
        "p",
        "PUT",
        "/consultations/{o}/ballot/abc",
        lambda t: {"score": 3},
        422,
    ),
    (
        "unknown topic in ballot",
        "p",
        "PUT",
        "/consultations/{o}/ballot",
        lambda t: ratings((t[0], 3), (999999, 3)),
        422,
    ),
    (
        "repeated topic in ballot",
        "p",
        "PUT",
        "/consultations/{o}/ballot",
        lambda t: ratings((t[0], 3), (t[0], 4)),
        422,
    ),
    (
        "one bad rating among good ones",
        "p",
        "PUT",
        "/consultations/{o}/ballot",
        lambda t: ratings((t[0], 5), (t[1], 5), (t[2], 9)),
        422,
    ),
    (
        "ballot is a list",
        "p",
        "PUT",
        "/consultations/{o}/ballot",
        lambda t: [{"topic_id": t[0], "score": 3}],
        422,
    ),
    ("ratings not a list", "p", "PUT", "/consultations/{o}/ballot", lambda t: {"ratings": 3}, 422),
    (
        "rating a topic of another consultation",
        "p",
        "PUT",
        "/consultations/{o}/ballot",
        lambda t: ratings((1, 3)),
        422,
    ),
    ("rating a draft", "adm", "PUT", "/consultations/{d}/ballot", lambda t: ratings(), 409),
    ("bad email", "anon", "POST", "/accounts", lambda t: account(email="not-an-email"), 422),
    (
        "duplicate email, other case",
        "anon",
        "POST",
        "/accounts",
        lambda t: account(email="Voter@Example.org"),
        409,
    ),
    (
        "unknown stakeholder group",
        "anon",
        "POST",
        "/accounts",
        lambda t: account(stakeholder_group="media"),
        422,
    ),
    ("country not in ISO 3166", "anon", "POST", "/accounts", lambda t: account(country="XX"), 422),
    ("country as a name", "anon", "POST", "/accounts", lambda t: account(country="Panama"), 422),
    ("short password", "anon", "POST", "/accounts", lambda t: account(password="123456789"), 422),
    (
        "missing display name",
        "anon",
        "POST",
        "/accounts",
        lambda t: {k: v for k, v in account().items() if k != "display_name"},
        422,
    ),
    ("empty display name", "anon", "POST", "/accounts", lambda t: account(display_name="   "), 422),
    (
        "unknown method",
        "adm",
        "POST",
        "/consultations",
        lambda t: consultation(default_method="borda"),
        422,
    ),
    (
        "scale min not below max",
        "adm",
        "POST",
        "/consultations",
        lambda t: consultation(scale_min=5, scale_max=5),
        422,
    ),
    (
        "scale of twelve levels",
        "adm",
        "POST",
        "/consultations",
        lambda t: consultation(scale_min=0, scale_max=11),
        422,
    ),
    (
        "labels do not fit the scale",
        "adm",
        "POST",
        "/consultations",
        lambda t: consultation(scale_labels=["a", "b"]),
        422,
    ),
    (
        "closes_at at the end of the calendar",
        "adm",
        "POST",
        "/consultations",
        lambda t: consultation(closes_at="9999-12-31T23:59:59-12:00"),
        422,
    ),
    (
        "closes_at at the start of the calendar",
        "adm",
        "PATCH",
        "/consultations/{d}",
        lambda t: {"closes_at": "0001-01-01T00:00:00+14:00"},
        422,
    ),
    (
        "event dates beyond the years",
        "adm",
        "POST",
        "/consultations",
        lambda t: consultation(starts_on="2027-01-01", ends_on="9999-12-31"),
        422,
    ),
    (
        "an event over a year long",
        "adm",
        "PATCH",
        "/consultations/{d}",
        lambda t: {"starts_on": "2027-01-01", "ends_on": "2028-01-02"},  # 367 days
        422,
    ),
    (
        "agenda size zero",
        "adm",
        "POST",
        "/consultations",
        lambda t: consultation(agenda_size=0),
        422,
    ),
    (
        "negative prior weight",
        "adm",
        "POST",
        "/consultations",
        lambda t: consultation(prior_weight=-1),
        422,
    ),
    (
        "ends before it starts",
        "adm",
        "POST",
        "/consultations",
        lambda t: consultation(starts_on="2030-08-04", ends_on="2030-08-02"),
        422,
    ),
    ("bad slug", "adm", "POST", "/consultations", lambda t: consultation(slug="LACIGF 2030!"), 422),
    (
        "taken slug",
        "adm",
        "POST",
        "/consultations",
        lambda t: consultation(slug="lacigf-2017"),
        409,
    ),
    (
        "copy from an unknown edition",
        "adm",
        "POST",
        "/consultations",
        lambda t: consultation(copy_topics_from="nope-1999"),
        422,
    ),
    (
        "unknown time zone",
        "adm",
        "POST",
        "/consultations",
        lambda t: consultation(timezone="Mars/Olympus"),
        422,
    ),
    (
        "duplicate topic title",
        "adm",
        "POST",
        "/consultations/{d}/topics",
        lambda t: {"title": "Access"},
        409,
    ),
    (
        "duplicate topic title, other case",
        "adm",
        "POST",
        "/consultations/{d}/topics",
        lambda t: {"title": "ACCESS"},
        409,
    ),
    ("empty topic title", "adm", "POST", "/consultations/{d}/topics", lambda t: {"title": ""}, 422),
    (
        "translation in an unknown language",
        "adm",
        "POST",
        "/consultations",
        lambda t: consultation(translations={"de": {"title": "Forum"}}),
        422,
    ),
    (
        "translation of a field that takes none",
        "adm",
        "POST",
        "/consultations/{d}/topics",
        lambda t: {"title": "New", "translations": {"pt": {"position": 1}}},
        422,
    ),
    (
        "translated labels do not fit the scale",
        "adm",
        "PATCH",
        "/consultations/{d}",
        lambda t: {"translations": {"fr": {"scale_labels": ["Un"]}}},
        422,
    ),
    (
        "translated topic title with a control character",
        "adm",
        "PATCH",
        "/consultations/{o}/topics/{t0}",
        lambda t: {"translations": {"es": {"title": "a\u0007b"}}},
        422,
    ),
    (
        "rules change once open",
        "adm",
        "PATCH",
        "/consultations/{o}",
        lambda t: {"default_method": "schulze"},
        409,
    ),
    ("null title", "adm", "PATCH", "/consultations/{d}", lambda t: {"title": None}, 422),
    (
        "scale edit breaks labels",
        "adm",
        "PATCH",
        "/consultations/{d}",
        lambda t: {"scale_labels": ["only one"]},
        422,
    ),
    (
        "seat in a non-committee group",
        "adm",
        "POST",
        "/consultations/{d}/committee",
        lambda t: {"name": "A", "stakeholder_group": "academia"},
        422,
    ),
    (
        "personal token for a year and a day",
        "p",
        "POST",
        "/auth/tokens",
        lambda t: {"name": "Site", "scopes": ["results"], "expires_in_days": 366},
        422,
    ),
    (
        "personal token with an unknown scope",
        "p",
        "POST",
        "/auth/tokens",
        lambda t: {"name": "Site", "scopes": ["everything"], "expires_in_days": 30},
        422,
    ),
    (
        "personal token without scopes",
        "p",
        "POST",
        "/auth/tokens",
        lambda t: {"name": "Site", "scopes": [], "expires_in_days": 30},
        422,
    ),
    ("revoke an unknown personal token", "p", "DELETE", "/auth/tokens/999999", lambda t: None, 404),
    (
        "webhook to an ftp URL",
        "adm",
        "POST",
        "/webhooks",
        lambda t: webhook(url="ftp://a.example/h"),
        422,
    ),
    (
        "webhook URL with credentials",
        "adm",
        "POST",
        "/webhooks",
        lambda t: webhook(url="https://me:pw@a.example/h"),
        422,
    ),
    (
        "webhook URL without a host",
        "adm",
        "POST",
        "/webhooks",
        lambda t: webhook(url="https://:443/h"),
        422,
    ),
    (
        "webhook URL too long",
        "adm",
        "POST",
        "/webhooks",
        lambda t: webhook(url="https://a.example/" + "x" * 2000),
        422,
    ),
    ("webhook URL not a string", "adm", "POST", "/webhooks", lambda t: webhook(url=7), 422),
    (
        "webhook without a URL",
        "adm",
        "POST",
        "/webhooks",
        lambda t: {"events": ["consultation.opened"]},
        422,
    ),
    ("webhook without events", "adm", "POST", "/webhooks", lambda t: webhook(events=[]), 422),
    (
        "webhook for an unknown event",
        "adm",
        "POST",
        "/webhooks",
        lambda t: webhook(events=["consultation.deleted"]),
        422,
    ),
    (
        "webhook for the test event",
        "adm",
        "POST",
        "/webhooks",
        lambda t: webhook(events=["webhook.test"]),
        422,
    ),
    (
        "webhook for one event twice",
        "adm",
        "POST",
        "/webhooks",
        lambda t: webhook(events=["consultation.opened", "consultation.opened"]),
        422,
    ),
    (
        "webhook description with a control character",
        "adm",
        "POST",
        "/webhooks",
        lambda t: webhook(description="a\u0007b"),
        422,
    ),
    (
        "webhook description too long",
        "adm",
        "POST",
        "/webhooks",
        lambda t: webhook(description="d" * 501),
        422,
    ),
    ("webhook with an extra field", "adm", "POST", "/webhooks", lambda t: webhook(secret="x"), 422),
    ("webhook as a list", "adm", "POST", "/webhooks", lambda t: [webhook()], 422),
    ("remove an unknown webhook", "adm", "DELETE", "/webhooks/999999", lambda t: None, 404),
    (
        "remove a webhook beyond any id",
        "adm",
        "DELETE",
        "/webhooks/9223372036854775808",
        lambda t: None,
        422,
    ),
    (
        "deliveries of an unknown webhook",
        "adm",
        "GET",
        "/webhooks/999999/deliveries",
        lambda t: None,
        404,
    ),
    (
        "deliveries with a negative offset",
        "adm",
        "GET",
        "/webhooks/1/deliveries?offset=-1",
        lambda t: None,
        422,
    ),
    ("test an unknown webhook", "adm", "POST", "/webhooks/999999/test", lambda t: None, 404),
    ("test a webhook named by a word", "adm", "POST", "/webhooks/first/test", lambda t: None, 422),
    (
        "agreement top zero",
        "adm",
        "GET",
        "/consultations/{o}/ranking/agreement?top=0",
        lambda t: None,
        422,
    ),
    (
        "agreement top not a number",
        "adm",
        "GET",
        "/consultations/{o}/ranking/agreement?top=six",
        lambda t: None,
        422,
    ),
    (
        "agreement top too large",
        "adm",
        "GET",
        "/consultations/{o}/ranking/agreement?top=1001",
        lambda t: None,
        422,
    ),
    (
        "seat with a malformed email",
        "adm",
        "POST",
        "/consultations/{d}/committee",
        lambda t: {"name": "A", "stakeholder_group": "government", "email": "ghost@"},
        422,
    ),
    (
        "invitation in an unknown language",
        "adm",
        "POST",
        "/consultations/{d}/committee",
        lambda t: {
            "name": "A",
            "stakeholder_group": "government",
            "email": "ghost@example.org",
            "language": "xx",
        },
        422,
    ),
    (
        "seat an email twice",
        "adm",
        "POST",
        "/consultations/{o}/committee",
        lambda t: {"name": "B", "stakeholder_group": "government", "email": "invited@example.org"},
        409,
    ),
    (
        "password that is the email",
        "anon",
        "POST",
        "/accounts",
        lambda t: account(password="new@example.org"),
        422,
    ),
    ("password of spaces", "anon", "POST", "/accounts", lambda t: account(password=" " * 12), 422),
    (
        "password of control characters",
        "anon",
        "POST",
        "/accounts",
        lambda t: account(password="\u0007\t\n" * 4),
        422,
    ),
    ("unknown mail language", "anon", "POST", "/accounts", lambda t: account(language="xx"), 422),
    (
        "unknown invitation",
        "anon",
        "POST",
        "/accounts",
        lambda t: account(invitation="not-an-invitation"),
        422,
    ),
    ("verify without a token", "anon", "POST", "/accounts/verify", lambda t: {}, 422),
    ("verify an empty token", "anon", "POST", "/accounts/verify", lambda t: {"token": ""}, 422),
    (
        "verify an unknown token",
        "anon",
        "POST",
        "/accounts/verify",
        lambda t: {"token": "A" * 43},
        422,
    ),
    ("verify a numeric token", "anon", "POST", "/accounts/verify", lambda t: {"token": 7}, 422),
    (
        "verify with an extra field",
        "anon",
        "POST",
        "/accounts/verify",
        lambda t: {"token": "x", "email": "a@b.org"},
        422,
    ),
    ("resend once verified", "p", "POST", "/accounts/verify/resend", lambda t: None, 409),
    ("reset without an email", "anon", "POST", "/auth/password-reset", lambda t: {}, 422),
    (
        "reset a malformed email",
        "anon",
        "POST",
        "/auth/password-reset",
        lambda t: {"email": "nobody"},
        422,
    ),
    (
        "confirm an unknown token",
        "anon",
        "POST",
        "/auth/password-reset/confirm",
        lambda t: {"token": "A" * 43, "password": PASSWORD},
        422,
    ),
    (
        "confirm without a password",
        "anon",
        "POST",
        "/auth/password-reset/confirm",
        lambda t: {"token": "A" * 43},
        422,
    ),
    (
        "confirm a short password",
        "anon",
        "POST",
        "/auth/password-reset/confirm",
        lambda t: {"token": "A" * 43, "password": "short"},
        422,
    ),
    (
        "new password that is the email",
        "p",
        "PATCH",
        "/me",
        lambda t: {"password": "voter@example.org", "current_password": PASSWORD},
        422,
    ),
    (
        "new password of spaces",
        "p",
        "PATCH",
        "/me",
        lambda t: {"password": " " * 12, "current_password": PASSWORD},
        422,
    ),
    ("unknown language on me", "p", "PATCH", "/me", lambda t: {"language": "xx"}, 422),
    (
        "require_verified_email not a boolean",
        "adm",
        "POST",
        "/consultations",
        lambda t: consultation(require_verified_email="sometimes"),
        422,
    ),
]


@pytest.mark.parametrize(
    ("name", "who", "method", "path", "body", "status"), CASES, ids=[c[0] for c in CASES]
)
async def test_bad_input_is_refused_and_changes_nothing(
    client: httpx.AsyncClient,
    app: FastAPI,
    setup: Setup,
    name: str,
    who: str,
    method: str,
    path: str,
    body: Callable[[list[int]], Any],
    status: int,
) -> None:
    headers = {"p": setup.participant.headers, "adm": setup.admin.headers, "anon": {}}[who]
    url = API + path.format(o=setup.open, d=setup.draft, t0=setup.topics[0])
    before = snapshot(app)
    response = await client.request(method, url, json=body(setup.topics), headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert problem["detail"]
    if status == 422:
        assert problem["errors"]
    assert_unchanged(app, before, method=method, path=url, status=status, context=name)


# None: no Content-Type header at all (a JSON body is then read as JSON).
CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    None,
    "text/plain",
    "application/x-www-form-urlencoded",
]


def body_headers(setup: Setup, content_type: str | None) -> dict[str, str]:
    return setup.participant.headers | ({"content-type": content_type} if content_type else {})


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
@pytest.mark.parametrize(
    ("raw", "status"),
    [(b"{", 400), (b'{"score": }', 400), (b"\xff\xfe", 400), (b"not json", 400), (b"", 422)],
    ids=repr,
)
async def test_malformed_json_is_400_and_changes_nothing(
    client: httpx.AsyncClient,
    app: FastAPI,
    setup: Setup,
    raw: bytes,
    status: int,
    content_type: str | None,
) -> None:
    before = snapshot(app)
    response = await client.put(
        f"{API}/consultations/{setup.open}/ballot/{setup.topics[0]}",
        content=raw,
        headers=body_headers(setup, content_type),
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    if status == 400:
        assert response.json()["type"] == "urn:consulta:problem:malformed-body"
    assert snapshot(app) == before


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
async def test_json_sent_as_another_type_is_400_and_changes_nothing(
    client: httpx.AsyncClient, app: FastAPI, setup: Setup, content_type: str
) -> None:
    """Only a body declared as JSON (or not declared at all) is read: a cross-site form can
    send text/plain or form-encoded bodies without asking first."""
    before = snapshot(app)
    response = await client.put(
        f"{API}/consultations/{setup.open}/ballot/{setup.topics[0]}",
        content=b'{"score": 3}',
        headers=body_headers(setup, content_type),
    )
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["type"] == "urn:consulta:problem:malformed-body"
    assert "Content-Type: application/json" in problem["detail"]
    assert snapshot(app) == before


async def test_json_sent_without_a_content_type_is_read_as_json(
    client: httpx.AsyncClient, setup: Setup
) -> None:
    url = f"{API}/consultations/{setup.open}/ballot/{setup.topics[0]}"
    response = await client.put(url, content=b'{"score": 5}', headers=body_headers(setup, None))
    assert response.status_code == 200, response.text
    assert response.json()["score"] == 5  # the setup rated it 4
    ballot = await client.get(
        f"{API}/consultations/{setup.open}/ballot", headers=setup.participant.headers
    )
    assert (setup.topics[0], 5) in [(r["topic_id"], r["score"]) for r in ballot.json()["ratings"]]


async def test_oversized_ballot_is_413_and_changes_nothing(
    client: httpx.AsyncClient, app: FastAPI, setup: Setup
) -> None:
    before = snapshot(app)
    huge = {"ratings": [{"topic_id": setup.topics[0], "score": 3}] * 60_000}
    response = await client.put(
        f"{API}/consultations/{setup.open}/ballot", json=huge, headers=setup.participant.headers
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert snapshot(app) == before


@dataclass
class CallSetup:
    participant: Actor
    admin: Actor
    call: str  # in its call for topics, one proposal per participant
    open: str
    supported: int  # the admin's, which the participant supports
    merged: int  # the participant's, merged into `supported`
    other_topic: int  # a topic of another consultation


@pytest.fixture
async def call_setup(client: httpx.AsyncClient, app: FastAPI) -> CallSetup:
    boss = await admin(client, app)
    call = str((await create_consultation(client, boss, max_proposals_per_participant=1))["slug"])
    opened = str((await create_consultation(client, boss))["slug"])
    other_topic = (await add_topics(client, boss, opened, ["Access"]))[0]
    await move(client, boss, opened, "open")
    await move(client, boss, call, "proposals/open")
    participant = await register(client)
    url = f"{API}/consultations/{call}/proposals"
    body = {"title": "Acceso", "description": "Para todos."}
    supported = (await client.post(url, json=body, headers=boss.headers)).json()["id"]
    merged = (await client.post(url, json=body, headers=participant.headers)).json()["id"]
    response = await client.post(f"{url}/{supported}/support", headers=participant.headers)
    assert response.status_code == 204
    response = await client.post(
        f"{url}/{merged}/merge", json={"into_proposal_id": supported}, headers=boss.headers
    )
    assert response.status_code == 200, response.text
    return CallSetup(participant, boss, call, opened, supported, merged, other_topic)


def proposal(**changes: Any) -> dict[str, Any]:
    return {"title": "Un tema", "description": "Por qué importa."} | changes


# (name, who, method, path, body builder taking the setup, expected status). Paths use {c}
# (the call), {o} (an open consultation), {s} (a submitted proposal), {m} (a merged one).
CallCase = tuple[str, str, str, str, Callable[[CallSetup], Any], int]
PROPOSAL = "/consultations/{c}/proposals"
CALL_CASES: list[CallCase] = [
    ("empty title", "p", "POST", PROPOSAL, lambda s: proposal(title="  "), 422),
    ("empty description", "p", "POST", PROPOSAL, lambda s: proposal(description=""), 422),
    ("over-long title", "p", "POST", PROPOSAL, lambda s: proposal(title="t" * 301), 422),
    (
        "over-long description",
        "p",
        "POST",
        PROPOSAL,
        lambda s: proposal(description="d" * 5001),
        422,
    ),
    ("control character in title", "p", "POST", PROPOSAL, lambda s: proposal(title="a\x00b"), 422),
    ("line break in title", "p", "POST", PROPOSAL, lambda s: proposal(title="a\nb"), 422),
    (
        "control character in description",
        "p",
        "POST",
        PROPOSAL,
        lambda s: proposal(description="bell\x07"),
        422,
    ),
    ("missing description", "p", "POST", PROPOSAL, lambda s: {"title": "T"}, 422),
    (
        "translation into an unknown language",
        "p",
        "POST",
        PROPOSAL,
        lambda s: proposal(translations={"de": {"title": "Ein Thema"}}),
        422,
    ),
    (
        "unknown field in a translation",
        "p",
        "POST",
        PROPOSAL,
        lambda s: proposal(translations={"pt": {"status": "accepted"}}),
        422,
    ),
    (
        "over-long translated title",
        "p",
        "POST",
        PROPOSAL,
        lambda s: proposal(translations={"pt": {"title": "t" * 301}}),
        422,
    ),
    (
        "over-long translated description",
        "p",
        "POST",
        PROPOSAL,
        lambda s: proposal(translations={"fr": {"description": "d" * 5001}}),
        422,
    ),
    (
        "control character in a translated title",
        "p",
        "POST",
        PROPOSAL,
        lambda s: proposal(translations={"es": {"title": "a\x07b"}}),
        422,
    ),
    (
        "a translation that is not an object",
        "p",
        "POST",
        PROPOSAL,
        lambda s: proposal(translations={"pt": "Um tema"}),
        422,
    ),
    (
        "an edit translating into an unknown language",
        "adm",
        "PATCH",
        PROPOSAL + "/{s}",
        lambda s: {"translations": {"it": {"title": "Un tema"}}},
        422,
    ),
    (
        "an edit with an unknown field in a translation",
        "adm",
        "PATCH",
        PROPOSAL + "/{s}",
        lambda s: {"translations": {"pt": {"supporters": 9}}},
        422,
    ),
    (
        "an edit with an over-long translated description",
        "adm",
        "PATCH",
        PROPOSAL + "/{s}",
        lambda s: {"title": "New", "translations": {"pt": {"description": "d" * 5001}}},
        422,
    ),
    ("extra field", "p", "POST", PROPOSAL, lambda s: proposal(author="me"), 422),
    (
        "proposing outside the call",
        "p",
        "POST",
        "/consultations/{o}/proposals",
        lambda s: proposal(),
        409,
    ),
    ("proposing over the limit", "p", "POST", PROPOSAL, lambda s: proposal(), 409),
    ("anonymous proposal", "anon", "POST", PROPOSAL, lambda s: proposal(), 401),
    ("supporting twice", "p", "POST", PROPOSAL + "/{s}/support", lambda s: None, 409),
    ("supporting a merged proposal", "adm", "POST", PROPOSAL + "/{m}/support", lambda s: None, 409),
    (
        "supporting an unknown proposal",
        "p",
        "POST",
        PROPOSAL + "/999999/support",
        lambda s: None,
        404,
    ),
    ("editing a merged proposal", "p", "PATCH", PROPOSAL + "/{m}", lambda s: {"title": "New"}, 409),
    ("editing someone else's", "p", "PATCH", PROPOSAL + "/{s}", lambda s: {"title": "New"}, 403),
    ("null title in an edit", "adm", "PATCH", PROPOSAL + "/{s}", lambda s: {"title": None}, 422),
    (
        "merging into itself",
        "adm",
        "POST",
        PROPOSAL + "/{s}/merge",
        lambda s: {"into_proposal_id": s.supported},
        422,
    ),
    (
        "merging in a cycle",
        "adm",
        "POST",
        PROPOSAL + "/{s}/merge",
        lambda s: {"into_proposal_id": s.merged},
        422,
    ),
    (
        "merging into two targets",
        "adm",
        "POST",
        PROPOSAL + "/{s}/merge",
        lambda s: {"into_proposal_id": s.merged, "into_topic_id": s.other_topic},
        422,
    ),
    ("merging into nothing", "adm", "POST", PROPOSAL + "/{s}/merge", lambda s: {}, 422),
    (
        "merging into another consultation's topic",
        "adm",
        "POST",
        PROPOSAL + "/{s}/merge",
        lambda s: {"into_topic_id": s.other_topic},
        422,
    ),
    (
        "merging into an id beyond the database",
        "adm",
        "POST",
        PROPOSAL + "/{s}/merge",
        lambda s: {"into_proposal_id": 2**63},
        422,
    ),
    ("accepting a decided one", "adm", "POST", PROPOSAL + "/{m}/accept", lambda s: None, 409),
    (
        "rejecting a decided one",
        "adm",
        "POST",
        PROPOSAL + "/{m}/reject",
        lambda s: {"reason": "Again."},
        409,
    ),
    ("rejecting without a reason", "adm", "POST", PROPOSAL + "/{s}/reject", lambda s: {}, 422),
    (
        "rejecting with an empty reason",
        "adm",
        "POST",
        PROPOSAL + "/{s}/reject",
        lambda s: {"reason": " "},
        422,
    ),
    (
        "a reason with control characters",
        "adm",
        "POST",
        PROPOSAL + "/{s}/reject",
        lambda s: {"reason": "no\x1b[31m"},
        422,
    ),
    ("a participant deciding", "p", "POST", PROPOSAL + "/{s}/accept", lambda s: None, 403),
    (
        "opening the call of an open consultation",
        "adm",
        "POST",
        "/consultations/{o}/proposals/open",
        lambda s: None,
        409,
    ),
]


@pytest.mark.parametrize(
    ("name", "who", "method", "path", "body", "status"),
    CALL_CASES,
    ids=[case[0] for case in CALL_CASES],
)
async def test_bad_input_in_the_call_for_topics_is_refused_and_changes_nothing(
    client: httpx.AsyncClient,
    app: FastAPI,
    call_setup: CallSetup,
    name: str,
    who: str,
    method: str,
    path: str,
    body: Callable[[CallSetup], Any],
    status: int,
) -> None:
    s = call_setup
    headers = {"p": s.participant.headers, "adm": s.admin.headers, "anon": {}}[who]
    url = API + path.format(c=s.call, o=s.open, s=s.supported, m=s.merged)
    before = snapshot(app)
    response = await client.request(method, url, json=body(s), headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert problem["detail"]
    if status == 422:
        assert problem["errors"]
    assert_unchanged(app, before, method=method, path=url, status=status, context=name)


async def test_an_over_long_similar_query_is_422(
    client: httpx.AsyncClient, call_setup: CallSetup
) -> None:
    response = await client.get(
        f"{API}/consultations/{call_setup.call}/proposals/similar", params={"q": "x" * 2001}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
