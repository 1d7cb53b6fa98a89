"""Mail through a real SMTP server: the outbox's sender delivers what an action queued, and a
person follows the link in what arrived."""

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import select, update

from app.config import Settings
from app.db import transaction, utcnow
from app.main import create_app
from app.models import OutboxAttempt, OutboxMessage
from tests.actors import API, PASSWORD, admin, create_consultation, login, unique_email
from tests.databases import Reader
from tests.mail import link_in, query_value
from tests.processes import free_port
from tests.smtp_server import Inbox, html_part, smtp_server, text_part

pytestmark = pytest.mark.anyio


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server


def mail_settings(settings: Settings, port: int, **changes: object) -> Settings:
    return settings.model_copy(
        update={
            "smtp_url": SecretStr(f"smtp://127.0.0.1:{port}"),
            "smtp_timeout_seconds": 5,
            "mail_from": "Consulta LACIGF <consulta@lacigf.example>",
            "public_url": "https://consulta.example",
            "outbox_retry_seconds": 0.2,
            "outbox_retry_max_seconds": 0.4,
        }
        | changes
    )


@pytest.fixture
async def mailing(
    settings: Settings, inbox: tuple[Inbox, int]
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient, Inbox]]:
    app = create_app(mail_settings(settings, inbox[1]))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://consulta.test") as client:
        yield app, client, inbox[0]
    app.state.engine.dispose()


async def send(app: FastAPI) -> int:
    handled: int = await app.state.outbox.drain()
    return handled


def registration(email: str) -> dict[str, str]:
    return {
        "email": email,
        "password": PASSWORD,
        "display_name": "Ana Pérez",
        "stakeholder_group": "civil_society",
        "country": "PA",
    }


def only_mail_to(inbox: Inbox, email: str) -> EmailMessage:
    [message] = [m for m in inbox.received() if m["To"] == email]
    return message


async def test_register_read_the_mail_and_follow_its_link(
    mailing: tuple[FastAPI, httpx.AsyncClient, Inbox], db: Reader
) -> None:
    app, client, inbox = mailing
    email = unique_email()
    response = await client.post(f"{API}/accounts", json=registration(email))
    assert response.status_code == 201
    assert await send(app) == 1
    message = only_mail_to(inbox, email)
    assert message["From"] == "Consulta LACIGF <consulta@lacigf.example>"
    assert message["Subject"] == "Confirm your email address"
    assert message["Message-ID"].endswith("@lacigf.example>")
    assert message.get_content_type() == "multipart/alternative"
    link = link_in(text_part(message), "/verify", "https://consulta.example")
    assert f'href="{link}"' in html_part(message)
    verified = await client.post(
        f"{API}/accounts/verify", json={"token": query_value(link, "token")}
    )
    assert verified.status_code == 200
    assert verified.json()["email_verified"] is True
    status, attempts = db.rows(select(OutboxMessage.status, OutboxMessage.attempts))[0]
    assert (status, attempts) == ("sent", 1)
    assert db.rows(select(OutboxAttempt.outcome, OutboxAttempt.response_status)) == [("sent", 250)]
    assert await send(app) == 0
    assert len(inbox.received()) == 1


async def test_reset_a_password_from_the_mail(
    mailing: tuple[FastAPI, httpx.AsyncClient, Inbox],
) -> None:
    app, client, inbox = mailing
    email = unique_email()
    await client.post(f"{API}/accounts", json=registration(email))
    reset = await client.post(f"{API}/auth/password-reset", json={"email": email})
    assert reset.status_code == 202
    await send(app)
    [message] = [m for m in inbox.received() if m["Subject"] == "Reset your password"]
    link = link_in(text_part(message), "/reset-password", "https://consulta.example")
    confirmed = await client.post(
        f"{API}/auth/password-reset/confirm",
        json={"token": query_value(link, "token"), "password": "a fresh password"},
    )
    assert confirmed.status_code == 204
    assert await login(client, email, "a fresh password")


