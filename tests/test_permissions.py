"""Who may call what: every endpoint of accounts, consultations, topics and ballots, called by
each kind of caller, with the status each must get; a refused call leaves the whole stored state
as it was."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from itertools import count
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.actors import (
    ANONYMOUS,
    API,
    PASSWORD,
    Actor,
    add_topics,
    admin,
    create_consultation,
    login,
    move,
    register,
    unique_email,
)
from tests.documented import documented_statuses
from tests.mail import app_of, latest_token
from tests.snapshots import assert_unchanged, snapshot

CALLERS = (
    "anonymous",
    "participant",
    "other_participant",
    "committee",
    "other_committee",
    "unverified",  # a participant who has not confirmed their email yet
    "admin",
)


@dataclass
class World:
    app: FastAPI
    client: httpx.AsyncClient
    actors: dict[str, Actor]
    draft: str  # a draft consultation; `committee` sits on it
    open: str  # an open consultation; `committee` sits on it too
    draft_topic: int
    open_topic: int
    call: str  # in its call for topics (proposals); `committee` sits on it
    proposer: Actor  # proposes what the callers support and decide on
    call_topic: int


async def seat(client: httpx.AsyncClient, by: Actor, slug: str, who: Actor, group: str) -> None:
    response = await client.post(
        f"{API}/consultations/{slug}/committee",
        json={"name": who.email, "stakeholder_group": group, "email": who.email},
        headers=by.headers,
    )
    assert response.status_code == 201, response.text


@pytest.fixture
async def world(client: httpx.AsyncClient, app: FastAPI) -> World:
    boss = await admin(client, app)
    actors = {
        "anonymous": ANONYMOUS,
        "participant": await register(client),
        "other_participant": await register(client, group="government"),
        "committee": await register(client, group="technical_community"),
        "other_committee": await register(client, group="private_sector"),
        "admin": boss,
        "unverified": await register(client, group="academia", verified=False),
    }
    draft = str((await create_consultation(client, boss))["slug"])
    opened = str((await create_consultation(client, boss))["slug"])
    elsewhere = str((await create_consultation(client, boss))["slug"])
    draft_topic = (await add_topics(client, boss, draft, ["Access"]))[0]
    open_topic = (await add_topics(client, boss, opened, ["Access", "Rights"]))[0]
    await seat(client, boss, draft, actors["committee"], "technical_community")
    await seat(client, boss, opened, actors["committee"], "technical_community")
    await seat(client, boss, elsewhere, actors["other_committee"], "private_sector")
    await move(client, boss, opened, "open")
    call = str(
        (await create_consultation(client, boss, max_proposals_per_participant=1000))["slug"]
    )
    call_topic = (await add_topics(client, boss, call, ["Access"]))[0]
    await seat(client, boss, call, actors["committee"], "technical_community")
    await move(client, boss, call, "proposals/open")
    proposer = await register(client, group="civil_society")
    return World(
        app, client, actors, draft, opened, draft_topic, open_topic, call, proposer, call_topic
    )


_n = count()


async def new_topic(world: World) -> int:
    ids = await add_topics(world.client, world.actors["admin"], world.draft, [f"T{next(_n)}"])
    return ids[0]


# A request is (method, path, keyword arguments for httpx); `prepare` may build it per call,
# so that a call that succeeds does not change what the next caller meets.
Request = tuple[str, str, dict[str, Any]]
Prepare = Callable[[World, Actor], Awaitable[Request]]


def fixed(method: str, path: str, **kwargs: Any) -> Prepare:
    async def prepare(world: World, _: Actor) -> Request:
        return (
            method,
            path.format(
                d=world.draft,
                o=world.open,
                dt=world.draft_topic,
                ot=world.open_topic,
                c=world.call,
            ),
            kwargs,
        )

    return prepare


def account_body() -> dict[str, Any]:
    return {
        "email": unique_email(),
        "password": PASSWORD,
        "display_name": "New",
        "stakeholder_group": "academia",
        "country": "UY",
    }


async def register_request(world: World, _: Actor) -> Request:
    return "POST", "/accounts", {"json": account_body()}


async def token_request(world: World, actor: Actor) -> Request:
    email = actor.email or unique_email("nobody")
    return "POST", "/auth/token", {"data": {"username": email, "password": PASSWORD}}


async def revoke_request(world: World, actor: Actor) -> Request:
    # A fresh token per call, so revoking it leaves the actor's main token working.
    headers = {}
    if actor.token:
        headers = {"Authorization": f"Bearer {await login(world.client, actor.email)}"}
    return "DELETE", "/auth/token", {"headers": headers}


async def fresh_mail_token(world: World, path: str, *, reset: bool = False) -> str:
    """A new unverified account's verification token, or a reset token for it."""
    person = await register(world.client, verified=False)
    if reset:
        response = await world.client.post(
            f"{API}/auth/password-reset", json={"email": person.email}
        )
        assert response.status_code == 202
    return latest_token(app_of(world.client).state.sessions, person.email, path)


