"""The committee builds the agenda by hand too: sessions added, reordered and deleted; the
session editor reports every error at once; finalize goes through a confirmation page that
lists what becomes public and is not offered while problems block it; afterwards the editor
is read-only."""

import httpx
import pytest
from fastapi import FastAPI

from tests.actors import API, PASSWORD, Actor
from tests.snapshots import snapshot
from tests.web.html import csrf, elements, sign_in, submit, text_of
from tests.web.world import closed_with_ballots

pytestmark = pytest.mark.anyio


async def follow(client: httpx.AsyncClient, response: httpx.Response) -> httpx.Response:
    assert response.status_code == 303, response.text
    return await client.get(response.headers["location"])


async def titles(client: httpx.AsyncClient, boss: Actor, slug: str) -> list[str]:
    agenda = (await client.get(f"{API}/consultations/{slug}/agenda", headers=boss.headers)).json()
    return [s["title"] for s in agenda["sessions"]]


async def add(client: httpx.AsyncClient, slug: str, title: str) -> httpx.Response:
    workspace = f"/c/{slug}/committee"
    return await submit(
        client,
        workspace,
        f"{workspace}/sessions",
        {"new-title": title, "new-format": "keynote"},
    )


def session_links(html: str) -> list[str]:
    return [
        a.attrs["href"] for a in elements(html, "a") if "/committee/sessions/" in a.attrs["href"]
    ]


