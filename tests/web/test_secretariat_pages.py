"""The secretariat runs a consultation from the pages: create it, set it up, add and order
topics, open, close and reopen behind confirmation pages, seat the committee, read the audit
log. Each form: its success message, its refusals, and nothing changed by bad input."""

import httpx
import pytest
from fastapi import FastAPI

from tests.actors import API, PASSWORD, Actor, add_topics, admin, create_consultation, register
from tests.snapshots import snapshot
from tests.web.html import csrf, elements, sign_in, submit, text_of
from tests.web.world import open_consultation

pytestmark = pytest.mark.anyio


async def secretariat(client: httpx.AsyncClient, app: FastAPI) -> Actor:
    boss = await admin(client, app)
    await sign_in(client, boss.email, PASSWORD)
    return boss


def flash(html: str) -> str:
    return text_of(html, "p", id="flash")


async def follow(client: httpx.AsyncClient, response: httpx.Response) -> httpx.Response:
    assert response.status_code == 303, response.text
    return await client.get(response.headers["location"])


NEW = {
    "title": "LACIGF 2031",
    "slug": "lacigf-2031",
    "forum": "LACIGF",
    "edition": "2031",
    "description": "Which topics should the forum discuss?",
    "secretariat": "",
    "city": "Montevideo",
    "country": "UY",
    "starts_on": "2031-08-05",
    "ends_on": "2031-08-07",
    "timezone": "America/Montevideo",
    "closes_at": "2031-07-15T18:00",
    "scale_min": "1",
    "scale_max": "5",
    "scale_labels": "Not relevant\nSlightly\nRelevant\nVery\nEssential",
    "default_method": "mean",
    "prior_weight": "5",
    "min_group_size": "5",
    "agenda_size": "6",
    "seats_per_group": "3",
    "copy_topics_from": "lacigf-2017",
}


