"""What every page shares: HTML errors outside /api (problem details inside), a GET on a
form's address leads to its form, who may open each page, and no form without its CSRF
token."""

import httpx
import pytest
from fastapi import FastAPI, Request
from sqlalchemy import select

from app.models import Account
from app.web.rendering import error_response
from app.web.visitors import Viewer
from tests.actors import PASSWORD, Actor, add_topics, admin, create_consultation, register
from tests.snapshots import snapshot
from tests.web.html import csrf, elements, sign_in, text_of
from tests.web.world import closed_with_ballots, member

pytestmark = pytest.mark.anyio


async def test_an_unknown_page_is_an_html_404_and_the_api_keeps_problem_details(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/no/such/page", headers={"Accept-Language": "es"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert elements(page.text, "html")[0].attrs["lang"] == "es"
    assert text_of(page.text, "h1") == "Página no encontrada"
    api = await client.get("/api/v1/no/such/thing")
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"
    wrong_verb = await client.delete("/api/v1/consultations")
    assert wrong_verb.status_code == 405
    assert wrong_verb.headers["content-type"] == "application/problem+json"
    assert (
        (await client.get("/c/lacigf-2017/topics/not-a-number"))
        .headers["content-type"]
        .startswith("text/html")
    )


async def test_a_wrong_verb_on_a_page_is_an_html_page(client: httpx.AsyncClient) -> None:
    response = await client.delete("/c/lacigf-2017")
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("text/html")
    assert "allow" in {k.lower() for k in response.headers}


@pytest.mark.parametrize(
    ("address", "form_page"),
    [
        ("/c/{slug}/ballot", "/c/{slug}#ballot"),
        ("/c/{slug}/committee/from-ranking", "/c/{slug}/committee"),
        ("/c/{slug}/committee/sessions", "/c/{slug}/committee#sessions"),
        ("/c/{slug}/committee/sessions/1/delete", "/c/{slug}/committee#sessions"),
        ("/c/{slug}/committee/sessions/1/move", "/c/{slug}/committee#sessions"),
        ("/c/{slug}/topics/1/delete", "/c/{slug}/topics"),
        ("/c/{slug}/topics/1/move", "/c/{slug}/topics"),
        ("/c/{slug}/seats/1/unseat", "/c/{slug}/seats"),
        ("/logout", "/"),
        ("/lang", "/"),
        ("/admin/webhooks/7/test", "/admin/webhooks/7"),
        ("/admin/webhooks/7/remove", "/admin/webhooks"),
    ],
)
async def test_a_get_on_a_forms_address_leads_to_the_form(
    client: httpx.AsyncClient, address: str, form_page: str
) -> None:
    slug = "lacigf-2017"
    response = await client.get(address.format(slug=slug))
    assert response.status_code == 303
    assert response.headers["location"] == form_page.format(slug=slug)


# Every page of the secretariat and the committee, and who may open it.
PAGES = [
    "/c/{slug}/manage",
    "/c/{slug}/settings",
    "/c/{slug}/topics",
    "/c/{slug}/topics/{topic}",
    "/c/{slug}/seats",
    "/c/{slug}/audit",
    "/c/{slug}/open",
    "/c/{slug}/close",
    "/c/{slug}/reopen",
    "/c/{slug}/committee/finalize",
]
ADMIN_ONLY = {"/c/{slug}/settings", "/c/{slug}/open", "/c/{slug}/close", "/c/{slug}/reopen"}


async def test_who_may_open_each_page(client: httpx.AsyncClient, app: FastAPI) -> None:
    boss, slug, ids = await closed_with_ballots(client, app, participants=4)
    seated = await member(client, boss, slug)
    participant = await register(client)
    callers: dict[str, Actor | None] = {
        "anonymous": None,
        "participant": participant,
        "committee": seated,
        "admin": boss,
    }
    for caller, actor in callers.items():
        client.cookies.clear()
        if actor is not None:
            await sign_in(client, actor.email, PASSWORD)
        for template in PAGES:
            path = template.format(slug=slug, topic=ids[0])
            response = await client.get(path)
            if caller == "anonymous":
                expected = 303
            elif caller == "participant" or (caller == "committee" and template in ADMIN_ONLY):
                expected = 403
            else:
                expected = 200
            assert response.status_code == expected, (caller, path, response.status_code)
            if expected == 303:
                assert response.headers["location"].startswith("/login?next=")


# Every form added for the secretariat and the committee: (page with the form, action).
FORMS = [
    ("/consultations/new", "/consultations/new"),
    ("/c/{slug}/settings", "/c/{slug}/settings"),
    ("/c/{slug}/topics", "/c/{slug}/topics"),
    ("/c/{slug}/topics", "/c/{slug}/topics/{topic}"),
    ("/c/{slug}/topics", "/c/{slug}/topics/{topic}/move"),
    ("/c/{slug}/topics", "/c/{slug}/topics/{topic}/delete"),
    ("/c/{slug}/open", "/c/{slug}/open"),
    ("/c/{slug}/seats", "/c/{slug}/seats"),
    ("/c/{slug}/seats", "/c/{slug}/seats/{seat}/unseat"),
    ("/c/{slug}/committee", "/c/{slug}/committee/sessions"),
]


async def test_no_form_works_without_its_csrf_token(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    topic = (await add_topics(client, boss, slug, ["Access", "Rights"]))[1]
    seated = await client.post(
        f"/api/v1/consultations/{slug}/committee",
        json={"name": "M", "stakeholder_group": "government"},
        headers=boss.headers,
    )
    await sign_in(client, boss.email, PASSWORD)
    data = {"title": "T", "slug": "x-y", "forum": "F", "edition": "1", "name": "N"}
    data |= {"stakeholder_group": "government", "direction": "up", "new-title": "S"}
    for page, action in FORMS:
        target = action.format(slug=slug, topic=topic, seat=seated.json()["id"])
        await client.get(page.format(slug=slug))  # may cache the results it shows
        before = snapshot(app)
        for token in (None, "forged"):
            sent = data | ({"csrf_token": token} if token else {})
            response = await client.post(target, data=sent)
            assert response.status_code == 403, (target, response.status_code)
            assert "did not come from this site" in response.text
        assert snapshot(app) == before, target


async def test_setup_pages_refuse_once_an_administrator_exists(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/setup?token=anything")
    assert page.status_code == 404
    assert elements(page.text, "p", id="setup-spent")


# Forms that only an administrator may send, and those the committee may send too.
ADMIN_FORMS = {
    "/consultations/new",
    "/c/{slug}/settings",
    "/c/{slug}/open",
    "/c/{slug}/seats",
    "/c/{slug}/seats/{seat}/unseat",
}


async def test_who_may_send_each_form(client: httpx.AsyncClient, app: FastAPI) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    topic = (await add_topics(client, boss, slug, ["Access", "Rights"]))[1]
    seat = await client.post(
        f"/api/v1/consultations/{slug}/committee",
        json={"name": "M", "stakeholder_group": "government"},
        headers=boss.headers,
    )
    seated = await register(client)
    linked = await client.post(
        f"/api/v1/consultations/{slug}/committee",
        json={"name": "C", "stakeholder_group": "academia", "email": seated.email},
        headers=boss.headers,
    )
    assert linked.status_code == 422  # academia has no seats: seat in a committee group
    linked = await client.post(
        f"/api/v1/consultations/{slug}/committee",
        json={"name": "C", "stakeholder_group": "civil_society", "email": seated.email},
        headers=boss.headers,
    )
    assert linked.status_code == 201
    participant = await register(client)
    data = {"title": "T", "slug": "x-y", "forum": "F", "edition": "1", "name": "N"}
    data |= {"stakeholder_group": "government", "direction": "up", "new-title": "S"}
    for actor, refused in ((participant, FORMS), (seated, ADMIN_FORMS)):
        client.cookies.clear()
        await sign_in(client, actor.email, PASSWORD)
        page = await client.get("/")
        before = snapshot(app)
        for _, action in (f for f in FORMS if f[1] in refused):
            target = action.format(slug=slug, topic=topic, seat=seat.json()["id"])
            response = await client.post(target, data=data | {"csrf_token": csrf(page.text)})
            # A draft is hidden from a participant (404); the committee is refused (403).
            expected = 403 if actor is seated or action == "/consultations/new" else 404
            assert response.status_code == expected, (actor.email, target)
        assert snapshot(app) == before


async def test_bad_settings_are_all_reported_and_change_nothing(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    await sign_in(client, boss.email, PASSWORD)
    page = await client.get(f"/c/{slug}/settings")
    form = {
        "csrf_token": csrf(page.text),
        "title": "",
        "forum": "F",
        "edition": "1",
        "timezone": "Mars/Olympus",
        "scale_min": "1",
        "scale_max": "5",
        "scale_labels": "Low\nHigh",
        "default_method": "mean",
        "prior_weight": "many",
        "min_group_size": "5",
        "agenda_size": "0",
        "seats_per_group": "3",
    }
    before = snapshot(app)
    refused = await client.post(f"/c/{slug}/settings", data=form)
    assert refused.status_code == 422
    for field in ("title", "timezone", "scale_labels", "prior_weight", "agenda_size"):
        assert text_of(refused.text, "ul", id=f"{field}-error"), field
    assert snapshot(app) == before


async def test_an_error_page_after_a_rollback_still_renders_in_the_viewers_language(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    """An unexpected error rolls the request's transaction back, expiring the signed-in
    account the page header shows: the 500 page itself crashed (DetachedInstanceError) and
    the visitor got a plain-text English "Internal Server Error"."""
    person = await register(client)
    with app.state.sessions() as session:
        account = session.scalars(select(Account).where(Account.email == person.email)).one()
        assert account.display_name  # loaded
        session.rollback()  # as app.db.transaction does when the handler raises
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/c/lacigf-2017",
        "query_string": b"",
        "headers": [],
        "scheme": "http",
        "server": ("consulta.test", 80),
        "app": app,
    }
    request = Request(scope)
    request.state.viewer = Viewer(
        account=account, lang="es", csrf="", path="/c/lacigf-2017", secure=False
    )
    page = error_response(request, 500, None)
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    body = bytes(page.body).decode()
    assert elements(body, "html")[0].attrs["lang"] == "es"
    assert person.email not in body  # shown as to someone signed out
