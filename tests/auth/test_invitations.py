"""Committee seats by email: linked at once to a verified account, otherwise an invitation
mailed to the address, linked when that address is verified. Unverified accounts hold no
committee powers."""

from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import select, update

from app.db import transaction, utcnow
from app.models import Seat
from tests.actors import (
    API,
    PASSWORD,
    Actor,
    admin,
    create_consultation,
    login,
    register,
    unique_email,
    verify_email,
)
from tests.mail import PUBLIC_URL, latest_link, mails, query_value


async def draft(client: httpx.AsyncClient, app: FastAPI) -> tuple[Actor, str]:
    boss = await admin(client, app)
    return boss, str((await create_consultation(client, boss))["slug"])


async def seat(
    client: httpx.AsyncClient, boss: Actor, slug: str, email: str, **extra: str
) -> httpx.Response:
    body = {"name": "Rosa Díaz", "stakeholder_group": "government", "email": email} | extra
    return await client.post(
        f"{API}/consultations/{slug}/committee", json=body, headers=boss.headers
    )


async def sees(client: httpx.AsyncClient, slug: str, who: Actor) -> int:
    return (await client.get(f"{API}/consultations/{slug}", headers=who.headers)).status_code


async def test_a_verified_account_is_linked_at_once(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug = await draft(client, app)
    member = await register(client)
    seated = await seat(client, boss, slug, member.email.upper())
    assert seated.status_code == 201
    assert (seated.json()["linked"], seated.json()["invited"]) == (True, False)
    assert await sees(client, slug, member) == 200
    assert mails(app.state.sessions, member.email)[-1]["template"] == "verify"  # no invitation


async def test_an_unknown_email_is_invited_by_mail(client: httpx.AsyncClient, app: FastAPI) -> None:
    boss, slug = await draft(client, app)
    email = unique_email("invitee")
    seated = await seat(client, boss, slug, email, language="es")
    assert seated.status_code == 201
    assert (seated.json()["linked"], seated.json()["invited"]) == (False, True)
    [mail] = mails(app.state.sessions, email)
    assert mail["lang"] == "es"
    assert mail["subject"] == "Está invitado a un comité de programa"
    link = latest_link(app.state.sessions, email, "/register")
    assert link.startswith(f"{PUBLIC_URL}/register?invitation=")
    committee = await client.get(f"{API}/consultations/{slug}/committee", headers=boss.headers)
    assert email not in committee.text  # the invited address is not published


async def test_registering_through_the_invitation_verifies_and_links(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug = await draft(client, app)
    email = unique_email("invitee")
    await seat(client, boss, slug, email)
    invitation = query_value(latest_link(app.state.sessions, email, "/register"), "invitation")
    body = {
        "email": email,
        "password": PASSWORD,
        "display_name": "Rosa",
        "stakeholder_group": "government",
        "country": "CR",
        "invitation": invitation,
    }
    created = await client.post(f"{API}/accounts", json=body)
    assert created.status_code == 201
    assert created.json()["email_verified"] is True
    member = Actor(email, await login(client, email))
    assert await sees(client, slug, member) == 200
    assert [m["template"] for m in mails(app.state.sessions, email)] == ["invitation"]
    again = await client.post(f"{API}/accounts", json=body | {"email": unique_email()})
    assert again.status_code == 422  # the invitation was used


async def test_an_unverified_account_holds_no_powers_until_it_verifies(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug = await draft(client, app)
    person = await register(client, verified=False)
    seated = await seat(client, boss, slug, person.email)
    assert seated.json()["invited"] is True
    assert await sees(client, slug, person) == 404
    listed = await client.get(f"{API}/consultations", headers=person.headers)
    assert slug not in {c["slug"] for c in listed.json()["items"]}
    await verify_email(client, person.email)
    assert await sees(client, slug, person) == 200
    me = (await client.get(f"{API}/me", headers=person.headers)).json()
    assert [s["consultation"] for s in me["committee_seats"]] == [slug]
    topic = await client.post(
        f"{API}/consultations/{slug}/topics", json={"title": "Access"}, headers=person.headers
    )
    assert topic.status_code == 201


async def test_an_invitation_expires_after_14_days(client: httpx.AsyncClient, app: FastAPI) -> None:
    boss, slug = await draft(client, app)
    email = unique_email("late")
    await seat(client, boss, slug, email)
    with transaction(app.state.sessions, write=True) as session:
        seat_row = session.scalars(select(Seat).where(Seat.invited_email == email)).one()
        delta = seat_row.invitation_expires_at - seat_row.created_at
        assert timedelta(days=14) - delta < timedelta(seconds=5)
        session.execute(update(Seat).values(invitation_expires_at=utcnow()))
    invitation = query_value(latest_link(app.state.sessions, email, "/register"), "invitation")
    body = {
        "email": email,
        "password": PASSWORD,
        "display_name": "Late",
        "stakeholder_group": "government",
        "country": "CR",
        "invitation": invitation,
    }
    assert (await client.post(f"{API}/accounts", json=body)).status_code == 422
    # Without the expired link, registering and verifying still takes the seat.
    body.pop("invitation")
    assert (await client.post(f"{API}/accounts", json=body)).status_code == 201
    await verify_email(client, email)
    member = Actor(email, await login(client, email))
    assert await sees(client, slug, member) == 200


async def test_one_address_takes_one_seat_per_committee(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug = await draft(client, app)
    email = unique_email("twice")
    assert (await seat(client, boss, slug, email)).status_code == 201
    assert (await seat(client, boss, slug, email)).status_code == 409
    member = await register(client)
    assert (await seat(client, boss, slug, member.email)).status_code == 201
    assert (await seat(client, boss, slug, member.email)).status_code == 409
