"""The first administrator, from the one-time link that `consulta serve` prints."""

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.auth import service as accounts
from app.db import transaction
from app.models import Account, SetupToken
from tests.actors import PASSWORD
from tests.databases import Reader
from tests.snapshots import snapshot
from tests.web.html import csrf, elements, text_of

pytestmark = pytest.mark.anyio


def issue(app: FastAPI) -> str:
    with transaction(app.state.sessions, write=True) as session:
        return accounts.issue_setup_token(session)


async def test_the_setup_link_creates_the_first_administrator_once(
    client: httpx.AsyncClient, app: FastAPI, db: Reader
) -> None:
    token = issue(app)
    assert db.scalar(select(SetupToken.token_hash)) != token  # only its hash is stored
    page = await client.get(f"/setup?token={token}")
    assert page.status_code == 200
    form = {"csrf_token": csrf(page.text), "token": token, "email": "Boss@Example.org"}
    form |= {"display_name": "Secretariat"}

    before = snapshot(app)
    short = await client.post("/setup", data=form | {"password": "short"})
    assert short.status_code == 422
    assert "at least 10" in text_of(short.text, "ul", id="password-error")
    assert snapshot(app) == before

    made = await client.post("/setup", data=form | {"password": PASSWORD})
    assert made.status_code == 303
    assert made.headers["location"] == "/consultations/new"
    landing = await client.get("/consultations/new")
    assert landing.status_code == 200  # signed in as the new administrator
    assert "administrator account is ready" in text_of(landing.text, "p", id="flash")
    admin = db.scalar(select(Account).where(Account.email == "boss@example.org"))
    assert admin is not None
    assert admin.is_admin

    again = await client.get(f"/setup?token={token}")
    assert again.status_code == 404
    assert elements(again.text, "p", id="setup-spent")
    form["csrf_token"] = csrf(landing.text)  # signing in changed it
    reused = await client.post(
        "/setup", data=form | {"email": "other@example.org", "password": PASSWORD}
    )
    assert reused.status_code == 404
    assert db.scalar(select(Account).where(Account.email == "other@example.org")) is None


async def test_a_wrong_or_replaced_setup_token_is_refused(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    first = issue(app)
    issue(app)  # a restart prints a new link; the old one stops working
    assert (await client.get(f"/setup?token={first}")).status_code == 404
    assert (await client.get("/setup?token=guess")).status_code == 404
    assert (await client.get("/setup")).status_code == 404
