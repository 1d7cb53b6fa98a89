import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from app.models import Account
from tests.actors import API, PASSWORD, register, unique_email
from tests.databases import Reader, settings_for
from tests.web.conftest import Visitor
from tests.web.html import csrf, elements, sign_in, submit, text_of

pytestmark = pytest.mark.anyio


def registration(email: str, **changes: str) -> dict[str, str]:
    return {
        "email": email,
        "password": PASSWORD,
        "display_name": "Ana Pérez",
        "stakeholder_group": "civil_society",
        "country": "pa",
        "organization": "",
        "next": "/c/lacigf-2017",
    } | changes


async def accounts(db: Reader) -> int:
    count: int = db.scalar(select(func.count()).select_from(Account))
    return count


async def test_registering_signs_in_with_a_protected_cookie(client: httpx.AsyncClient) -> None:
    email = unique_email()
    response = await submit(client, "/register", "/register", registration(email))
    assert response.status_code == 303
    assert response.headers["location"] == "/c/lacigf-2017"
    cookie = next(c for c in response.headers.get_list("set-cookie") if "consulta_session" in c)
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http here
    home = await client.get("/")
    assert "Ana Pérez" in text_of(home.text, "span", class_="who")
    me = await client.get(
        f"{API}/me", headers={"Authorization": f"Bearer {client.cookies['consulta_session']}"}
    )
    assert me.json()["country"] == "PA"


async def test_every_invalid_field_gets_its_own_message(
    client: httpx.AsyncClient, db: Reader
) -> None:
    before = await accounts(db)
    bad = registration("not-an-email", password="short", country="Panama", stakeholder_group="")
    response = await submit(client, "/register", "/register", bad)
    assert response.status_code == 422
    for field in ("email", "password", "country", "stakeholder_group"):
        assert text_of(response.text, "ul", id=f"{field}-error"), field
        tag = "select" if field in ("stakeholder_group", "country") else "input"
        assert elements(response.text, tag, id=field)[0].attrs.get("aria-invalid") == "true"
    assert "valid email" in text_of(response.text, "ul", id="email-error")
    assert "10 characters" in text_of(response.text, "ul", id="password-error")
    assert not text_of(response.text, "ul", id="display_name-error")
    assert elements(response.text, "input", id="display_name")[0].attrs["value"] == "Ana Pérez"
    assert await accounts(db) == before


async def test_a_taken_email_is_shown_on_the_email_field(client: httpx.AsyncClient) -> None:
    person = await register(client)
    response = await submit(client, "/register", "/register", registration(person.email.upper()))
    assert response.status_code == 422
    assert "already exists" in text_of(response.text, "ul", id="email-error")


async def test_wrong_password_is_refused_and_counts_towards_throttling(
    client: httpx.AsyncClient,
) -> None:
    person = await register(client)
    response = await submit(
        client, "/login", "/login", {"email": person.email, "password": "wrong password!"}
    )
    assert response.status_code == 401
    assert "Wrong email or password" in text_of(response.text, "div", class_="form-error")
    assert "consulta_session" not in client.cookies


async def test_sign_in_is_throttled_like_the_api(database_url: str, visitor: Visitor) -> None:
    from app.main import create_app

    app = create_app(settings_for(database_url, login_max_failures=3))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://consulta.test") as c:
        person = await register(c)
        for _ in range(3):
            wrong = {"email": person.email, "password": "wrong password!"}
            assert (await submit(c, "/login", "/login", wrong)).status_code == 401
        right = {"email": person.email, "password": PASSWORD}
        response = await submit(c, "/login", "/login", right)
        assert response.status_code == 429
        assert int(response.headers["retry-after"]) > 0
        assert "Too many" in response.text
        api = await c.post(
            f"{API}/auth/token", data={"username": person.email, "password": PASSWORD}
        )
        assert api.status_code == 429
    app.state.engine.dispose()


async def test_sign_out_revokes_the_token(client: httpx.AsyncClient) -> None:
    person = await register(client)
    await sign_in(client, person.email, PASSWORD)
    token = client.cookies["consulta_session"]
    response = await submit(client, "/", "/logout", {})
    assert response.status_code == 303
    assert "consulta_session" not in client.cookies
    me = await client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401


async def test_cookies_are_secure_over_https(app: FastAPI) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://consulta.test") as c:
        person = await register(c)
        page = await c.get("/login")
        assert all("Secure" in cookie for cookie in page.headers.get_list("set-cookie"))
        response = await c.post(
            "/login",
            data={"email": person.email, "password": PASSWORD, "csrf_token": csrf(page.text)},
        )
        assert response.status_code == 303
        assert all("Secure" in cookie for cookie in response.headers.get_list("set-cookie"))


@pytest.mark.parametrize("token", [None, "forged", ""])
async def test_forms_without_the_csrf_token_are_refused(
    client: httpx.AsyncClient, db: Reader, token: str | None
) -> None:
    await client.get("/register")  # the browser has its nonce cookie
    before = await accounts(db)
    data = registration(unique_email())
    if token is not None:
        data["csrf_token"] = token
    response = await client.post("/register", data=data)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert await accounts(db) == before
    assert "consulta_session" not in client.cookies


async def test_a_token_from_another_browser_is_refused(
    client: httpx.AsyncClient, visitor: Visitor, db: Reader
) -> None:
    other = await visitor()
    foreign = csrf((await other.get("/register")).text)
    await client.get("/register")
    before = await accounts(db)
    data = registration(unique_email()) | {"csrf_token": foreign}
    assert (await client.post("/register", data=data)).status_code == 403
    assert await accounts(db) == before


async def test_after_sign_in_goes_back_only_to_this_site(client: httpx.AsyncClient) -> None:
    person = await register(client)
    for target, expected in [
        ("/c/lacigf-2017", "/c/lacigf-2017"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
    ]:
        response = await submit(
            client,
            "/login",
            "/login",
            {"email": person.email, "password": PASSWORD, "next": target},
        )
        assert response.headers["location"] == expected