async def verify_request(world: World, _: Actor) -> Request:
    token = await fresh_mail_token(world, "/verify")
    return "POST", "/accounts/verify", {"json": {"token": token}}


async def reset_request(world: World, _: Actor) -> Request:
    return "POST", "/auth/password-reset", {"json": {"email": unique_email("forgetful")}}


async def confirm_reset_request(world: World, _: Actor) -> Request:
    token = await fresh_mail_token(world, "/reset-password", reset=True)
    body = {"token": token, "password": "a brand new password"}
    return "POST", "/auth/password-reset/confirm", {"json": body}


async def change_password_request(world: World, _: Actor) -> Request:
    body = {"password": "a brand new password", "current_password": PASSWORD}
    return "PATCH", "/me", {"json": body}


async def invite_request(world: World, _: Actor) -> Request:
    email = unique_email("invitee")
    body = {"name": "Invited", "stakeholder_group": "civil_society", "email": email}
    return "POST", f"/consultations/{world.draft}/committee", {"json": body}


async def create_request(world: World, _: Actor) -> Request:
    body = {"slug": f"new-{next(_n)}", "title": "New", "forum": "F", "edition": "1"}
    return "POST", "/consultations", {"json": body}


async def add_topic_request(world: World, _: Actor) -> Request:
    return "POST", f"/consultations/{world.draft}/topics", {"json": {"title": f"N{next(_n)}"}}


async def edit_topic_request(world: World, _: Actor) -> Request:
    topic = await new_topic(world)
    return (
        "PATCH",
        f"/consultations/{world.draft}/topics/{topic}",
        {"json": {"title": f"E{next(_n)}"}},
    )


async def delete_topic_request(world: World, _: Actor) -> Request:
    topic = await new_topic(world)
    return "DELETE", f"/consultations/{world.draft}/topics/{topic}", {}


TOKEN_BODY = {"name": "Script", "scopes": ["results"], "expires_in_days": 30}