async def test_an_admin_creates_a_consultation_from_last_editions_topics(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await secretariat(client, app)
    form = await client.get("/consultations/new")
    assert form.status_code == 200
    assert elements(form.text, "option", value="lacigf-2017")  # an earlier edition to copy
    assert "Panama" in text_of(form.text, "select", id="country")  # names, not codes
    hints = elements(form.text, "p", class_="hint")
    assert len(hints) >= 15  # every setting explained in plain words
    page = await follow(
        client, await submit(client, "/consultations/new", "/consultations/new", NEW)
    )
    assert "created as a draft" in flash(page.text)
    made = (await client.get(f"{API}/consultations/lacigf-2031", headers=boss.headers)).json()
    assert made["state"] == "draft"
    assert made["closes_at"] == "2031-07-15T21:00:00Z"  # 18:00 in Montevideo (UTC-3)
    assert made["scale_labels"][0] == "Not relevant"
    assert made["counts"]["topics"] > 5  # the 2017 edition's topics
    again = await client.get("/c/lacigf-2031")
    assert "Ratings close on" in text_of(again.text, "p", id="closes-at")


async def test_a_new_consultation_reports_every_error_at_once_and_saves_nothing(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await secretariat(client, app)
    before = snapshot(app)
    bad = NEW | {
        "slug": "Not A Slug",
        "title": "",
        "country": "XX",
        "scale_min": "4",
        "scale_max": "2",
        "ends_on": "2031-08-01",
        "closes_at": "tomorrow",
    }
    page = await submit(client, "/consultations/new", "/consultations/new", bad)
    assert page.status_code == 422
    for field in ("slug", "title", "country", "scale_max", "ends_on", "closes_at"):
        assert text_of(page.text, "ul", id=f"{field}-error"), field
    assert elements(page.text, "input", id="forum")[0].attrs["value"] == "LACIGF"  # kept
    assert snapshot(app) == before


async def test_only_an_admin_may_create_a_consultation(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    anonymous = await client.get("/consultations/new")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/login?next=/consultations/new")
    person = await register(client)
    await sign_in(client, person.email, PASSWORD)
    assert (await client.get("/consultations/new")).status_code == 403
    before = snapshot(app)
    refused = await submit(client, "/", "/consultations/new", NEW)
    assert refused.status_code == 403
    assert snapshot(app) == before


async def test_settings_are_saved_and_the_rules_freeze_once_open(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await secretariat(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    form = await client.get(f"/c/{slug}/settings")
    values = {
        e.attrs["name"]: e.attrs.get("value", "")
        for e in elements(form.text, "input")
        if e.attrs.get("type") not in ("hidden", "checkbox")
    }
    values |= {"title": "Renamed", "agenda_size": "4", "default_method": "schulze"}
    values |= {"country": "UY", "scale_labels": "", "description": "", "secretariat": ""}
    page = await follow(
        client, await submit(client, f"/c/{slug}/settings", f"/c/{slug}/settings", values)
    )
    assert "settings are saved" in flash(page.text)
    stored = (await client.get(f"{API}/consultations/{slug}", headers=boss.headers)).json()
    assert (stored["title"], stored["agenda_size"], stored["default_method"]) == (
        "Renamed",
        4,
        "schulze",
    )
    assert stored["country"] == "UY"

    await add_topics(client, boss, slug, ["Access"])
    await client.post(f"{API}/consultations/{slug}/open", headers=boss.headers)
    frozen = await client.get(f"/c/{slug}/settings")
    assert elements(frozen.text, "p", id="rules-frozen")
    assert "disabled" in elements(frozen.text, "fieldset", class_="inner")[0].attrs
    changed = values | {"title": "Open now", "agenda_size": "9"}
    page = await follow(
        client, await submit(client, f"/c/{slug}/settings", f"/c/{slug}/settings", changed)
    )
    stored = (await client.get(f"{API}/consultations/{slug}", headers=boss.headers)).json()
    assert (stored["title"], stored["agenda_size"]) == ("Open now", 4)  # rules kept


def settings_form(html: str) -> dict[str, str]:
    """The settings form's fields as the page fills them (inputs, text areas, selects)."""
    values = {
        e.attrs["name"]: e.attrs.get("value", "")
        for e in elements(html, "input")
        if e.attrs.get("type") not in ("hidden", "checkbox") and "name" in e.attrs
    }
    values |= {e.attrs["name"]: e.text for e in elements(html, "textarea")}
    for select in elements(html, "select"):
        chosen = [o for o in select.children if o.tag == "option" and "selected" in o.attrs]
        values[select.attrs["name"]] = chosen[0].attrs["value"] if chosen else ""
    return values


async def test_the_levels_names_are_translated_on_the_settings_page_until_the_rules_freeze(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await secretariat(client, app)
    labels = ["Not relevant", "Slightly", "Relevant", "Very", "Essential"]
    made = await create_consultation(
        client, boss, scale_labels=labels, translations={"fr": {"title": "Quels thèmes ?"}}
    )
    slug, action = str(made["slug"]), f"/c/{made['slug']}/settings"
    page = await client.get(action)
    assert elements(page.text, "textarea", name="translations-pt-scale_labels")
    assert not elements(page.text, "textarea", name="translations-en-scale_labels")
    form = settings_form(page.text)
    assert form["translations-fr-title"] == "Quels thèmes ?"
    portuguese = "Nada relevante\r\nPouco\r\nRelevante\r\nBastante\r\nEssencial"

    before = snapshot(app)
    forged = await client.post(action, data=form | {"translations-pt-scale_labels": portuguese})
    assert forged.status_code == 403  # no CSRF token
    short = await submit(client, action, action, form | {"translations-pt-scale_labels": "Um"})
    assert short.status_code == 422
    said = text_of(short.text, "ul", id="translations-pt-scale_labels-error")
    assert said == "Give exactly one label per level, one per line."
    assert text_of(short.text, "textarea", id="translations-pt-scale_labels") == "Um"  # kept
    too_long = await submit(
        client, action, action, form | {"translations-es-scale_labels": "x" * 101 + "\nb" * 4}
    )
    assert too_long.status_code == 422
    assert text_of(too_long.text, "ul", id="translations-es-scale_labels-0-error")
    assert snapshot(app) == before

    saved = await submit(
        client, action, action, form | {"translations-pt-scale_labels": portuguese}
    )
    assert "settings are saved" in flash((await follow(client, saved)).text)
    stored = (await client.get(f"{API}/consultations/{slug}", headers=boss.headers)).json()
    assert stored["translations"] == {
        "fr": {"title": "Quels thèmes ?"},
        "pt": {"scale_labels": ["Nada relevante", "Pouco", "Relevante", "Bastante", "Essencial"]},
    }

    # Once open, the names freeze with the rules: shown, disabled, and kept as they are.
    await add_topics(client, boss, slug, ["Access"])
    await client.post(f"{API}/consultations/{slug}/open", headers=boss.headers)
    frozen = await client.get(action)
    field = elements(frozen.text, "textarea", name="translations-pt-scale_labels")[0]
    assert "disabled" in field.attrs
    assert field.text.splitlines()[0] == "Nada relevante"
    changed = settings_form(frozen.text) | {"translations-pt-scale_labels": "A\nB\nC\nD\nE"}
    await follow(client, await submit(client, action, action, changed))
    stored = (await client.get(f"{API}/consultations/{slug}", headers=boss.headers)).json()
    assert stored["translations"]["pt"]["scale_labels"][0] == "Nada relevante"
    ballot = await client.get(f"/c/{slug}", headers={"Accept-Language": "pt"})
    assert "Bastante" in ballot.text


async def test_topics_are_added_edited_reordered_and_deleted_while_draft(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await secretariat(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    topics = f"/c/{slug}/topics"
    for title in ("Access", "Rights", "Security"):
        page = await follow(
            client, await submit(client, topics, topics, {"title": title, "description": ""})
        )
        assert "topic is added" in flash(page.text)

    async def listed() -> list[tuple[int, str]]:
        rows = (await client.get(f"{API}/consultations/{slug}/topics", headers=boss.headers)).json()
        return [(t["id"], t["title"]) for t in rows["items"]]

    ids = [i for i, _ in await listed()]
    page = await follow(
        client, await submit(client, topics, f"{topics}/{ids[2]}/move", {"direction": "up"})
    )
    assert "new order" in flash(page.text)
    assert [t for _, t in await listed()] == ["Access", "Security", "Rights"]
    edited = await submit(
        client,
        f"{topics}/{ids[0]}",
        f"{topics}/{ids[0]}",
        {"title": "Meaningful access", "description": "For all"},
    )
    assert "topic is saved" in flash((await follow(client, edited)).text)
    page = await follow(client, await submit(client, topics, f"{topics}/{ids[1]}/delete", {}))
    assert "topic is deleted" in flash(page.text)
    assert [t for _, t in await listed()] == ["Meaningful access", "Security"]


async def test_a_duplicate_or_empty_topic_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await secretariat(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    await add_topics(client, boss, slug, ["Access"])
    before = snapshot(app)
    page = await submit(client, f"/c/{slug}/topics", f"/c/{slug}/topics", {"title": "access"})
    assert page.status_code == 422
    assert "already has this title" in text_of(page.text, "ul", id="title-error")
    empty = await submit(client, f"/c/{slug}/topics", f"/c/{slug}/topics", {"title": " "})
    assert "required" in text_of(empty.text, "ul", id="title-error")
    assert snapshot(app) == before


async def test_topics_freeze_once_the_consultation_opens(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug, ids = await open_consultation(client, app)
    await sign_in(client, boss.email, PASSWORD)
    page = await client.get(f"/c/{slug}/topics")
    assert elements(page.text, "p", id="topics-frozen")
    assert not elements(page.text, "form", action=f"/c/{slug}/topics")
    before = snapshot(app)
    refused = await submit(client, f"/c/{slug}/topics", f"/c/{slug}/topics/{ids[0]}/delete", {})
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("text/html")
    assert snapshot(app) == before


async def test_open_close_and_reopen_go_through_a_confirmation_page(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await secretariat(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    manage = await client.get(f"/c/{slug}/manage")
    assert f"/c/{slug}/open" in {a.attrs["href"] for a in elements(manage.text, "a")}

    before = snapshot(app)
    refused = await submit(client, f"/c/{slug}/open", f"/c/{slug}/open", {})
    assert refused.status_code == 409  # no topic yet
    assert "at least one topic" in text_of(refused.text, "div", id="refused")
    assert snapshot(app) == before

    await add_topics(client, boss, slug, ["Access"])
    for move, word, state in (
        ("open", "is open", "open"),
        ("close", "is closed", "closed"),
        ("reopen", "open again", "open"),
    ):
        confirm = await client.get(f"/c/{slug}/{move}")
        assert confirm.status_code == 200
        assert elements(confirm.text, "ul", id="consequences")
        stored = (await client.get(f"{API}/consultations/{slug}", headers=boss.headers)).json()
        assert stored["state"] != state  # the confirmation page changes nothing
        page = await follow(
            client, await client.post(f"/c/{slug}/{move}", data={"csrf_token": csrf(confirm.text)})
        )
        assert word in flash(page.text)
        stored = (await client.get(f"{API}/consultations/{slug}", headers=boss.headers)).json()
        assert stored["state"] == state
    not_now = await client.get(f"/c/{slug}/open")
    assert elements(not_now.text, "p", id="not-allowed")


async def test_the_committee_sees_manage_but_not_the_admins_moves(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    person = await register(client)
    response = await client.post(
        f"{API}/consultations/{slug}/committee",
        json={"name": "M", "stakeholder_group": "government", "email": person.email},
        headers=boss.headers,
    )
    assert response.status_code == 201
    await sign_in(client, person.email, PASSWORD)
    manage = await client.get(f"/c/{slug}/manage")
    assert manage.status_code == 200
    hrefs = {a.attrs["href"] for a in elements(manage.text, "a")}
    assert f"/c/{slug}/topics" in hrefs
    assert f"/c/{slug}/settings" not in hrefs
    assert f"/c/{slug}/open" not in hrefs
    assert (await client.get(f"/c/{slug}/settings")).status_code == 403
    assert (await client.get(f"/c/{slug}/open")).status_code == 403
    seats = await client.get(f"/c/{slug}/seats")
    assert seats.status_code == 200
    assert not elements(seats.text, "form", action=f"/c/{slug}/seats")


async def test_seating_and_unseating_the_committee(client: httpx.AsyncClient, app: FastAPI) -> None:
    boss = await secretariat(client, app)
    slug = str((await create_consultation(client, boss, seats_per_group=1))["slug"])
    seats = f"/c/{slug}/seats"
    assert len(elements((await client.get(seats)).text, "li", class_="vacant")) == 4
    member = {
        "name": "Ana",
        "stakeholder_group": "civil_society",
        "organization": "ONG",
        "country": "PA",
    }
    page = await follow(client, await submit(client, seats, seats, member))
    assert "is seated" in flash(page.text)
    assert "Ana, ONG (Panama)" in text_of(page.text, "section", id="group-civil_society")
    assert len(elements(page.text, "li", class_="vacant")) == 3

    before = snapshot(app)
    full = await submit(client, seats, seats, member | {"name": "Bea"})
    assert full.status_code == 422
    assert "already has its 1 seats" in text_of(full.text, "div", id="error-summary")
    bad = await submit(
        client, seats, seats, {"name": "", "stakeholder_group": "other", "country": "ZZ"}
    )
    for field in ("name", "stakeholder_group", "country"):
        assert text_of(bad.text, "ul", id=f"{field}-error"), field
    assert snapshot(app) == before

    # An email with no verified account: the seat is taken and an invitation mailed.
    invited = await follow(
        client,
        await submit(
            client,
            seats,
            seats,
            member | {"stakeholder_group": "government", "email": "nobody@example.org"},
        ),
    )
    assert "invitation was mailed" in flash(invited.text)
    assert len(elements(invited.text, "li", class_="vacant")) == 2

    member_id = next(
        e.attrs["id"].removeprefix("member-")
        for e in elements(page.text, "li")
        if e.attrs.get("id", "").startswith("member-")
    )
    page = await follow(client, await submit(client, seats, f"{seats}/{member_id}/unseat", {}))
    assert "unseated" in flash(page.text)
    assert len(elements(page.text, "li", class_="vacant")) == 3


async def test_the_audit_log_lists_every_change(client: httpx.AsyncClient, app: FastAPI) -> None:
    boss = await secretariat(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    await add_topics(client, boss, slug, ["Access", "Rights"])
    page = await client.get(f"/c/{slug}/audit")
    assert page.status_code == 200
    actions = [" ".join(e.text.split()) for e in elements(page.text, "th", scope="row")]
    assert [a.split()[0] for a in actions] == [
        "consultation.create",
        "topic.create",
        "topic.create",
    ]
    assert boss.email in text_of(page.text, "table", class_="audit")
    person = await register(client)
    await sign_in(client, person.email, PASSWORD)
    assert (await client.get(f"/c/{slug}/audit")).status_code == 404  # a draft is hidden
