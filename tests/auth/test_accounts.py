"""Registration, tokens, profile, and how secrets are kept."""

import hashlib
from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import select, update

from app.db import transaction, utcnow
from app.main import create_app
from app.models import AccessToken, Account
from tests.actors import API, PASSWORD, add_topics, admin, create_consultation, login, register
from tests.databases import Reader


async def test_registration_answers_the_account_without_secrets(
    client: httpx.AsyncClient, db: Reader
) -> None:
    response = await client.post(
        f"{API}/accounts",
        json={
            "email": "Ana.Perez@Example.ORG",
            "password": PASSWORD,
            "display_name": "  Ana Pérez ",
            "stakeholder_group": "civil_society",
            "country": "uy",
            "organization": "Sociedad Civil UY",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "ana.perez@example.org"
    assert body["display_name"] == "Ana Pérez"
    assert body["country"] == "UY"
    assert not {"password", "password_hash"} & body.keys()
    stored = db.scalar(select(Account.password_hash).where(Account.email == body["email"]))
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


async def test_tokens_are_stored_only_as_hashes(client: httpx.AsyncClient, db: Reader) -> None:
    voter = await register(client)
    assert voter.token is not None
    hashes = db.scalars(select(AccessToken.token_hash))
    assert hashlib.sha256(voter.token.encode()).hexdigest() in hashes
    assert voter.token not in hashes


async def test_wrong_password_and_unknown_email_get_the_same_answer(
    client: httpx.AsyncClient,
) -> None:
    voter = await register(client)
    wrong = await client.post(
        f"{API}/auth/token", data={"username": voter.email, "password": "not the password"}
    )
    unknown = await client.post(
        f"{API}/auth/token", data={"username": "ghost@example.org", "password": PASSWORD}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.headers["www-authenticate"] == "Bearer"
    assert wrong.json()["detail"] == unknown.json()["detail"]


async def test_the_token_expires_and_can_be_revoked(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    voter = await register(client)
    assert (await client.get(f"{API}/me", headers=voter.headers)).status_code == 200
    revoked = await client.delete(f"{API}/auth/token", headers=voter.headers)
    assert revoked.status_code == 204
    assert (await client.get(f"{API}/me", headers=voter.headers)).status_code == 401
    token = await login(client, voter.email)
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get(f"{API}/me", headers=headers)).status_code == 200
    with transaction(app.state.sessions, write=True) as session:
        session.execute(update(AccessToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    expired = await client.get(f"{API}/me", headers=headers)
    assert expired.status_code == 401
    assert expired.headers["www-authenticate"] == "Bearer"


async def test_token_answer_says_when_it_expires(client: httpx.AsyncClient) -> None:
    voter = await register(client)
    response = await client.post(
        f"{API}/auth/token", data={"username": voter.email, "password": PASSWORD}
    )
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_at"].endswith("Z") or body["expires_at"].endswith("+00:00")


async def test_me_lists_committee_seats(client: httpx.AsyncClient, app: FastAPI) -> None:
    boss = await admin(client, app)
    member = await register(client, group="government")
    slug = str((await create_consultation(client, boss))["slug"])
    seated = await client.post(
        f"{API}/consultations/{slug}/committee",
        json={"name": "Gov Rep", "stakeholder_group": "government", "email": member.email},
        headers=boss.headers,
    )
    me = (await client.get(f"{API}/me", headers=member.headers)).json()
    assert me["committee_seats"] == [
        {"consultation": slug, "member_id": seated.json()["id"], "stakeholder_group": "government"}
    ]


async def test_changing_the_password_needs_the_current_one(client: httpx.AsyncClient) -> None:
    voter = await register(client)
    refused = await client.patch(
        f"{API}/me", json={"password": "a brand new password"}, headers=voter.headers
    )
    assert refused.status_code == 422
    wrong = await client.patch(
        f"{API}/me",
        json={"password": "a brand new password", "current_password": "wrong"},
        headers=voter.headers,
    )
    assert wrong.status_code == 422
    changed = await client.patch(
        f"{API}/me",
        json={"password": "a brand new password", "current_password": PASSWORD},
        headers=voter.headers,
    )
    assert changed.status_code == 200
    assert await login(client, voter.email, "a brand new password")


async def test_hashes_are_upgraded_at_sign_in_when_the_cost_changes(
    client: httpx.AsyncClient, app: FastAPI, db: Reader
) -> None:
    voter = await register(client)
    old = db.scalar(select(Account.password_hash).where(Account.email == voter.email))
    settings = app.state.settings.model_copy(update={"argon2_time_cost": 2})
    stronger = create_app(settings)
    try:
        transport = httpx.ASGITransport(app=stronger)
        async with httpx.AsyncClient(transport=transport, base_url="http://s") as other:
            await login(other, voter.email)
    finally:
        stronger.state.engine.dispose()
    new = db.scalar(select(Account.password_hash).where(Account.email == voter.email))
    assert new != old
    assert "t=2" in new
    assert await login(client, voter.email)


async def test_a_closed_consultation_keeps_topics_readable(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    await add_topics(client, boss, slug, ["A"])
    response = await client.get(f"{API}/consultations/{slug}/topics", headers=boss.headers)
    assert [t["title"] for t in response.json()["items"]] == ["A"]