async def test_an_invitation_mail_links_the_seat_when_the_invitee_verifies(
    mailing: tuple[FastAPI, httpx.AsyncClient, Inbox],
) -> None:
    app, client, inbox = mailing
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    invitee = unique_email("invitee")
    seated = await client.post(
        f"{API}/consultations/{slug}/committee",
        json={"name": "Rosa", "stakeholder_group": "government", "email": invitee},
        headers=boss.headers,
    )
    assert seated.status_code == 201
    assert seated.json()["invited"] is True
    assert seated.json()["linked"] is False
    await send(app)
    invitation = only_mail_to(inbox, invitee)
    assert invitation["Subject"] == "You are invited to a program committee"
    assert "Forum" in text_part(invitation)
    link = link_in(text_part(invitation), "/register", "https://consulta.example")
    # The invitee registers without the invitation, as people do, and verifies later.
    await client.post(f"{API}/accounts", json=registration(invitee))
    token = await login(client, invitee)
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get(f"{API}/consultations/{slug}", headers=headers)).status_code == 404
    await send(app)
    verify = link_in(text_part(only_mail_to_subject(inbox, invitee)), "/verify")
    await client.post(f"{API}/accounts/verify", json={"token": query_value(verify, "token")})
    assert (await client.get(f"{API}/consultations/{slug}", headers=headers)).status_code == 200
    committee = (
        await client.get(f"{API}/consultations/{slug}/committee", headers=boss.headers)
    ).json()
    [rosa] = [m for g in committee["groups"] for m in g["members"] if m["name"] == "Rosa"]
    assert rosa["linked"] is True
    assert rosa["invited"] is False
    assert query_value(link, "invitation")


def only_mail_to_subject(inbox: Inbox, email: str) -> EmailMessage:
    [message] = [
        m for m in inbox.received() if m["To"] == email and m["Subject"].startswith("Confirm")
    ]
    return message


async def test_a_refusing_server_delays_mail_and_loses_none(
    mailing: tuple[FastAPI, httpx.AsyncClient, Inbox], db: Reader
) -> None:
    app, client, inbox = mailing
    inbox.reply = "451 4.3.0 Try again later"
    emails = [unique_email() for _ in range(3)]
    for email in emails:
        response = await client.post(f"{API}/accounts", json=registration(email))
        assert response.status_code == 201  # a mail server that refuses never delays an answer
    assert await send(app) == 3
    assert inbox.received() == []
    rows = db.rows(select(OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.last_error))
    assert {(status, attempts) for status, attempts, _ in rows} == {("pending", 1)}
    assert all("451" in (error or "") for _, _, error in rows)
    assert set(db.scalars(select(OutboxAttempt.response_status))) == {451}

    inbox.reply = "250 OK"
    for _ in range(100):  # the back-off is 200 ms here; each pass sends what is due
        await asyncio.sleep(0.1)
        await send(app)
        if len(inbox.received()) == 3:
            break
    assert sorted(m["To"] for m in inbox.received()) == sorted(emails)
    assert set(db.scalars(select(OutboxMessage.status))) == {"sent"}
    assert await send(app) == 0
    assert len(inbox.received()) == 3


async def test_a_server_that_is_down_gets_the_mail_when_it_comes_back(
    settings: Settings, db: Reader
) -> None:
    port = free_port()  # nothing listens there yet
    app = create_app(mail_settings(settings, port))
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            email = unique_email()
            response = await client.post(f"{API}/accounts", json=registration(email))
            assert response.status_code == 201
        assert await send(app) == 1
        assert db.scalar(select(OutboxMessage.status)) == "pending"
        assert "Connection" in (db.scalar(select(OutboxMessage.last_error)) or "")
        with smtp_server(port=port) as (inbox, _):
            for _ in range(100):
                await asyncio.sleep(0.1)
                await send(app)
                if inbox.received():
                    break
            assert [m["To"] for m in inbox.received()] == [email]
        assert db.rows(select(OutboxMessage.status, OutboxMessage.attempts)) == [("sent", 2)]
    finally:
        app.state.engine.dispose()


