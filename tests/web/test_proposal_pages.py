"""The call for topics on the pages: the call, the form with its similar-topics step, my
proposals, support, and the committee's queue with bulk decisions and merges."""

import httpx
import pytest
from fastapi import FastAPI

from tests.actors import API, PASSWORD, Actor, add_topics, admin, create_consultation, register
from tests.mail import mails
from tests.snapshots import snapshot
from tests.web.conftest import Visitor
from tests.web.html import csrf, elements, sign_in, submit, text_of

pytestmark = pytest.mark.anyio


async def open_call(client: httpx.AsyncClient, app: FastAPI, visitor: Visitor) -> tuple[Actor, str]:
    """A draft with one topic whose call for topics an admin opens from Manage."""
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss, title="LACIGF 2030"))["slug"])
    await add_topics(client, boss, slug, ["Neutralidad de la red"])
    browser = await visitor()
    await sign_in(browser, boss.email, PASSWORD)
    manage = await browser.get(f"/c/{slug}/manage")
    assert elements(manage.text, "form", id="open-call")
    opened = await submit(browser, f"/c/{slug}/manage", f"/c/{slug}/proposals/open", {})
    assert opened.status_code == 303
    assert opened.headers["location"] == f"/c/{slug}/proposals"
    return boss, slug


