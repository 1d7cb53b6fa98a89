"""The pages of the mailed links: confirm an email, ask for a new link, forget and reset a
password, register through a committee invitation."""

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.models import Account
from tests.actors import API, PASSWORD, admin, create_consultation, register, unique_email
from tests.databases import Reader
from tests.mail import latest_link, latest_token, mails
from tests.web.html import csrf, elements, sign_in, submit, text_of

pytestmark = pytest.mark.anyio


def path_of(link: str) -> str:
    return link.removeprefix("http://localhost:8000")


async def test_the_link_page_confirms_only_when_the_person_presses_the_button(
    client: httpx.AsyncClient, app: FastAPI, db: Reader
) -> None:
    person = await register(client, verified=False)
    link = path_of(latest_link(app.state.sessions, person.email, "/verify"))
    page = await client.get(link)  # what a mail scanner would do
    assert page.status_code == 200
    assert db.scalar(select(Account.email_verified).where(Account.id == person.id)) is False
    token = elements(page.text, "input", name="token")[0].attrs["value"]
    confirmed = await client.post("/verify", data={"token": token, "csrf_token": csrf(page.text)})
    assert confirmed.status_code == 303
    assert confirmed.headers["location"] == "/verify?done=1"
    done = await client.get(confirmed.headers["location"])
    assert "Your email address is confirmed" in text_of(done.text, "p", id="verified")
    assert db.scalar(select(Account.email_verified).where(Account.id == person.id)) is True
    again = await client.post("/verify", data={"token": token, "csrf_token": csrf(page.text)})
    assert again.status_code == 422
    assert "unknown, already used or expired" in again.text


async def test_an_unverified_person_is_told_what_to_do_and_can_get_a_new_link(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    person = await register(client, verified=False)
    await sign_in(client, person.email, PASSWORD)
    home = await client.get("/")
    banner = text_of(home.text, "div", id="unverified")
    assert person.email in banner
    assert "Confirm your email address" in banner
    before = len(mails(app.state.sessions, person.email))
    resent = await client.post("/verify/resend", data={"csrf_token": csrf(home.text)})
    assert resent.status_code == 303
    assert resent.headers["location"] == "/verify?sent=1"
    assert len(mails(app.state.sessions, person.email)) == before + 1
    await client.post(
        f"{API}/accounts/verify",
        json={"token": latest_token(app.state.sessions, person.email, "/verify")},
    )
    assert not elements((await client.get("/")).text, "div", id="unverified")


async def test_a_verified_person_sees_no_notice(client: httpx.AsyncClient) -> None:
    person = await register(client)
    await sign_in(client, person.email, PASSWORD)
    assert not elements((await client.get("/")).text, "div", id="unverified")


async def test_forgot_password_says_the_same_for_any_address(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    person = await register(client)
    login_page = await client.get("/login")
    assert elements(login_page.text, "a", href="/forgot-password")
    known = await submit(client, "/forgot-password", "/forgot-password", {"email": person.email})
    unknown = await submit(
        client, "/forgot-password", "/forgot-password", {"email": unique_email("ghost")}
    )
    assert known.status_code == unknown.status_code == 303
    assert known.headers["location"] == unknown.headers["location"] == "/forgot-password?sent=1"
    assert latest_token(app.state.sessions, person.email, "/reset-password")
    bad = await submit(client, "/forgot-password", "/forgot-password", {"email": "nope"})
    assert bad.status_code == 422
    assert text_of(bad.text, "ul", id="email-error")


async def test_the_reset_page_sets_a_new_password_and_signs_out_everywhere(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    person = await register(client)
    await sign_in(client, person.email, PASSWORD)
    await client.post(f"{API}/auth/password-reset", json={"email": person.email})
    link = path_of(latest_link(app.state.sessions, person.email, "/reset-password"))
    page = await client.get(link)
    token = elements(page.text, "input", name="token")[0].attrs["value"]
    weak = await client.post(
        "/reset-password",
        data={"token": token, "password": person.email, "csrf_token": csrf(page.text)},
    )
    assert weak.status_code == 422
    assert "must not be your email" in text_of(weak.text, "ul", id="password-error")
    done = await client.post(
        "/reset-password",
        data={"token": token, "password": "my new password", "csrf_token": csrf(page.text)},
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/login?reset=1"
    assert (await client.get(f"{API}/me", headers=person.headers)).status_code == 401
    notice = await client.get("/login?reset=1")
    assert "Sign in with the new password" in text_of(notice.text, "p", id="reset-done")
    again = await client.post(
        "/reset-password",
        data={"token": token, "password": "another password", "csrf_token": csrf(notice.text)},
    )
    assert again.status_code == 422
    assert elements(again.text, "a", href="/forgot-password")


async def test_registering_through_an_invitation_takes_the_seat(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss, title="LACIGF 2031"))["slug"])
    email = unique_email("invitee")
    await client.post(
        f"{API}/consultations/{slug}/committee",
        json={"name": "Rosa", "stakeholder_group": "government", "email": email},
        headers=boss.headers,
    )
    link = path_of(latest_link(app.state.sessions, email, "/register"))
    page = await client.get(link)
    assert "LACIGF 2031" in text_of(page.text, "p", id="invited")
    assert elements(page.text, "input", id="email")[0].attrs["value"] == email
    invitation = elements(page.text, "input", name="invitation")[0].attrs["value"]
    form = {
        "email": email,
        "password": PASSWORD,
        "display_name": "Rosa",
        "stakeholder_group": "government",
        "country": "CR",
        "organization": "",
        "next": f"/c/{slug}",
        "invitation": invitation,
        "csrf_token": csrf(page.text),
    }
    created = await client.post("/register", data=form)
    assert created.status_code == 303
    workspace = await client.get(f"/c/{slug}/committee")
    assert workspace.status_code == 200
    assert not elements(workspace.text, "div", id="unverified")


async def test_an_unknown_invitation_still_lets_people_register(client: httpx.AsyncClient) -> None:
    page = await client.get("/register?invitation=made-up")
    assert page.status_code == 200
    assert text_of(page.text, "p", id="invitation-unknown")
    assert not elements(page.text, "input", name="invitation")


@pytest.mark.parametrize("action", ["/verify", "/verify/resend", "/forgot-password"])
async def test_the_new_forms_refuse_a_post_without_the_csrf_token(
    client: httpx.AsyncClient, action: str
) -> None:
    await client.get("/login")
    response = await client.post(action, data={"email": "a@example.org", "token": "x"})
    assert response.status_code == 403


async def test_the_reset_page_refuses_a_post_without_the_csrf_token(
    client: httpx.AsyncClient,
) -> None:
    await client.get("/login")
    response = await client.post("/reset-password", data={"token": "x", "password": "y" * 12})
    assert response.status_code == 403
