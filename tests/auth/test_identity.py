"""Verified email, password reset and password change over the API, with the mails read from
the outbox as a person reads them (the link alone on its line)."""

import hashlib
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from app.db import transaction, utcnow
from app.models import AccessToken, Account, EmailToken, OutboxMessage
from tests.actors import API, PASSWORD, admin, create_consultation, login, register, unique_email
from tests.databases import Reader
from tests.mail import PUBLIC_URL, latest_token, link_in, mails, query_value

NEW_PASSWORD = "a brand new password"


def body(email: str, **changes: str) -> dict[str, str]:
    return {
        "email": email,
        "password": PASSWORD,
        "display_name": "Ana Pérez",
        "stakeholder_group": "civil_society",
        "country": "PA",
    } | changes


async def test_registering_mails_a_verification_link_alone_on_its_line(
    client: httpx.AsyncClient, app: FastAPI, db: Reader
) -> None:
    email = unique_email()
    response = await client.post(f"{API}/accounts", json=body(email))
    assert response.status_code == 201
    assert response.json()["email_verified"] is False
    [mail] = mails(app.state.sessions, email)
    assert mail["to"] == email
    assert mail["subject"] == "Confirm your email address"
    link = link_in(mail["text"], "/verify", PUBLIC_URL)
    assert link.startswith(f"{PUBLIC_URL}/verify?token=")
    token = query_value(link, "token")
    assert len(token) >= 22  # at least 128 random bits in URL-safe base64
    assert f'href="{link}"' in mail["html"]
    stored = db.scalars(select(EmailToken.token_hash))
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    everything = str(db.rows(select(EmailToken))) + str(db.rows(select(Account)))
    assert token not in everything


async def test_the_link_verifies_the_email_once(client: httpx.AsyncClient, app: FastAPI) -> None:
    person = await register(client, verified=False)
    token = latest_token(app.state.sessions, person.email, "/verify")
    verified = await client.post(f"{API}/accounts/verify", json={"token": token})
    assert verified.status_code == 200
    assert verified.json()["email_verified"] is True
    assert verified.json()["email"] == person.email
    again = await client.post(f"{API}/accounts/verify", json={"token": token})
    assert again.status_code == 422
    assert again.json()["errors"][0]["loc"] == ["body", "token"]
    me = await client.get(f"{API}/me", headers=person.headers)
    assert me.json()["email_verified"] is True


