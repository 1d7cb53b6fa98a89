"""The API tokens page: the holder makes a token (shown once), sees it listed and revokes it,
with the API's rules and the CSRF check; in English and Spanish."""

import httpx

from tests.actors import API, PASSWORD, register
from tests.web.html import csrf, elements, sign_in, submit, text_of

PAGE = "/account/tokens"


async def test_a_holder_makes_uses_and_revokes_a_token(client: httpx.AsyncClient) -> None:
    person = await register(client)
    await sign_in(client, person.email, PASSWORD)
    empty = await client.get(PAGE)
    assert empty.status_code == 200
    assert elements(empty.text, "p", id="no-tokens")
    made = await client.post(
        PAGE,
        data={
            "name": "Forum website",
            "scopes": ["results", "ballot"],
            "expires_in_days": "30",
            "csrf_token": csrf(empty.text),
        },
    )
    assert made.status_code == 200
    token = text_of(made.text, "code", class_="token")
    assert len(token) >= 40
    me = await client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["email"] == person.email
    listed = await client.get(PAGE)
    assert "Forum website" in text_of(listed.text, "table", class_="tokens")
    assert "ballot, results" in text_of(listed.text, "table", class_="tokens")
    assert token not in listed.text  # shown once, in the answer to the form only
    form = elements(listed.text, "form", class_="inline")
    revoke = next(f for f in form if f.attrs["action"].startswith(f"{PAGE}/"))
    gone = await client.post(revoke.attrs["action"], data={"csrf_token": csrf(listed.text)})
    assert gone.status_code == 303
    assert gone.headers["location"] == PAGE
    after = await client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"})
    assert after.status_code == 401
    assert elements((await client.get(PAGE)).text, "p", id="no-tokens")


async def test_invalid_fields_are_shown_and_nothing_is_made(client: httpx.AsyncClient) -> None:
    person = await register(client)
    await sign_in(client, person.email, PASSWORD)
    refused = await submit(client, PAGE, PAGE, {"name": "", "expires_in_days": "400"})
    assert refused.status_code == 422
    for field in ("name", "scopes", "expires_in_days"):
        assert elements(refused.text, "ul", id=f"{field}-error"), field
    assert elements(refused.text, "p", id="no-tokens")


async def test_the_page_needs_a_session_and_the_form_its_csrf_token(
    client: httpx.AsyncClient,
) -> None:
    anonymous = await client.get(PAGE)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/login?next=")
    person = await register(client)
    await sign_in(client, person.email, PASSWORD)
    forged = await client.post(PAGE, data={"name": "X", "scopes": "admin", "expires_in_days": "5"})
    assert forged.status_code == 403
    listed = await client.get(f"{API}/auth/tokens", headers=person.headers)
    assert listed.json()["total"] == 0


async def test_the_page_speaks_spanish(client: httpx.AsyncClient) -> None:
    person = await register(client)
    await sign_in(client, person.email, PASSWORD)
    page = await client.get(PAGE, headers={"Accept-Language": "es"})
    assert "Tokens de API" in text_of(page.text, "h1")
    assert "Leer resultados" in page.text
