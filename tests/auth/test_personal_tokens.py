"""Personal access tokens: made, listed and revoked by their holder, shown once, stored as a
hash, expiring, and never able to manage the account or mint wider tokens."""

import hashlib
from datetime import datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from app.db import transaction, utcnow
from app.models import AccessToken, AuditEntry
from tests.actors import API, Actor, register
from tests.databases import Reader

BODY = {"name": "Forum website", "scopes": ["results", "ballot"], "expires_in_days": 30}


async def make(client: httpx.AsyncClient, holder: Actor, **changes: object) -> httpx.Response:
    return await client.post(f"{API}/auth/tokens", json=BODY | changes, headers=holder.headers)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_token_is_shown_once_and_stored_as_its_hash(
    client: httpx.AsyncClient, db: Reader
) -> None:
    holder = await register(client)
    response = await make(client, holder)
    assert response.status_code == 201, response.text
    created = response.json()
    assert set(created) >= {"id", "name", "scopes", "expires_at", "token"}
    assert created["name"] == "Forum website"
    assert created["scopes"] == ["ballot", "results"]
    expires = datetime.fromisoformat(created["expires_at"])
    assert abs(expires - (utcnow() + timedelta(days=30))) < timedelta(minutes=1)
    row = db.scalar(select(AccessToken).where(AccessToken.id == created["id"]))
    assert row.token_hash == hashlib.sha256(created["token"].encode()).hexdigest()
    assert created["token"] not in repr([getattr(row, c.key) for c in AccessToken.__table__.c])
    listed = (await client.get(f"{API}/auth/tokens", headers=holder.headers)).json()
    assert listed["total"] == 1
    assert "token" not in listed["items"][0]
    assert {k: listed["items"][0][k] for k in ("id", "name", "scopes", "expires_at")} == {
        k: created[k] for k in ("id", "name", "scopes", "expires_at")
    }
    me = await client.get(f"{API}/me", headers=bearer(created["token"]))
    assert me.status_code == 200
    assert me.json()["email"] == holder.email
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.actor == holder.email))
    assert "token.create" in actions


async def test_each_holder_lists_and_revokes_only_their_own(
    client: httpx.AsyncClient, db: Reader
) -> None:
    ana, ben = await register(client), await register(client)
    first = (await make(client, ana, name="First")).json()
    second = (await make(client, ana, name="Second")).json()
    bens = (await make(client, ben, name="Ben's")).json()
    listed = (await client.get(f"{API}/auth/tokens", headers=ana.headers)).json()
    assert [t["name"] for t in listed["items"]] == ["Second", "First"]  # newest first
    assert (
        await client.delete(f"{API}/auth/tokens/{bens['id']}", headers=ana.headers)
    ).status_code == 404
    assert (await client.get(f"{API}/me", headers=bearer(bens["token"]))).status_code == 200
    revoked = await client.delete(f"{API}/auth/tokens/{first['id']}", headers=ana.headers)
    assert revoked.status_code == 204
    gone = await client.get(f"{API}/me", headers=bearer(first["token"]))
    assert gone.status_code == 401
    assert gone.headers["www-authenticate"] == "Bearer"
    assert (await client.get(f"{API}/me", headers=bearer(second["token"]))).status_code == 200
    again = await client.delete(f"{API}/auth/tokens/{first['id']}", headers=ana.headers)
    assert again.status_code == 404
    listed = (await client.get(f"{API}/auth/tokens", headers=ana.headers)).json()
    assert [t["id"] for t in listed["items"]] == [second["id"]]
    assert "token.revoke" in db.scalars(select(AuditEntry.action))


async def test_an_expired_token_is_401_and_no_longer_listed(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    holder = await register(client)
    created = (await make(client, holder, expires_in_days=1)).json()
    with transaction(app.state.sessions, write=True) as session:
        session.execute(
            update(AccessToken)
            .where(AccessToken.id == created["id"])
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert (await client.get(f"{API}/me", headers=bearer(created["token"]))).status_code == 401
    listed = (await client.get(f"{API}/auth/tokens", headers=holder.headers)).json()
    assert listed == {"items": [], "total": 0}


async def test_a_personal_token_can_neither_mint_tokens_nor_manage_the_account(
    client: httpx.AsyncClient,
) -> None:
    holder = await register(client)
    every = ["ballot", "results", "committee", "admin"]
    token = bearer((await make(client, holder, scopes=every)).json()["token"])
    for method, path, body in [
        ("POST", "/auth/tokens", BODY),
        ("GET", "/auth/tokens", None),
        ("DELETE", "/auth/tokens/1", None),
        ("PATCH", "/me", {"password": "a new password!", "current_password": "x"}),
    ]:
        response = await client.request(method, API + path, json=body, headers=token)
        assert response.status_code == 403, (method, path)
        assert response.json()["type"] == "urn:consulta:problem:insufficient-scope"
    # Revoking itself is always allowed.
    assert (await client.delete(f"{API}/auth/token", headers=token)).status_code == 204
    assert (await client.get(f"{API}/me", headers=token)).status_code == 401


async def test_a_personal_token_is_no_web_session(client: httpx.AsyncClient) -> None:
    holder = await register(client)
    created = (await make(client, holder, scopes=["results"])).json()
    client.cookies.set("consulta_session", created["token"])
    page = await client.get("/")
    assert page.status_code == 200
    assert "Sign in" in page.text  # anonymous: the cookie is not a session
    client.cookies.set("consulta_session", holder.token or "")
    assert "Sign out" in (await client.get("/")).text


@pytest.mark.parametrize(
    "changes",
    [
        {"expires_in_days": 0},
        {"expires_in_days": 366},
        {"expires_in_days": 1.5},
        {"expires_in_days": None},
        {"scopes": []},
        {"scopes": ["write"]},
        {"scopes": ["ballot", "ballot"]},
        {"scopes": "ballot"},
        {"name": ""},
        {"name": "   "},
        {"name": "a\nb"},
        {"name": "x" * 101},
        {"extra": 1},
    ],
    ids=repr,
)
async def test_bad_token_requests_are_422_and_make_nothing(
    client: httpx.AsyncClient, db: Reader, changes: dict[str, object]
) -> None:
    holder = await register(client)
    response = await make(client, holder, **changes)
    assert response.status_code == 422, response.text
    assert response.json()["errors"]
    assert db.scalar(select(AccessToken.id).where(AccessToken.name.is_not(None))) is None
