"""The people in the tests: accounts made over the API (or, for admins, by the service) and
signed in with real tokens."""

from dataclasses import dataclass, field
from itertools import count

import httpx
from fastapi import FastAPI

from app.auth import service as accounts
from app.auth.schemas import AdminCreate
from app.db import transaction
from tests.mail import app_of, latest_token

API = "/api/v1"
PASSWORD = "correct horse battery"
_serial = count(1)


@dataclass
class Actor:
    email: str
    token: str | None
    id: int | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.token:
            self.headers = {"Authorization": f"Bearer {self.token}"}


ANONYMOUS = Actor(email="", token=None)


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}{next(_serial)}@example.org"


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> str:
    response = await client.post(
        f"{API}/auth/token", data={"username": email, "password": password}
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def verify_email(client: httpx.AsyncClient, email: str) -> None:
    """Confirms `email` the way a person does: the link of the mail it was sent, then
    POST /accounts/verify with its token."""
    token = latest_token(app_of(client).state.sessions, email, "/verify")
    response = await client.post(f"{API}/accounts/verify", json={"token": token})
    assert response.status_code == 200, response.text
    assert response.json()["email_verified"] is True


async def register(
    client: httpx.AsyncClient,
    email: str | None = None,
    *,
    group: str = "civil_society",
    country: str = "PA",
    password: str = PASSWORD,
    verified: bool = True,
) -> Actor:
    """A participant registered over the API and signed in; with `verified`, their email is
    confirmed from the mailed link."""
    email = email or unique_email()
    response = await client.post(
        f"{API}/accounts",
        json={
            "email": email,
            "password": password,
            "display_name": email.split("@")[0],
            "stakeholder_group": group,
            "country": country,
        },
    )
    assert response.status_code == 201, response.text
    if verified:
        await verify_email(client, email)
    return Actor(email, await login(client, email, password), response.json()["id"])


async def admin(client: httpx.AsyncClient, app: FastAPI) -> Actor:
    email = unique_email("admin")
    with transaction(app.state.sessions, write=True) as session:
        account = accounts.create(
            session, data=AdminCreate(email=email, password=PASSWORD), hasher=app.state.hasher
        )
        account_id = account.id
    return Actor(email, await login(client, email), account_id)


async def create_consultation(
    client: httpx.AsyncClient, by: Actor, slug: str | None = None, **fields: object
) -> dict[str, object]:
    body = {
        "slug": slug or f"forum-{next(_serial)}",
        "title": "Forum",
        "forum": "F",
        "edition": "1",
    }
    response = await client.post(f"{API}/consultations", json=body | fields, headers=by.headers)
    assert response.status_code == 201, response.text
    result: dict[str, object] = response.json()
    return result


async def add_topics(
    client: httpx.AsyncClient, by: Actor, slug: str, titles: list[str]
) -> list[int]:
    ids = []
    for title in titles:
        response = await client.post(
            f"{API}/consultations/{slug}/topics", json={"title": title}, headers=by.headers
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


async def move(client: httpx.AsyncClient, by: Actor, slug: str, *moves: str) -> None:
    for step in moves:
        response = await client.post(f"{API}/consultations/{slug}/{step}", headers=by.headers)
        assert response.status_code == 200, response.text
