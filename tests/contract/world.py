"""A world that lives for a whole test module: its own database (a copy of the seeded template),
the real app, and data in every state for the fuzzers to reach.

Built synchronously (hypothesis and schemathesis drive the app from plain functions): an
httpx.AsyncClient over ASGI, called through one anyio blocking portal (an event loop in a thread)
that lives as long as the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from itertools import count
from typing import Any

import httpx
from anyio.from_thread import BlockingPortal, start_blocking_portal
from fastapi import FastAPI
from sqlalchemy import select

from app.auth import service as accounts
from app.auth.models import Account
from app.auth.schemas import AdminCreate
from app.db import transaction
from app.main import create_app
from tests.actors import API, PASSWORD
from tests.databases import Databases, settings_for
from tests.mail import latest_token

ROLES = ("admin", "committee", "participant")
SEEDED = "lacigf-2017"
_serial = count(1)


class SyncClient:
    """The test suite's httpx.AsyncClient over ASGI, driven from synchronous code."""

    def __init__(self, app: FastAPI, portal: BlockingPortal) -> None:
        self.portal = portal
        self.app = app
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        self.client = httpx.AsyncClient(transport=transport, base_url="http://consulta.test")

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.portal.call(partial(self.client.request, method, url, **kwargs))

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self.portal.call(self.client.aclose)


@dataclass
class World:
    app: FastAPI
    client: SyncClient
    tokens: dict[str, str]  # role -> bearer token
    emails: dict[str, str]  # role -> email
    draft: str
    open: str
    closed: str
    slugs: list[str] = field(default_factory=list)
    topic_ids: list[int] = field(default_factory=list)  # topics of draft, open and closed
    open_topics: list[int] = field(default_factory=list)
    draft_topics: list[int] = field(default_factory=list)
    member_ids: list[int] = field(default_factory=list)  # record-only seats
    topics_by_slug: list[tuple[str, int]] = field(default_factory=list)
    members_by_slug: list[tuple[str, int]] = field(default_factory=list)
    session_ids: list[int] = field(default_factory=list)
    call_slug: str = "fuzz-call"  # in its call for topics, with proposals
    proposals_by_slug: list[tuple[str, int]] = field(default_factory=list)

    def headers(self, role: str) -> dict[str, str]:
        token = self.tokens.get(role)
        return {"Authorization": f"Bearer {token}"} if token else {}

    def fresh_token(self, role: str) -> str:
        """A new token for the role's account (for calls that revoke the token they present)."""
        with transaction(self.app.state.sessions, write=True) as session:
            account = session.scalars(
                select(Account).where(Account.email == self.emails[role])
            ).one()
            token, _ = accounts.issue_token(session, account=account, lifetime=timedelta(hours=1))
        return token

    def call(self, method: str, path: str, role: str = "admin", **kwargs: Any) -> Any:
        response = self.client.request(method, API + path, headers=self.headers(role), **kwargs)
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response.json() if response.content else None