async def test_a_verification_link_expires_after_48_hours(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    person = await register(client, verified=False)
    token = latest_token(app.state.sessions, person.email, "/verify")
    with transaction(app.state.sessions, write=True) as session:
        created = session.scalar(select(EmailToken.created_at))
        expires = session.scalar(select(EmailToken.expires_at))
        assert expires - created == timedelta(hours=48)
        session.execute(update(EmailToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = await client.post(f"{API}/accounts/verify", json={"token": token})
    assert response.status_code == 422
    me = await client.get(f"{API}/me", headers=person.headers)
    assert me.json()["email_verified"] is False


async def test_resending_mails_a_new_link_and_the_old_one_stops_working(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    person = await register(client, verified=False)
    old = latest_token(app.state.sessions, person.email, "/verify")
    resent = await client.post(f"{API}/accounts/verify/resend", headers=person.headers)
    assert resent.status_code == 202
    assert resent.json()["detail"]
    new = latest_token(app.state.sessions, person.email, "/verify")
    assert new != old
    assert len(mails(app.state.sessions, person.email)) == 2
    refused = await client.post(f"{API}/accounts/verify", json={"token": old})
    assert refused.status_code == 422
    accepted = await client.post(f"{API}/accounts/verify", json={"token": new})
    assert accepted.status_code == 200


async def test_mails_are_in_the_language_the_person_registered_in(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    by_header = unique_email()
    response = await client.post(
        f"{API}/accounts", json=body(by_header), headers={"Accept-Language": "es-PA,es;q=0.9"}
    )
    assert response.json()["language"] == "es"
    chosen = unique_email()
    response = await client.post(f"{API}/accounts", json=body(chosen, language="es"))
    assert response.json()["language"] == "es"
    for email in (by_header, chosen):
        [mail] = mails(app.state.sessions, email)
        assert mail["subject"] == "Confirme su dirección de correo"
        assert mail["lang"] == "es"
        assert link_in(mail["text"], "/verify")
    english = unique_email()
    await client.post(f"{API}/accounts", json=body(english))
    assert mails(app.state.sessions, english)[0]["subject"] == "Confirm your email address"


async def test_the_mail_language_can_be_changed(client: httpx.AsyncClient, app: FastAPI) -> None:
    person = await register(client, verified=False)
    changed = await client.patch(f"{API}/me", json={"language": "es"}, headers=person.headers)
    assert changed.json()["language"] == "es"
    await client.post(f"{API}/accounts/verify/resend", headers=person.headers)
    assert mails(app.state.sessions, person.email)[-1]["lang"] == "es"


async def test_password_reset_answers_the_same_whether_or_not_the_account_exists(
    client: httpx.AsyncClient, app: FastAPI, db: Reader
) -> None:
    person = await register(client)
    before = len(db.scalars(select(OutboxMessage.id)))
    known = await client.post(f"{API}/auth/password-reset", json={"email": person.email.upper()})
    unknown = await client.post(
        f"{API}/auth/password-reset", json={"email": unique_email("nobody")}
    )
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert known.headers["content-type"] == unknown.headers["content-type"]
    assert len(db.scalars(select(OutboxMessage.id))) == before + 1
    [reset_mail] = [m for m in mails(app.state.sessions, person.email) if m["template"] == "reset"]
    assert link_in(reset_mail["text"], "/reset-password").startswith(
        f"{PUBLIC_URL}/reset-password?token="
    )


async def test_a_reset_sets_the_password_and_signs_out_everywhere(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    person = await register(client)
    second = await login(client, person.email)
    await client.post(f"{API}/auth/password-reset", json={"email": person.email})
    token = latest_token(app.state.sessions, person.email, "/reset-password")
    confirmed = await client.post(
        f"{API}/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert confirmed.status_code == 204
    for bearer in (person.token, second):
        me = await client.get(f"{API}/me", headers={"Authorization": f"Bearer {bearer}"})
        assert me.status_code == 401
    old = await client.post(
        f"{API}/auth/token", data={"username": person.email, "password": PASSWORD}
    )
    assert old.status_code == 401
    assert await login(client, person.email, NEW_PASSWORD)
    again = await client.post(
        f"{API}/auth/password-reset/confirm", json={"token": token, "password": PASSWORD}
    )
    assert again.status_code == 422


async def test_a_reset_link_expires_after_an_hour(client: httpx.AsyncClient, app: FastAPI) -> None:
    person = await register(client)
    await client.post(f"{API}/auth/password-reset", json={"email": person.email})
    token = latest_token(app.state.sessions, person.email, "/reset-password")
    with transaction(app.state.sessions, write=True) as session:
        row = session.scalars(select(EmailToken).where(EmailToken.purpose == "reset")).one()
        assert row.expires_at - row.created_at == timedelta(hours=1)
        row.expires_at = utcnow() - timedelta(seconds=1)
    response = await client.post(
        f"{API}/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert response.status_code == 422
    assert await login(client, person.email)


async def test_a_reset_link_proves_the_address(client: httpx.AsyncClient, app: FastAPI) -> None:
    person = await register(client, verified=False)
    await client.post(f"{API}/auth/password-reset", json={"email": person.email})
    token = latest_token(app.state.sessions, person.email, "/reset-password")
    await client.post(
        f"{API}/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    headers = {"Authorization": f"Bearer {await login(client, person.email, NEW_PASSWORD)}"}
    assert (await client.get(f"{API}/me", headers=headers)).json()["email_verified"] is True


async def test_a_verify_token_cannot_reset_a_password(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    person = await register(client, verified=False)
    token = latest_token(app.state.sessions, person.email, "/verify")
    response = await client.post(
        f"{API}/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert response.status_code == 422


async def test_changing_the_password_signs_out_every_other_token(
    client: httpx.AsyncClient, db: Reader
) -> None:
    person = await register(client)
    other = {"Authorization": f"Bearer {await login(client, person.email)}"}
    changed = await client.patch(
        f"{API}/me",
        json={"password": NEW_PASSWORD, "current_password": PASSWORD},
        headers=person.headers,
    )
    assert changed.status_code == 200
    assert (await client.get(f"{API}/me", headers=person.headers)).status_code == 200
    assert (await client.get(f"{API}/me", headers=other)).status_code == 401
    assert len(db.scalars(select(AccessToken.id).where(AccessToken.account_id == person.id))) == 1


async def test_administrators_are_verified_and_consultations_require_verification(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    me = await client.get(f"{API}/me", headers=boss.headers)
    assert me.json()["email_verified"] is True
    assert mails(app.state.sessions, boss.email) == []
    default = await create_consultation(client, boss)
    assert default["require_verified_email"] is True
    relaxed = await create_consultation(client, boss, require_verified_email=False)
    assert relaxed["require_verified_email"] is False
    slug = relaxed["slug"]
    patched = await client.patch(
        f"{API}/consultations/{slug}", json={"require_verified_email": True}, headers=boss.headers
    )
    assert patched.json()["require_verified_email"] is True


async def test_the_seeded_history_is_untouched(client: httpx.AsyncClient) -> None:
    seeded = (await client.get(f"{API}/consultations/lacigf-2017")).json()
    assert seeded["state"] == "finalized"
    assert seeded["counts"]["ratings"] >= 0
    assert seeded["require_verified_email"] is True


@pytest.mark.parametrize(
    ("header", "lang", "subject", "greeting"),
    [
        ("pt-BR,pt;q=0.9", "pt", "Confirme o seu endereço de e-mail", "Olá, "),
        ("fr-HT,fr;q=0.9", "fr", "Confirmez votre adresse e-mail", "Bonjour "),
    ],
)
async def test_mails_go_out_in_portuguese_and_french(
    client: httpx.AsyncClient, app: FastAPI, header: str, lang: str, subject: str, greeting: str
) -> None:
    email = unique_email()
    response = await client.post(
        f"{API}/accounts", json=body(email), headers={"Accept-Language": header}
    )
    assert response.json()["language"] == lang
    [mail] = mails(app.state.sessions, email)
    assert mail["subject"] == subject
    assert mail["lang"] == lang
    assert greeting in mail["text"]
    assert "Please confirm" not in mail["text"]
    assert link_in(mail["text"], "/verify")