async def personal_token(client: httpx.AsyncClient, actor: Actor, *scopes: str) -> dict[str, Any]:
    body = TOKEN_BODY | {"name": f"{'+'.join(scopes)} token", "scopes": list(scopes)}
    response = await client.post(f"{API}/auth/tokens", json=body, headers=actor.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def revoke_personal_request(world: World, actor: Actor) -> Request:
    if not actor.token:
        return "DELETE", "/auth/tokens/1", {}
    created = await personal_token(world.client, actor, "results")
    return "DELETE", f"/auth/tokens/{created['id']}", {}


async def session_token_as_personal_request(world: World, actor: Actor) -> Request:
    """The id of a token from the password form is not a personal token's: 404."""
    if not actor.token:
        return "DELETE", "/auth/tokens/1", {}
    await login(world.client, actor.email)  # a session token, id N
    created = await personal_token(world.client, actor, "ballot")  # id N + 1
    return "DELETE", f"/auth/tokens/{created['id'] - 1}", {}


WEBHOOK_BODY = {"url": "https://forum.example/hooks", "events": ["consultation.closed"]}


def ADMIN_ONLY(status: int) -> tuple[int, ...]:  # noqa: N802 - reads as a constant in the table
    return (401, 403, 403, 403, 403, 403, status)


def webhook_request(method: str, tail: str) -> Prepare:
    """A webhook of its own for each call (so removing one leaves the next caller one)."""

    async def prepare(world: World, _: Actor) -> Request:
        response = await world.client.post(
            f"{API}/webhooks", json=WEBHOOK_BODY, headers=world.actors["admin"].headers
        )
        assert response.status_code == 201, response.text
        return method, f"/webhooks/{response.json()['id']}{tail}", {}

    return prepare


async def new_proposal(world: World, by: Actor | None = None) -> int:
    body = {"title": f"P{next(_n)}", "description": "Why it matters."}
    response = await world.client.post(
        f"{API}/consultations/{world.call}/proposals",
        json=body,
        headers=(by or world.proposer).headers,
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def can_propose(world: World, actor: Actor) -> bool:
    return actor.token is not None and actor is not world.actors["unverified"]


async def propose_request(world: World, _: Actor) -> Request:
    body = {"title": f"Proposed {next(_n)}", "description": "Why it matters."}
    return "POST", f"/consultations/{world.call}/proposals", {"json": body}


async def edit_own_proposal_request(world: World, actor: Actor) -> Request:
    proposal = await new_proposal(world, actor if can_propose(world, actor) else None)
    body = {"title": f"Edited {next(_n)}"}
    return "PATCH", f"/consultations/{world.call}/proposals/{proposal}", {"json": body}


async def edit_others_proposal_request(world: World, _: Actor) -> Request:
    proposal = await new_proposal(world)
    body = {"title": f"Edited {next(_n)}"}
    return "PATCH", f"/consultations/{world.call}/proposals/{proposal}", {"json": body}


async def support_request(world: World, _: Actor) -> Request:
    proposal = await new_proposal(world)
    return "POST", f"/consultations/{world.call}/proposals/{proposal}/support", {}


async def withdraw_support_request(world: World, actor: Actor) -> Request:
    proposal = await new_proposal(world)
    path = f"/consultations/{world.call}/proposals/{proposal}/support"
    if can_propose(world, actor):
        response = await world.client.post(API + path, headers=actor.headers)
        assert response.status_code == 204, response.text
    return "DELETE", path, {}


async def accept_request(world: World, _: Actor) -> Request:
    proposal = await new_proposal(world)
    return "POST", f"/consultations/{world.call}/proposals/{proposal}/accept", {}


async def reject_request(world: World, _: Actor) -> Request:
    proposal = await new_proposal(world)
    body = {"reason": "Out of scope."}
    return "POST", f"/consultations/{world.call}/proposals/{proposal}/reject", {"json": body}


async def merge_request(world: World, _: Actor) -> Request:
    proposal = await new_proposal(world)
    body = {"into_topic_id": world.call_topic}
    return "POST", f"/consultations/{world.call}/proposals/{proposal}/merge", {"json": body}


# Expected statuses in the order of CALLERS. The unverified participant's ballot writes are 403
# (require_verified_email is on by default).
MATRIX: list[tuple[str, Prepare, tuple[int, ...]]] = [
    ("register", register_request, (201, 201, 201, 201, 201, 201, 201)),
    ("sign in", token_request, (401, 200, 200, 200, 200, 200, 200)),
    ("sign out", revoke_request, (401, 204, 204, 204, 204, 204, 204)),
    ("verify an email", verify_request, (200,) * 7),
    (
        "resend the verification",
        fixed("POST", "/accounts/verify/resend"),
        (401, 409, 409, 409, 409, 202, 409),
    ),
    ("ask for a password reset", reset_request, (202,) * 7),
    ("reset a password", confirm_reset_request, (204,) * 7),
    ("change the password", change_password_request, (401, 200, 200, 200, 200, 200, 200)),
    ("read me", fixed("GET", "/me"), (401, 200, 200, 200, 200, 200, 200)),
    (
        "edit me",
        fixed("PATCH", "/me", json={"organization": "X"}),
        (401, 200, 200, 200, 200, 200, 200),
    ),
    ("list consultations", fixed("GET", "/consultations"), (200,) * 7),
    ("create consultation", create_request, (401, 403, 403, 403, 403, 403, 201)),
    ("read draft", fixed("GET", "/consultations/{d}"), (404, 404, 404, 200, 404, 404, 200)),
    ("read open", fixed("GET", "/consultations/{o}"), (200,) * 7),
    (
        "edit draft",
        fixed("PATCH", "/consultations/{d}", json={"agenda_size": 4}),
        (404, 404, 404, 403, 404, 404, 200),
    ),
    (
        "edit open rules",
        fixed("PATCH", "/consultations/{o}", json={"scale_max": 7}),
        (401, 403, 403, 403, 403, 403, 409),
    ),
    (
        "edit open description",
        fixed("PATCH", "/consultations/{o}", json={"description": "Now with dates"}),
        (401, 403, 403, 403, 403, 403, 200),
    ),
    ("open draft", fixed("POST", "/consultations/{d}/open"), (404, 404, 404, 403, 404, 404, 200)),
    (
        "reopen open",
        fixed("POST", "/consultations/{o}/reopen"),
        (401, 403, 403, 403, 403, 403, 409),
    ),
    ("close open", fixed("POST", "/consultations/{o}/close"), (401, 403, 403, 403, 403, 403, 200)),
    (
        "list draft topics",
        fixed("GET", "/consultations/{d}/topics"),
        (404, 404, 404, 200, 404, 404, 200),
    ),
    ("list open topics", fixed("GET", "/consultations/{o}/topics"), (200,) * 7),
    (
        "shuffled topics",
        fixed("GET", "/consultations/{o}/topics", params={"order": "shuffled"}),
        (401, 200, 200, 200, 200, 200, 200),
    ),
    ("add topic to draft", add_topic_request, (404, 404, 404, 201, 404, 404, 201)),
    (
        "add topic to open",
        fixed("POST", "/consultations/{o}/topics", json={"title": "Late"}),
        (401, 403, 403, 409, 403, 403, 409),
    ),
    ("edit draft topic", edit_topic_request, (404, 404, 404, 200, 404, 404, 200)),
    (
        "edit open topic",
        fixed("PATCH", "/consultations/{o}/topics/{ot}", json={"title": "Changed"}),
        (401, 403, 403, 409, 403, 403, 409),
    ),
    ("delete draft topic", delete_topic_request, (404, 404, 404, 204, 404, 404, 204)),
    (
        "delete open topic",
        fixed("DELETE", "/consultations/{o}/topics/{ot}"),
        (401, 403, 403, 409, 403, 403, 409),
    ),
    ("read ballot", fixed("GET", "/consultations/{o}/ballot"), (401, 200, 200, 200, 200, 200, 200)),
    (
        "replace ballot",
        fixed("PUT", "/consultations/{o}/ballot", json={"ratings": [{"topic_id": 0, "score": 3}]}),
        (401, 422, 422, 422, 422, 403, 422),
    ),
    (
        "rate a topic",
        fixed("PUT", "/consultations/{o}/ballot/{ot}", json={"score": 4}),
        (401, 200, 200, 200, 200, 403, 200),
    ),
    (
        "withdraw a rating",
        fixed("DELETE", "/consultations/{o}/ballot/{ot}"),
        (401, 204, 204, 204, 204, 403, 204),
    ),
    (
        "rate a draft topic",
        fixed("PUT", "/consultations/{d}/ballot/{dt}", json={"score": 4}),
        (404, 404, 404, 409, 404, 404, 409),
    ),
    (
        "read draft ballot",
        fixed("GET", "/consultations/{d}/ballot"),
        (404, 404, 404, 200, 404, 404, 200),
    ),
    (
        "seat on draft",
        fixed(
            "POST",
            "/consultations/{d}/committee",
            json={"name": "Record only", "stakeholder_group": "civil_society"},
        ),
        (404, 404, 404, 403, 404, 404, 201),
    ),
    ("invite to draft committee", invite_request, (404, 404, 404, 403, 404, 404, 201)),
    (
        "read draft committee",
        fixed("GET", "/consultations/{d}/committee"),
        (404, 404, 404, 200, 404, 404, 200),
    ),
    (
        "create a personal token",
        fixed("POST", "/auth/tokens", json=TOKEN_BODY),
        (401, 201, 201, 201, 201, 201, 201),
    ),
    ("list personal tokens", fixed("GET", "/auth/tokens"), (401, 200, 200, 200, 200, 200, 200)),
    ("register a webhook", fixed("POST", "/webhooks", json=WEBHOOK_BODY), ADMIN_ONLY(201)),
    ("list webhooks", fixed("GET", "/webhooks"), ADMIN_ONLY(200)),
    ("remove a webhook", webhook_request("DELETE", ""), ADMIN_ONLY(204)),
    ("deliveries of a webhook", webhook_request("GET", "/deliveries"), ADMIN_ONLY(200)),
    ("test a webhook", webhook_request("POST", "/test"), ADMIN_ONLY(202)),
    ("revoke a personal token", revoke_personal_request, (401, 204, 204, 204, 204, 204, 204)),
    (
        "revoke a session token as personal",
        session_token_as_personal_request,
        (401, 404, 404, 404, 404, 404, 404),
    ),
    (
        "schedule of the open one",
        fixed("GET", "/consultations/{o}/schedule.json"),
        (401, 403, 403, 200, 403, 403, 200),
    ),
    (
        "schedule.xml of a draft",
        fixed("GET", "/consultations/{d}/schedule.xml"),
        (404, 404, 404, 200, 404, 404, 200),
    ),
    (
        "ballots.csv of the open one (only once closed, for everyone)",
        fixed("GET", "/consultations/{o}/ballots.csv"),
        (401, 403, 403, 403, 403, 403, 403),
    ),
    (
        "ballots.csv of a draft",
        fixed("GET", "/consultations/{d}/ballots.csv"),
        (404, 404, 404, 403, 404, 404, 403),
    ),
    (
        "open data of the open one",
        fixed("GET", "/consultations/{o}/open-data.zip"),
        (401, 403, 403, 403, 403, 403, 403),
    ),
    (
        "open data of a draft",
        fixed("GET", "/consultations/{d}/open-data.zip"),
        (404, 404, 404, 403, 404, 404, 403),
    ),
    (
        "method agreement of a draft",
        fixed("GET", "/consultations/{d}/ranking/agreement"),
        (404, 404, 404, 200, 404, 404, 200),
    ),
    ("list proposals", fixed("GET", "/consultations/{c}/proposals"), (200,) * 7),
    (
        "list a draft's proposals",
        fixed("GET", "/consultations/{d}/proposals"),
        (404, 404, 404, 200, 404, 404, 200),
    ),
    (
        "similar topics and proposals",
        fixed("GET", "/consultations/{c}/proposals/similar", params={"q": "access"}),
        (200,) * 7,
    ),
    ("propose a topic", propose_request, (401, 201, 201, 201, 201, 403, 201)),
    (
        "propose while open",
        fixed("POST", "/consultations/{o}/proposals", json={"title": "L", "description": "x"}),
        (401, 409, 409, 409, 409, 409, 409),
    ),
    ("edit one's own proposal", edit_own_proposal_request, (401, 200, 200, 200, 200, 403, 200)),
    ("edit another's proposal", edit_others_proposal_request, (401, 403, 403, 403, 403, 403, 403)),
    ("support a proposal", support_request, (401, 204, 204, 204, 204, 403, 204)),
    ("withdraw support", withdraw_support_request, (401, 204, 204, 204, 204, 404, 204)),
    ("accept a proposal", accept_request, (401, 403, 403, 201, 403, 403, 201)),
    ("reject a proposal", reject_request, (401, 403, 403, 200, 403, 403, 200)),
    ("merge a proposal into a topic", merge_request, (401, 403, 403, 200, 403, 403, 200)),
    (
        "open the call for topics of a draft",
        fixed("POST", "/consultations/{d}/proposals/open"),
        (404, 404, 404, 403, 404, 404, 200),
    ),
    (
        "open the call for topics of an open one",
        fixed("POST", "/consultations/{o}/proposals/open"),
        (401, 403, 403, 403, 403, 403, 409),
    ),
    (
        "method agreement while open",
        fixed("GET", "/consultations/{o}/ranking/agreement", params={"top": 1}),
        (401, 403, 403, 200, 403, 403, 200),
    ),
]


@pytest.mark.parametrize(("name", "prepare", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
async def test_permission_matrix(
    world: World, name: str, prepare: Prepare, expected: tuple[int, ...]
) -> None:
    got = []
    for caller in CALLERS:
        actor = world.actors[caller]
        method, path, kwargs = await prepare(world, actor)
        headers = actor.headers | kwargs.pop("headers", {})
        before = snapshot(world.app)
        response = await world.client.request(method, API + path, headers=headers, **kwargs)
        got.append(response.status_code)
        listed = documented_statuses(world.app, method, API + path)
        assert response.status_code in listed, (caller, response.status_code, sorted(listed))
        if response.status_code >= 400:
            assert response.headers["content-type"] == "application/problem+json"
            status = response.status_code
            assert_unchanged(
                world.app, before, method=method, path=path, status=status, context=caller
            )
        if response.status_code == 401:
            assert response.headers["www-authenticate"] == "Bearer"
    assert dict(zip(CALLERS, got, strict=True)) == dict(zip(CALLERS, expected, strict=True))


async def test_replace_ballot_with_a_known_topic_is_200_for_participants(world: World) -> None:
    body = {"ratings": [{"topic_id": world.open_topic, "score": 5}]}
    for caller in ("participant", "committee", "admin"):
        response = await world.client.put(
            f"{API}/consultations/{world.open}/ballot",
            json=body,
            headers=world.actors[caller].headers,
        )
        assert response.status_code == 200, (caller, response.text)


async def test_a_bad_token_is_401_even_on_public_reads(world: World) -> None:
    response = await world.client.get(
        f"{API}/consultations", headers={"Authorization": "Bearer not-a-token"}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


# Personal access tokens: each account with tokens of some scopes. "S" is 403 with the problem
# type insufficient-scope (the account may, the token may not); "F" a plain 403.
SCOPED = {
    "participant:ballot": ("participant", ("ballot",)),
    "participant:results": ("participant", ("results",)),
    "committee:committee": ("committee", ("committee",)),
    "committee:committee+results": ("committee", ("committee", "results")),
    "committee:ballot+results": ("committee", ("ballot", "results")),
    "admin:admin": ("admin", ("admin",)),
    "admin:results": ("admin", ("results",)),
    "admin:all": ("admin", ("ballot", "results", "committee", "admin")),
}
S, F = "S", "F"


@dataclass
class ScopedWorld:
    world: World
    closed: str  # closed, with `committee` seated
    tokens: dict[str, Actor]


@pytest.fixture
async def scoped(world: World) -> ScopedWorld:
    client, boss = world.client, world.actors["admin"]
    closed = str((await create_consultation(client, boss))["slug"])
    await add_topics(client, boss, closed, ["Access"])
    await seat(client, boss, closed, world.actors["committee"], "technical_community")
    await move(client, boss, closed, "open", "close")
    tokens = {}
    for name, (holder, scopes) in SCOPED.items():
        actor = world.actors[holder]
        created = await personal_token(client, actor, *scopes)
        tokens[name] = Actor(actor.email, created["token"], actor.id)
    return ScopedWorld(world, closed, tokens)


def scoped_fixed(method: str, path: str, **kwargs: Any) -> Callable[[ScopedWorld], Request]:
    def prepare(scoped: ScopedWorld) -> Request:
        w = scoped.world
        url = path.format(d=w.draft, o=w.open, c=scoped.closed, ot=w.open_topic, p=w.call)
        return method, url, dict(kwargs)

    return prepare


SCOPED_MATRIX: list[tuple[str, Callable[[ScopedWorld], Request], tuple[int | str, ...]]] = [
    ("read me", scoped_fixed("GET", "/me"), (200,) * 8),
    ("edit me", scoped_fixed("PATCH", "/me", json={"organization": "X"}), (S,) * 8),
    ("create a token", scoped_fixed("POST", "/auth/tokens", json=TOKEN_BODY), (S,) * 8),
    ("list tokens", scoped_fixed("GET", "/auth/tokens"), (S,) * 8),
    ("list webhooks", scoped_fixed("GET", "/webhooks"), (F, F, F, F, F, 200, S, 200)),
    (
        "register a webhook",
        scoped_fixed("POST", "/webhooks", json={"url": "ftp://x", "events": []}),
        (F, F, F, F, F, 422, S, 422),  # admitted, then refused for its body
    ),
    ("sign out (revoke itself)", scoped_fixed("DELETE", "/auth/token"), (204,) * 8),
    ("list consultations", scoped_fixed("GET", "/consultations"), (200,) * 8),
    ("read the open one", scoped_fixed("GET", "/consultations/{o}"), (200,) * 8),
    (
        "read draft",
        scoped_fixed("GET", "/consultations/{d}"),
        (404, 404, 200, 200, S, 200, S, 200),
    ),
    (
        "edit draft (admin)",
        scoped_fixed("PATCH", "/consultations/{d}", json={"agenda_size": 4}),
        (404, 404, F, F, S, 200, S, 200),
    ),
    (
        "create consultation",
        scoped_fixed("POST", "/consultations", json={"title": "N", "forum": "F", "edition": "1"}),
        (F, F, F, F, F, 422, S, 422),  # admitted, then refused for its missing slug
    ),
    (
        "add topic to draft",
        scoped_fixed("POST", "/consultations/{d}/topics", json={"title": ""}),
        (404, 404, 422, 422, S, 422, S, 422),  # admitted, then refused for the empty title
    ),
    (
        "seat on draft",
        scoped_fixed(
            "POST",
            "/consultations/{d}/committee",
            json={"name": "R", "stakeholder_group": "academia"},
        ),
        (404, 404, F, F, S, 422, S, 422),  # admitted, then refused: not a committee group
    ),
    (
        "read own ballot",
        scoped_fixed("GET", "/consultations/{o}/ballot"),
        (200, S, S, S, 200, S, S, 200),
    ),
    (
        "withdraw a rating",
        scoped_fixed("DELETE", "/consultations/{o}/ballot/{ot}"),
        (204, S, S, S, 204, S, S, 204),
    ),
    (
        "live ranking of the open one",
        scoped_fixed("GET", "/consultations/{o}/ranking"),
        (S, F, S, 200, S, S, S, 200),
    ),
    (
        "ranking of the closed one",
        scoped_fixed("GET", "/consultations/{c}/ranking"),
        (S, 200, S, 200, 200, S, 200, 200),
    ),
    (
        "ballots.csv of the closed one",
        scoped_fixed("GET", "/consultations/{c}/ballots.csv"),
        (S, 200, S, 200, 200, S, 200, 200),
    ),
    (
        "open data of the closed one",
        scoped_fixed("GET", "/consultations/{c}/open-data.zip"),
        (S, 200, S, 200, 200, S, 200, 200),
    ),
    (
        "propose a topic",
        scoped_fixed(
            "POST", "/consultations/{p}/proposals", json={"title": "T", "description": "Why."}
        ),
        (201, S, S, S, 201, S, S, 201),
    ),
    (
        "accept a proposal (none such: admitted, then 404)",
        scoped_fixed("POST", "/consultations/{p}/proposals/999999/accept"),
        (F, F, 404, 404, S, 404, S, 404),
    ),
    (
        "audit of the open one",
        scoped_fixed("GET", "/consultations/{o}/audit"),
        (F, F, 200, 200, S, 200, S, 200),
    ),
    (
        "schedule of the open one",
        scoped_fixed("GET", "/consultations/{o}/schedule.json"),
        (F, F, 200, 200, S, 200, S, 200),
    ),
]


@pytest.mark.parametrize(
    ("name", "prepare", "expected"), SCOPED_MATRIX, ids=[m[0] for m in SCOPED_MATRIX]
)
async def test_personal_tokens_act_only_within_their_scopes(
    scoped: ScopedWorld,
    name: str,
    prepare: Callable[[ScopedWorld], Request],
    expected: tuple[int | str, ...],
) -> None:
    got: dict[str, int | str] = {}
    for caller, actor in scoped.tokens.items():
        method, path, kwargs = prepare(scoped)
        response = await scoped.world.client.request(
            method, API + path, headers=actor.headers, **kwargs
        )
        got[caller] = response.status_code
        listed = documented_statuses(scoped.world.app, method, API + path)
        assert response.status_code in listed, (caller, response.status_code, sorted(listed))
        if response.status_code == 403:
            problem = response.json()
            insufficient = problem["type"] == "urn:consulta:problem:insufficient-scope"
            got[caller] = S if insufficient else F
            if insufficient:
                challenge = response.headers["www-authenticate"]
                assert challenge.startswith('Bearer error="insufficient_scope"')
                assert all(s in challenge for s in problem["required_scopes"])
    assert got == dict(zip(SCOPED, expected, strict=True))


async def test_drafts_are_listed_only_for_tokens_with_the_role(scoped: ScopedWorld) -> None:
    client, draft = scoped.world.client, scoped.world.draft
    seen = {}
    for caller, actor in scoped.tokens.items():
        response = await client.get(f"{API}/consultations?limit=500", headers=actor.headers)
        seen[caller] = draft in {c["slug"] for c in response.json()["items"]}
    assert seen == {
        "participant:ballot": False,
        "participant:results": False,
        "committee:committee": True,
        "committee:committee+results": True,
        "committee:ballot+results": False,
        "admin:admin": True,
        "admin:results": False,
        "admin:all": True,
    }