async def test_propose_with_the_similar_step_then_see_it_in_my_proposals(
    client: httpx.AsyncClient, app: FastAPI, visitor: Visitor
) -> None:
    _boss, slug = await open_call(client, app, visitor)
    other = await register(client)
    response = await client.post(
        f"{API}/consultations/{slug}/proposals",
        json={"title": "Inclusao digital nas escolas", "description": "Escolas."},
        headers=other.headers,
    )
    assert response.status_code == 201
    person = await register(client)
    browser = await visitor()
    call = await browser.get(f"/c/{slug}/proposals")
    assert elements(call.text, "p", id="call-until")
    assert "Sign in to propose a topic" in call.text
    await sign_in(browser, person.email, PASSWORD)
    form = f"/c/{slug}/proposals/new"
    before = snapshot(app)
    checked = await submit(
        browser,
        form,
        form,
        {"title": "Inclusão Digital", "description": "Acesso.", "step": "check"},
    )
    assert checked.status_code == 200
    assert "Inclusao digital nas escolas" in text_of(checked.text, "section", id="similar")
    assert snapshot(app) == before  # checking stores nothing
    empty = await submit(browser, form, form, {"title": "", "description": "", "step": "submit"})
    assert empty.status_code == 422
    assert snapshot(app) == before
    sent = await submit(
        browser,
        form,
        form,
        {"title": "Inclusão Digital", "description": "Acesso.", "step": "submit"},
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/c/{slug}/proposals/mine"
    mine = await browser.get(f"/c/{slug}/proposals/mine")
    assert "Inclusão Digital" in mine.text
    assert "Submitted" in mine.text
    # Supporting the other proposal from the public list.
    listing = await browser.get(f"/c/{slug}/proposals")
    target = response.json()["id"]
    supported = await browser.post(
        f"/c/{slug}/proposals/{target}/support", data={"csrf_token": csrf(listing.text)}
    )
    assert supported.status_code == 303
    listing = await browser.get(f"/c/{slug}/proposals")
    assert "1 supporter" in text_of(listing.text, "li", id=f"proposal-{target}")
    assert person.email not in listing.text
    assert other.email not in listing.text


async def test_the_committee_queue_accepts_and_rejects_in_bulk_and_merges(
    client: httpx.AsyncClient, app: FastAPI, visitor: Visitor
) -> None:
    boss, slug = await open_call(client, app, visitor)
    ids = []
    people = [await register(client) for _ in range(4)]
    for n, person in enumerate(people):
        response = await client.post(
            f"{API}/consultations/{slug}/proposals",
            json={"title": f"Tema {n}", "description": "Por qué."},
            headers=person.headers,
        )
        ids.append(response.json()["id"])
    browser = await visitor()
    await sign_in(browser, boss.email, PASSWORD)
    queue = f"/c/{slug}/proposals/review"
    page = await browser.get(queue)
    assert all(elements(page.text, "input", id=f"pick-{i}") for i in ids)
    token = csrf(page.text)
    before = snapshot(app)
    no_reason = await browser.post(
        queue, data={"csrf_token": token, "action": "reject", "proposal": [str(ids[2])]}
    )
    assert no_reason.status_code == 422
    assert snapshot(app) == before
    accepted = await browser.post(
        queue,
        data={"csrf_token": token, "action": "accept", "proposal": [str(ids[0]), str(ids[1])]},
    )
    assert accepted.status_code == 303
    rejected = await browser.post(
        queue,
        data={
            "csrf_token": token,
            "action": "reject",
            "reason": "Fuera de tema.",
            "proposal": [str(ids[2])],
        },
    )
    assert rejected.status_code == 303
    merged = await browser.post(
        f"/c/{slug}/proposals/{ids[3]}/merge", data={"csrf_token": token, "into": f"p{ids[0]}"}
    )
    assert merged.status_code == 303
    listing = (await client.get(f"{API}/consultations/{slug}/proposals")).json()["items"]
    assert [p["status"] for p in listing] == ["accepted", "accepted", "rejected", "merged"]
    topics = (await client.get(f"{API}/consultations/{slug}/topics")).json()["items"]
    assert {"Tema 0", "Tema 1"} <= {t["title"] for t in topics}
    rejection = [
        m
        for m in mails(app.state.sessions, people[2].email)
        if m["template"] == "proposal_decision"
    ]
    assert "Fuera de tema." in rejection[0]["text"]
    topics_page = await browser.get(f"/c/{slug}/topics")
    assert f"From proposal {ids[0]} · merged proposals: {ids[3]}" in topics_page.text
    shown = await browser.get(queue, params={"status": "accepted"})
    assert "Tema 0" in shown.text
    assert "Tema 2" not in shown.text


async def test_the_call_in_spanish(
    client: httpx.AsyncClient, app: FastAPI, visitor: Visitor
) -> None:
    _, slug = await open_call(client, app, visitor)
    page = await client.get(f"/c/{slug}/proposals", headers={"Accept-Language": "es"})
    assert "Convocatoria de temas" in text_of(page.text, "h1")
    home = await client.get("/", headers={"Accept-Language": "es"})
    assert slug in home.text


async def test_only_participants_propose_and_only_the_committee_reviews(
    client: httpx.AsyncClient, app: FastAPI, visitor: Visitor
) -> None:
    _, slug = await open_call(client, app, visitor)
    anonymous = await client.get(f"/c/{slug}/proposals/new")
    assert anonymous.status_code == 303
    person = await register(client)
    browser = await visitor()
    await sign_in(browser, person.email, PASSWORD)
    assert (await browser.get(f"/c/{slug}/proposals/new")).status_code == 200
    assert (await browser.get(f"/c/{slug}/proposals/review")).status_code == 403


async def test_proposals_are_shown_in_the_readers_language_with_a_visible_fallback(
    client: httpx.AsyncClient, app: FastAPI, visitor: Visitor
) -> None:
    boss, slug = await open_call(client, app, visitor)
    person = await register(client)
    url = f"{API}/consultations/{slug}/proposals"
    pt = {"title": "Inclusão digital", "description": "Acesso para todos."}
    body = {"title": "Digital inclusion", "description": "Access.", "translations": {"pt": pt}}
    translated = (await client.post(url, json=body, headers=person.headers)).json()["id"]
    plain = (
        await client.post(
            url, json={"title": "Open data", "description": "Data."}, headers=person.headers
        )
    ).json()["id"]
    portuguese = {"Accept-Language": "pt"}

    call = await client.get(f"/c/{slug}/proposals", headers=portuguese)
    shown = text_of(call.text, "li", id=f"proposal-{translated}")
    assert "Inclusão digital" in shown
    assert "Acesso para todos." in shown
    assert "ainda sem tradução" not in shown
    assert "(ainda sem tradução)" in text_of(call.text, "li", id=f"proposal-{plain}")
    # In English, marked: the untranslated consultation's title in the heading, and the
    # untranslated proposal's texts.
    in_english = ["LACIGF 2030", "Open data", "Data."]
    assert [e.text for e in elements(call.text, "span", lang="en")] == in_english

    browser = await visitor()
    await sign_in(browser, person.email, PASSWORD)
    mine = await browser.get(f"/c/{slug}/proposals/mine", headers=portuguese)
    assert "Inclusão digital" in text_of(mine.text, "li", id=f"proposal-{translated}")
    assert [e.text for e in elements(mine.text, "span", lang="en")][:2] == in_english[:2]
    reviewer = await visitor()
    await sign_in(reviewer, boss.email, PASSWORD)
    queue = await reviewer.get(f"/c/{slug}/proposals/review", headers=portuguese)
    assert "Inclusão digital" in text_of(queue.text, "label", for_=f"pick-{translated}")
    assert [e.text for e in elements(queue.text, "span", lang="en")][:2] == in_english[:2]
    english = await reviewer.get(f"/c/{slug}/proposals/review", headers={"Accept-Language": "en"})
    assert not elements(english.text, "span", class_="untranslated")


async def test_the_proposal_form_takes_optional_translations(
    client: httpx.AsyncClient, app: FastAPI, visitor: Visitor
) -> None:
    _, slug = await open_call(client, app, visitor)
    person = await register(client)
    browser = await visitor()
    await sign_in(browser, person.email, PASSWORD)
    form = f"/c/{slug}/proposals/new"
    page = await browser.get(form)
    assert "English" in text_of(page.text, "p", id="original-language")
    assert elements(page.text, "input", name="translations-pt-title")
    assert not elements(page.text, "input", name="translations-en-title")
    assert "open" not in elements(page.text, "details", id="translations")[0].attrs
    fields = {"title": "Digital inclusion", "description": "Access.", "step": "submit"}
    before = snapshot(app)
    refused = await submit(browser, form, form, fields | {"translations-pt-title": "x" * 301})
    assert refused.status_code == 422
    assert elements(refused.text, "ul", id="translations-pt-title-error")
    assert "open" in elements(refused.text, "details", id="translations")[0].attrs
    assert snapshot(app) == before
    sent = await submit(
        browser,
        form,
        form,
        fields
        | {"translations-pt-title": "Inclusão digital", "translations-fr-description": "Accès."},
    )
    assert sent.status_code == 303
    listing = await client.get(f"{API}/consultations/{slug}/proposals")
    assert listing.json()["items"][0]["translations"] == {
        "fr": {"description": "Accès."},
        "pt": {"title": "Inclusão digital"},
    }


async def test_a_bulk_decision_refused_for_one_proposal_changes_none(
    client: httpx.AsyncClient, app: FastAPI, visitor: Visitor
) -> None:
    """All or none: rejecting two proposals of which one is decided already is 409 and leaves
    the other undecided, unmailed and unaudited (the first was rejected and mailed)."""
    boss, slug = await open_call(client, app, visitor)
    ids = []
    for n in range(2):
        response = await client.post(
            f"{API}/consultations/{slug}/proposals",
            json={"title": f"Tema {n}", "description": "Por qué."},
            headers=(await register(client)).headers,
        )
        ids.append(response.json()["id"])
    browser = await visitor()
    await sign_in(browser, boss.email, PASSWORD)
    queue = f"/c/{slug}/proposals/review"
    token = csrf((await browser.get(queue)).text)
    first = {"csrf_token": token, "action": "reject", "reason": "Fuera de tema."}
    assert (await browser.post(queue, data=first | {"proposal": [str(ids[1])]})).status_code == 303
    for action in ("reject", "accept"):
        before = snapshot(app)
        both = first | {"action": action, "proposal": [str(ids[0]), str(ids[1])]}
        refused = await browser.post(queue, data=both)
        assert refused.status_code == 409, refused.text
        assert snapshot(app) == before, action


async def test_ids_no_database_can_hold_are_answered_and_change_nothing(
    client: httpx.AsyncClient, app: FastAPI, visitor: Visitor
) -> None:
    """An id past 64 bits in a page's address or form was a 500 ("Python int too large to
    convert to SQLite INTEGER"): it names nothing."""
    boss, slug = await open_call(client, app, visitor)
    made = await client.post(
        f"{API}/consultations/{slug}/proposals",
        json={"title": "Tema", "description": "Por qué."},
        headers=(await register(client)).headers,
    )
    proposal = made.json()["id"]
    browser = await visitor()
    await sign_in(browser, boss.email, PASSWORD)
    token = csrf((await browser.get(f"/c/{slug}/proposals/review")).text)
    huge = str(10**20)
    cases: list[tuple[str, str, dict[str, object] | None, int]] = [
        ("GET", f"/c/{slug}/topics/{huge}", None, 404),
        ("POST", f"/c/{slug}/topics/{huge}/delete", {}, 404),
        ("POST", f"/c/{slug}/topics/{huge}/move", {"direction": "up"}, 404),
        ("POST", f"/c/{slug}/proposals/{huge}/support", {}, 404),
        ("POST", f"/c/{slug}/proposals/{huge}/merge", {"into": f"p{proposal}"}, 404),
        ("POST", f"/c/{slug}/proposals/{proposal}/merge", {"into": f"t{huge}"}, 422),
        ("POST", f"/c/{slug}/proposals/{proposal}/merge", {"into": f"p{huge}"}, 422),
        ("POST", f"/c/{slug}/proposals/review", {"action": "accept", "proposal": [huge]}, 404),
        ("POST", f"/c/{slug}/committee/sessions/{huge}/move", {"direction": "up"}, 404),
        ("POST", f"/c/{slug}/committee/sessions/{huge}/delete", {}, 404),
    ]
    before = snapshot(app)
    for method, url, data, status in cases:
        form = None if data is None else {"csrf_token": token} | data
        response = await browser.request(method, url, data=form)
        assert response.status_code == status, (method, url, data, response.status_code)
        assert response.headers["content-type"].startswith("text/html")
    assert snapshot(app) == before
