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
from tests.snapshots import assert_unchanged, snapshot

CALLERS = ("anonymous", "participant", "other_participant", "committee", "other_committee", "admin")


@dataclass
class World:
    app: FastAPI
    client: httpx.AsyncClient
    actors: dict[str, Actor]
    draft: str  # a draft consultation; `committee` sits on it
    open: str  # an open consultation; `committee` sits on it too
    draft_topic: int
    open_topic: int


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
    return World(app, client, actors, draft, opened, draft_topic, open_topic)


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
            path.format(d=world.draft, o=world.open, dt=world.draft_topic, ot=world.open_topic),
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


A, P, P2, C, C2, ADM = range(6)
# Expected statuses in the order of CALLERS.
MATRIX: list[tuple[str, Prepare, tuple[int, ...]]] = [
    ("register", register_request, (201, 201, 201, 201, 201, 201)),
    ("sign in", token_request, (401, 200, 200, 200, 200, 200)),
    ("sign out", revoke_request, (401, 204, 204, 204, 204, 204)),
    ("read me", fixed("GET", "/me"), (401, 200, 200, 200, 200, 200)),
    ("edit me", fixed("PATCH", "/me", json={"organization": "X"}), (401, 200, 200, 200, 200, 200)),
    ("list consultations", fixed("GET", "/consultations"), (200,) * 6),
    ("create consultation", create_request, (401, 403, 403, 403, 403, 201)),
    ("read draft", fixed("GET", "/consultations/{d}"), (404, 404, 404, 200, 404, 200)),
    ("read open", fixed("GET", "/consultations/{o}"), (200,) * 6),
    (
        "edit draft",
        fixed("PATCH", "/consultations/{d}", json={"agenda_size": 4}),
        (404, 404, 404, 403, 404, 200),
    ),
    (
        "edit open rules",
        fixed("PATCH", "/consultations/{o}", json={"scale_max": 7}),
        (401, 403, 403, 403, 403, 409),
    ),
    (
        "edit open description",
        fixed("PATCH", "/consultations/{o}", json={"description": "Now with dates"}),
        (401, 403, 403, 403, 403, 200),
    ),
    ("open draft", fixed("POST", "/consultations/{d}/open"), (404, 404, 404, 403, 404, 200)),
    ("reopen open", fixed("POST", "/consultations/{o}/reopen"), (401, 403, 403, 403, 403, 409)),
    ("close open", fixed("POST", "/consultations/{o}/close"), (401, 403, 403, 403, 403, 200)),
    (
        "list draft topics",
        fixed("GET", "/consultations/{d}/topics"),
        (404, 404, 404, 200, 404, 200),
    ),
    ("list open topics", fixed("GET", "/consultations/{o}/topics"), (200,) * 6),
    (
        "shuffled topics",
        fixed("GET", "/consultations/{o}/topics", params={"order": "shuffled"}),
        (401, 200, 200, 200, 200, 200),
    ),
    ("add topic to draft", add_topic_request, (404, 404, 404, 201, 404, 201)),
    (
        "add topic to open",
        fixed("POST", "/consultations/{o}/topics", json={"title": "Late"}),
        (401, 403, 403, 409, 403, 409),
    ),
    ("edit draft topic", edit_topic_request, (404, 404, 404, 200, 404, 200)),
    (
        "edit open topic",
        fixed("PATCH", "/consultations/{o}/topics/{ot}", json={"title": "Changed"}),
        (401, 403, 403, 409, 403, 409),
    ),
    ("delete draft topic", delete_topic_request, (404, 404, 404, 204, 404, 204)),
    (
        "delete open topic",
        fixed("DELETE", "/consultations/{o}/topics/{ot}"),
        (401, 403, 403, 409, 403, 409),
    ),
    ("read ballot", fixed("GET", "/consultations/{o}/ballot"), (401, 200, 200, 200, 200, 200)),
    (
        "replace ballot",
        fixed("PUT", "/consultations/{o}/ballot", json={"ratings": [{"topic_id": 0, "score": 3}]}),
        (401, 422, 422, 422, 422, 422),
    ),
    (
        "rate a topic",
        fixed("PUT", "/consultations/{o}/ballot/{ot}", json={"score": 4}),
        (401, 200, 200, 200, 200, 200),
    ),
    (
        "withdraw a rating",
        fixed("DELETE", "/consultations/{o}/ballot/{ot}"),
        (401, 204, 204, 204, 204, 204),
    ),
    (
        "rate a draft topic",
        fixed("PUT", "/consultations/{d}/ballot/{dt}", json={"score": 4}),
        (404, 404, 404, 409, 404, 409),
    ),
    (
        "read draft ballot",
        fixed("GET", "/consultations/{d}/ballot"),
        (404, 404, 404, 200, 404, 200),
    ),
    (
        "seat on draft",
        fixed(
            "POST",
            "/consultations/{d}/committee",
            json={"name": "Record only", "stakeholder_group": "civil_society"},
        ),
        (404, 404, 404, 403, 404, 201),
    ),
    (
        "read draft committee",
        fixed("GET", "/consultations/{d}/committee"),
        (404, 404, 404, 200, 404, 200),
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