async def test_a_recipient_refused_for_good_is_failed_and_never_retried(
    mailing: tuple[FastAPI, httpx.AsyncClient, Inbox], db: Reader
) -> None:
    app, client, inbox = mailing
    inbox.reply = "550 5.1.1 No such mailbox"
    await client.post(f"{API}/accounts", json=registration(unique_email()))
    await send(app)
    assert db.rows(select(OutboxMessage.status, OutboxMessage.attempts)) == [("failed", 1)]
    inbox.reply = "250 OK"
    assert await send(app) == 0
    assert inbox.received() == []


async def test_a_mail_is_given_up_after_its_last_attempt(
    settings: Settings, inbox: tuple[Inbox, int], db: Reader
) -> None:
    server, port = inbox
    server.reply = "421 4.7.0 Busy"
    app = create_app(mail_settings(settings, port, outbox_max_attempts=3))
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            await client.post(f"{API}/accounts", json=registration(unique_email()))
        for _ in range(100):
            await asyncio.sleep(0.1)
            await send(app)
            if db.scalar(select(OutboxMessage.status)) == "failed":
                break
        assert db.rows(select(OutboxMessage.status, OutboxMessage.attempts)) == [("failed", 3)]
        assert db.scalars(select(OutboxAttempt.number).order_by(OutboxAttempt.number)) == [1, 2, 3]
    finally:
        app.state.engine.dispose()


async def test_two_senders_on_one_database_send_each_mail_once(
    settings: Settings, inbox: tuple[Inbox, int], db: Reader
) -> None:
    server, port = inbox
    apps = [create_app(mail_settings(settings, port)) for _ in range(2)]
    try:
        with transaction(apps[0].state.sessions, write=True) as session:
            for i in range(24):
                apps[0].state.mailer.queue(
                    session,
                    to=f"person{i}@example.org",
                    lang="en",
                    template="verify",
                    name=f"Person {i}",
                    link=f"https://consulta.example/verify?token=t{i}",
                )
        handled = await asyncio.gather(*(app.state.outbox.drain() for app in apps))
        assert sum(handled) == 24
        received = [m["To"] for m in server.received()]
        assert sorted(received) == sorted(f"person{i}@example.org" for i in range(24))
        assert set(db.scalars(select(OutboxMessage.status))) == {"sent"}
    finally:
        for app in apps:
            app.state.engine.dispose()


async def test_a_claim_left_by_a_dead_sender_is_taken_over_after_its_lease(
    mailing: tuple[FastAPI, httpx.AsyncClient, Inbox], db: Reader
) -> None:
    app, client, inbox = mailing
    await client.post(f"{API}/accounts", json=registration(unique_email()))
    with transaction(app.state.sessions, write=True) as session:
        session.execute(
            update(OutboxMessage).values(
                status="sending", claim="dead", lease_until=utcnow() + timedelta(minutes=5)
            )
        )
    assert await send(app) == 0  # still leased to the other sender
    with transaction(app.state.sessions, write=True) as session:
        session.execute(update(OutboxMessage).values(lease_until=utcnow() - timedelta(seconds=1)))
    assert await send(app) == 1
    assert len(inbox.received()) == 1
    assert db.scalar(select(OutboxMessage.status)) == "sent"


async def test_without_a_mail_server_mails_are_kept_and_logged_with_their_links(
    app: FastAPI, client: httpx.AsyncClient, db: Reader, caplog: pytest.LogCaptureFixture
) -> None:
    email = unique_email()
    await client.post(f"{API}/accounts", json=registration(email))
    with caplog.at_level(logging.INFO, logger="consulta.mail"):
        assert await send(app) == 1
    assert db.rows(select(OutboxMessage.status, OutboxMessage.target)) == [("kept", email)]
    [record] = [r for r in caplog.records if r.name == "consulta.mail"]
    assert "http://localhost:8000/verify?token=" in record.getMessage()
    assert email in record.getMessage()
    assert await send(app) == 0


def test_settings_refuse_a_public_url_that_is_not_http(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="http"):
        Settings(_env_file=None, public_url="consulta.example")  # type: ignore[call-arg]