def _login(client: SyncClient, email: str) -> str:
    response = client.post(f"{API}/auth/token", data={"username": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def _register(client: SyncClient, prefix: str, group: str) -> tuple[str, str]:
    email = f"{prefix}{next(_serial)}@example.org"
    response = client.post(
        f"{API}/accounts",
        json={
            "email": email,
            "password": PASSWORD,
            "display_name": prefix.title(),
            "stakeholder_group": group,
            "country": "PA",
        },
    )
    assert response.status_code == 201, response.text
    token = latest_token(client.app.state.sessions, email, "/verify")
    verified = client.post(f"{API}/accounts/verify", json={"token": token})
    assert verified.status_code == 200, verified.text
    return email, _login(client, email)


def _build(app: FastAPI, client: SyncClient) -> World:
    admin_email = f"admin{next(_serial)}@example.org"
    with transaction(app.state.sessions, write=True) as session:
        accounts.create(
            session,
            data=AdminCreate(email=admin_email, password=PASSWORD),
            hasher=app.state.hasher,
        )
    committee_email, committee_token = _register(client, "committee", "technical_community")
    participant_email, participant_token = _register(client, "participant", "civil_society")
    voter_email, voter_token = _register(client, "voter", "government")
    world = World(
        app=app,
        client=client,
        tokens={
            "admin": _login(client, admin_email),
            "committee": committee_token,
            "participant": participant_token,
            "voter": voter_token,
        },
        emails={
            "admin": admin_email,
            "committee": committee_email,
            "participant": participant_email,
            "voter": voter_email,
        },
        draft="fuzz-draft",
        open="fuzz-open",
        closed="fuzz-closed",
    )
    world.slugs = [world.draft, world.open, world.closed, SEEDED]
    for slug in (world.draft, world.open, world.closed):
        world.call(
            "POST",
            "/consultations",
            json={
                "slug": slug,
                "title": f"Forum {slug}",
                "forum": "Fuzz",
                "edition": slug,
                "starts_on": "2030-08-02",
                "ends_on": "2030-08-04",
                "agenda_size": 2,
                "min_group_size": 1,
            },
        )
        ids = [
            world.call("POST", f"/consultations/{slug}/topics", json={"title": title})["id"]
            for title in ("Access", "Rights", "Security")
        ]
        world.topic_ids += ids
        world.topics_by_slug += [(slug, t) for t in ids]
        if slug == world.draft:
            world.draft_topics = ids
        if slug == world.open:
            world.open_topics = ids
        world.call(
            "POST",
            f"/consultations/{slug}/committee",
            json={
                "name": "Committee Member",
                "stakeholder_group": "technical_community",
                "email": committee_email,
            },
        )
        record = world.call(
            "POST",
            f"/consultations/{slug}/committee",
            json={"name": "Record Only", "stakeholder_group": "government", "country": "UY"},
        )
        world.member_ids.append(record["id"])
        world.members_by_slug.append((slug, record["id"]))
    for slug in (world.open, world.closed):
        world.call("POST", f"/consultations/{slug}/open")
    for role, scores in (("participant", (5, 3, 1)), ("voter", (4, 4, 2))):
        for slug in (world.open, world.closed):
            topics = [t["id"] for t in world.call("GET", f"/consultations/{slug}/topics")["items"]]
            ratings = [{"topic_id": t, "score": s} for t, s in zip(topics, scores, strict=True)]
            world.call("PUT", f"/consultations/{slug}/ballot", role, json={"ratings": ratings})
    world.call("POST", f"/consultations/{world.closed}/close")
    made = world.call("POST", f"/consultations/{world.closed}/agenda/from-ranking", json={"top": 2})
    world.session_ids = [s["id"] for s in made["items"]]
    _call_for_topics(world, committee_email)
    return world


def _call_for_topics(world: World, committee_email: str) -> None:
    """A consultation in its call for topics, with a topic and proposals to decide."""
    slug = world.call_slug
    world.call(
        "POST",
        "/consultations",
        json={"slug": slug, "title": "Call", "forum": "Fuzz", "edition": slug},
    )
    topic = world.call("POST", f"/consultations/{slug}/topics", json={"title": "Access"})["id"]
    world.topics_by_slug.append((slug, topic))
    world.call(
        "POST",
        f"/consultations/{slug}/committee",
        json={
            "name": "Member",
            "stakeholder_group": "technical_community",
            "email": committee_email,
        },
    )
    world.call("POST", f"/consultations/{slug}/proposals/open")
    for role in ("participant", "voter", "admin"):
        for n in range(3):
            body = {"title": f"Proposal {role} {n}", "description": "Why it matters."}
            made = world.call("POST", f"/consultations/{slug}/proposals", role, json=body)
            world.proposals_by_slug.append((slug, made["id"]))
    world.slugs.append(slug)


@contextmanager
def world_on_fresh_database(databases: Databases) -> Iterator[World]:
    url, handle = databases.fresh()
    app = create_app(settings_for(url))
    try:
        with start_blocking_portal() as portal:
            client = SyncClient(app, portal)
            try:
                yield _build(app, client)
            finally:
                client.close()
    finally:
        app.state.engine.dispose()
        databases.drop(handle)