async def test_sessions_are_added_reordered_and_deleted_by_hand(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug, _ = await closed_with_ballots(client, app, participants=6)
    await sign_in(client, boss.email, PASSWORD)
    for title in ("Opening", "Closing"):
        editor = await follow(client, await add(client, slug, title))
        assert "session is added" in text_of(editor.text, "p", id="flash")
        assert elements(editor.text, "select", id="format")
    assert await titles(client, boss, slug) == ["Opening", "Closing"]
    page = await client.get(f"/c/{slug}/committee")
    second = session_links(page.text)[1].rsplit("/", 1)[1]
    moved = await follow(
        client,
        await submit(
            client,
            f"/c/{slug}/committee",
            f"/c/{slug}/committee/sessions/{second}/move",
            {"direction": "up"},
        ),
    )
    assert "new order of the sessions" in text_of(moved.text, "p", id="flash")
    assert await titles(client, boss, slug) == ["Closing", "Opening"]
    deleted = await follow(
        client,
        await submit(
            client, f"/c/{slug}/committee", f"/c/{slug}/committee/sessions/{second}/delete", {}
        ),
    )
    assert "session is deleted" in text_of(deleted.text, "p", id="flash")
    assert await titles(client, boss, slug) == ["Opening"]


async def test_a_session_without_a_title_is_refused_and_nothing_is_added(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug, _ = await closed_with_ballots(client, app, participants=6)
    await sign_in(client, boss.email, PASSWORD)
    await client.get(f"/c/{slug}/committee")  # the workspace caches the results it shows
    before = snapshot(app)
    refused = await add(client, slug, "  ")
    assert refused.status_code == 422
    assert "required" in text_of(refused.text, "ul", id="new-title-error")
    assert snapshot(app) == before


async def test_the_session_editor_reports_field_and_rule_errors_together(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug, _ = await closed_with_ballots(
        client, app, participants=6, starts_on="2030-08-01", ends_on="2030-08-03"
    )
    await sign_in(client, boss.email, PASSWORD)
    editor = await follow(client, await add(client, slug, "Opening"))
    link = f"/c/{slug}/committee/sessions/" + str(editor.url).rsplit("/", 1)[1]
    before = snapshot(app)
    form = {
        "csrf_token": csrf(editor.text),
        "title": "",
        "format": "panel",
        "starts_at": "2030-09-02T11:00",  # after the event
        "ends_at": "2030-09-02T10:00",  # and before it starts
        "room": "",
        "description": "",
        "questions": "",
        "people-0-role": "moderator",
        "people-0-name": "Ana",
        "people-0-organization": "",
        "people-0-country": "XX",
        "people-0-stakeholder_group": "",
    }
    page = await client.post(link, data=form)
    assert page.status_code == 422
    assert "required" in text_of(page.text, "ul", id="title-error")
    assert "end after it starts" in text_of(page.text, "ul", id="ends_at-error")
    assert "within the event's dates" in text_of(page.text, "ul", id="starts_at-error")
    assert "country" in text_of(page.text, "ul", id="people-0-country-error")
    assert snapshot(app) == before


async def test_the_session_editors_errors_are_in_the_pages_language(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug, _ = await closed_with_ballots(
        client, app, participants=6, starts_on="2030-08-01", ends_on="2030-08-03"
    )
    await sign_in(client, boss.email, PASSWORD)
    client.headers["Accept-Language"] = "fr"
    editor = await follow(client, await add(client, slug, "Ouverture"))
    link = f"/c/{slug}/committee/sessions/" + str(editor.url).rsplit("/", 1)[1]
    form = {"csrf_token": csrf(editor.text), "title": "Ouverture", "format": "panel"}
    late = {"starts_at": "2030-09-02T11:00", "ends_at": "2030-09-02T12:00"}  # after the event
    page = await client.post(link, data=form | late)
    assert page.status_code == 422
    assert text_of(page.text, "ul", id="starts_at-error") == (
        "La session doit avoir lieu pendant les dates de l\u2019événement, du 1 août 2030 au "
        "3 août 2030."
    )


async def test_times_are_shown_without_seconds_and_with_the_zone(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug, _ = await closed_with_ballots(
        client,
        app,
        participants=6,
        starts_on="2030-08-01",
        ends_on="2030-08-03",
        timezone="America/Panama",
    )
    response = await client.post(
        f"{API}/consultations/{slug}/agenda/sessions",
        json={
            "title": "Opening",
            "starts_at": "2030-08-02T14:00:00Z",
            "ends_at": "2030-08-02T15:30:00Z",
        },
        headers=boss.headers,
    )
    assert response.status_code == 201
    await sign_in(client, boss.email, PASSWORD)
    page = await client.get(f"/c/{slug}/committee")
    line = text_of(page.text, "ol", class_="sessions")
    assert "9:00 AM (Panama Time)" in line
    assert ":00:00" not in line
    agenda = await client.get(f"/c/{slug}/agenda")
    assert "Panama Time" in text_of(agenda.text, "p", id="zone")


async def finalizable(client: httpx.AsyncClient, boss: Actor, slug: str) -> None:
    """Every session gets a moderator and a panelist, over the API."""
    agenda = (await client.get(f"{API}/consultations/{slug}/agenda", headers=boss.headers)).json()
    people = [{"role": "moderator", "name": "Ana"}, {"role": "panelist", "name": "Bruno"}]
    for number, item in enumerate(agenda["sessions"]):
        named = [p | {"name": f"{p['name']} {number}"} for p in people]
        response = await client.patch(
            f"{API}/consultations/{slug}/agenda/sessions/{item['id']}",
            json={"people": named},
            headers=boss.headers,
        )
        assert response.status_code == 200, response.text


async def test_finalize_is_confirmed_on_a_page_that_lists_what_becomes_public(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug, _ = await closed_with_ballots(client, app, participants=6, agenda_size=2)
    await sign_in(client, boss.email, PASSWORD)
    await submit(client, f"/c/{slug}/committee", f"/c/{slug}/committee/from-ranking", {"top": "2"})
    workspace = await client.get(f"/c/{slug}/committee")
    assert not elements(workspace.text, "a", id="finalize-link")  # problems block it
    blocked = await client.get(f"/c/{slug}/committee/finalize")
    assert elements(blocked.text, "div", id="finalize-blocked")
    assert not elements(blocked.text, "form", action=f"/c/{slug}/committee/finalize")

    await finalizable(client, boss, slug)
    workspace = await client.get(f"/c/{slug}/committee")
    assert elements(workspace.text, "a", id="finalize-link")
    confirm = await client.get(f"/c/{slug}/committee/finalize")
    consequences = text_of(confirm.text, "ul", id="consequences")
    assert "agenda of 2 sessions becomes public" in consequences
    assert "cannot be reopened" in consequences
    assert "Ana 0" in text_of(confirm.text, "ol", class_="sessions")
    stored = (await client.get(f"{API}/consultations/{slug}", headers=boss.headers)).json()
    assert stored["state"] == "closed"  # the page itself changes nothing
    done = await client.post(
        f"/c/{slug}/committee/finalize", data={"csrf_token": csrf(confirm.text)}
    )
    agenda = await follow(client, done)
    assert "finalized and published" in text_of(agenda.text, "p", id="flash")

    # Afterwards the editor is read-only and every change is refused.
    link = session_links(workspace.text)[0]
    editor = await client.get(link)
    assert elements(editor.text, "p", id="read-only")
    assert not elements(editor.text, "form", action=link)
    before = snapshot(app)
    refused = await submit(client, link, f"{link}/delete", {})
    assert refused.status_code == 409
    assert snapshot(app) == before
    assert (await client.get(f"/c/{slug}/committee/finalize")).headers["location"] == (
        f"/c/{slug}/agenda"
    )
