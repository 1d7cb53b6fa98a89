import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from app.models import AgendaSession, Consultation
from tests.actors import API, PASSWORD, Actor, admin, create_consultation, move, register
from tests.databases import Reader
from tests.results.stored import store
from tests.web.html import csrf, elements, sign_in, submit, text_of
from tests.web.world import closed_with_ballots, member, open_consultation

pytestmark = pytest.mark.anyio


async def sessions(db: Reader, slug: str) -> int:
    count: int = db.scalar(
        select(func.count())
        .select_from(AgendaSession)
        .join(Consultation, Consultation.id == AgendaSession.consultation_id)
        .where(Consultation.slug == slug)
    )
    return count


async def as_member(client: httpx.AsyncClient, boss: Actor, slug: str) -> Actor:
    person = await member(client, boss, slug)
    await sign_in(client, person.email, PASSWORD)
    return person


async def test_only_the_committee_and_admins_open_the_workspace(
    client: httpx.AsyncClient, app: FastAPI, visitor: object
) -> None:
    boss, slug, _ = await closed_with_ballots(client, app, participants=10)
    anonymous = await client.get(f"/c/{slug}/committee")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == f"/login?next=/c/{slug}/committee"
    person = await register(client)
    await sign_in(client, person.email, PASSWORD)
    refused = await client.get(f"/c/{slug}/committee")
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")
    assert "program committee" in refused.text
    draft = await create_consultation(client, boss)
    assert (await client.get(f"/c/{draft['slug']}/committee")).status_code == 404
    await sign_in(client, boss.email, PASSWORD)
    assert (await client.get(f"/c/{slug}/committee")).status_code == 200


async def test_the_ranking_shows_the_cut_line_and_stability(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug, _ids = await closed_with_ballots(client, app, agenda_size=2)
    await as_member(client, boss, slug)
    page = await client.get(f"/c/{slug}/committee")
    assert page.status_code == 200
    rows = elements(page.text, "tr")
    body = [r for r in rows if "data-topic-id" in r.attrs or "cut" in r.attrs.get("class", "")]
    assert "cut" in body[2].attrs["class"]  # after the top 2
    assert all("above-cut" in r.attrs["class"] for r in body[:2])
    stability = (
        await client.get(f"{API}/consultations/{slug}/ranking/stability", headers=boss.headers)
    ).json()
    top = stability["entries"][0]
    row = next(r for r in body if r.attrs.get("data-topic-id") == str(top["topic"]["id"]))
    assert f"{round(top['p_top'] * 100)}%" in " ".join(row.text.split())


async def test_sessions_from_the_top_topics_and_the_tie_message(
    client: httpx.AsyncClient, app: FastAPI, db: Reader
) -> None:
    boss, slug, ids = await open_consultation(client, app, agenda_size=1)
    store(app, slug, [(f"p{i}", "civil_society", t, 5) for i in range(3) for t in ids[:2]])
    await move(client, boss, slug, "close")
    await as_member(client, boss, slug)
    page = await client.get(f"/c/{slug}/committee")
    straddling = [r for r in elements(page.text, "tr") if "straddles" in r.attrs.get("class", "")]
    assert {int(r.attrs["data-topic-id"]) for r in straddling} == set(ids[:2])

    refused = await submit(
        client,
        f"/c/{slug}/committee",
        f"/c/{slug}/committee/from-ranking",
        {"top": "1", "method": "mean"},
    )
    assert refused.status_code == 409
    tie = text_of(refused.text, "div", id="tie")
    assert "Net neutrality" in tie
    assert "Cybersecurity" in tie
    assert await sessions(db, slug) == 0

    created = await submit(
        client,
        f"/c/{slug}/committee",
        f"/c/{slug}/committee/from-ranking",
        {"top": "1", "method": "mean", "include_ties": "1"},
    )
    assert created.status_code == 303
    page = await client.get(created.headers["location"])
    assert "2 sessions created" in page.text
    assert await sessions(db, slug) == 2


async def test_from_ranking_without_csrf_creates_nothing(
    client: httpx.AsyncClient, app: FastAPI, db: Reader
) -> None:
    boss, slug, _ = await closed_with_ballots(client, app, participants=10)
    await as_member(client, boss, slug)
    await client.get(f"/c/{slug}/committee")
    response = await client.post(f"/c/{slug}/committee/from-ranking", data={"top": "2"})
    assert response.status_code == 403
    assert await sessions(db, slug) == 0


async def test_a_participant_cannot_post_to_the_workspace(
    client: httpx.AsyncClient, app: FastAPI, db: Reader
) -> None:
    _, slug, _ = await closed_with_ballots(client, app, participants=10)
    person = await register(client)
    await sign_in(client, person.email, PASSWORD)
    response = await submit(client, "/", f"/c/{slug}/committee/from-ranking", {"top": "2"})
    assert response.status_code == 403
    assert await sessions(db, slug) == 0


async def edit_first_session(client: httpx.AsyncClient, slug: str) -> tuple[str, str]:
    created = await submit(
        client, f"/c/{slug}/committee", f"/c/{slug}/committee/from-ranking", {"top": "2"}
    )
    assert created.status_code == 303
    page = await client.get(f"/c/{slug}/committee")
    link = next(
        a.attrs["href"]
        for a in elements(page.text, "a")
        if "/committee/sessions/" in a.attrs["href"]
    )
    editor = await client.get(link)
    assert editor.status_code == 200
    return link, csrf(editor.text)


def session_form(**changes: str) -> dict[str, str]:
    return {
        "title": "Open Internet",
        "format": "roundtable",
        "starts_at": "2030-08-02T09:00",
        "ends_at": "2030-08-02T10:30",
        "room": "Sala A",
        "description": "",
        "questions": "Who decides?\n\nHow to measure it?",
        "people-0-role": "moderator",
        "people-0-name": "Ana Pérez",
        "people-0-organization": "",
        "people-0-country": "pa",
        "people-0-stakeholder_group": "civil_society",
        "people-1-role": "panelist",
        "people-1-name": "Bruno Silva",
        "people-1-organization": "NIC.br",
        "people-1-country": "BR",
        "people-1-stakeholder_group": "technical_community",
        "people-2-role": "panelist",
        "people-2-name": "",
        "people-2-organization": "",
        "people-2-country": "",
        "people-2-stakeholder_group": "",
    } | changes


async def test_the_session_editor_saves_people_questions_and_times(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug, _ = await closed_with_ballots(
        client, app, starts_on="2030-08-01", ends_on="2030-08-03", timezone="America/Panama"
    )
    await as_member(client, boss, slug)
    link, token = await edit_first_session(client, slug)
    saved = await client.post(link, data=session_form() | {"csrf_token": token})
    assert saved.status_code == 303
    page = await client.get(saved.headers["location"])
    assert "The session is saved" in page.text
    session_id = int(link.rsplit("/", 1)[1])
    stored = next(
        s
        for s in (
            await client.get(f"{API}/consultations/{slug}/agenda", headers=boss.headers)
        ).json()["sessions"]
        if s["id"] == session_id
    )
    assert stored["title"] == "Open Internet"
    assert stored["questions"] == ["Who decides?", "How to measure it?"]
    assert [(p["role"], p["name"], p["country"]) for p in stored["people"]] == [
        ("moderator", "Ana Pérez", "PA"),
        ("panelist", "Bruno Silva", "BR"),
    ]
    assert stored["starts_at"] == "2030-08-02T14:00:00Z"  # 09:00 in Panama
    assert elements(page.text, "input", id="people-0-name")[0].attrs["value"] == "Ana Pérez"
    assert elements(page.text, "input", id="starts_at")[0].attrs["value"] == "2030-08-02T09:00"


async def test_session_editor_errors_are_shown_by_field_and_save_nothing(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug, _ = await closed_with_ballots(
        client, app, starts_on="2030-08-01", ends_on="2030-08-03"
    )
    await as_member(client, boss, slug)
    link, token = await edit_first_session(client, slug)
    bad_person = await client.post(
        link,
        data=session_form(**{"people-1-country": "Brasil", "title": ""}) | {"csrf_token": token},
    )
    assert bad_person.status_code == 422
    assert "country from the list" in text_of(bad_person.text, "ul", id="people-1-country-error")
    assert "required" in text_of(bad_person.text, "ul", id="title-error")
    backwards = await client.post(
        link, data=session_form(ends_at="2030-08-02T08:00") | {"csrf_token": token}
    )
    assert backwards.status_code == 422
    assert "end after it starts" in text_of(backwards.text, "ul", id="ends_at-error")
    agenda = (await client.get(f"{API}/consultations/{slug}/agenda", headers=boss.headers)).json()
    assert all(s["people"] == [] for s in agenda["sessions"])


async def test_finalize_lists_blocking_problems_then_publishes(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug, _ = await closed_with_ballots(client, app, agenda_size=1)
    await as_member(client, boss, slug)
    _link, _token = await edit_first_session(client, slug)
    page = await client.get(f"/c/{slug}/committee")
    assert elements(page.text, "ul", id="blocking")
    refused = await submit(client, f"/c/{slug}/committee", f"/c/{slug}/committee/finalize", {})
    assert refused.status_code == 409
    assert elements(refused.text, "div", id="finalize-refused")
    assert "moderator" in text_of(refused.text, "ul", id="blocking")

    # Session 2 exists too (top 2); give both a moderator and a panelist.
    page = await client.get(f"/c/{slug}/committee")
    links = [
        a.attrs["href"]
        for a in elements(page.text, "a")
        if "/committee/sessions/" in a.attrs["href"]
    ]
    for target in links:
        editor = await client.get(target)
        form = session_form(starts_at="", ends_at="") | {"csrf_token": csrf(editor.text)}
        form["title"] = text_of(editor.text, "h1").split(": ", 1)[1]
        assert (await client.post(target, data=form)).status_code == 303
    page = await client.get(f"/c/{slug}/committee")
    assert elements(page.text, "p", id="no-blocking")
    done = await submit(client, f"/c/{slug}/committee", f"/c/{slug}/committee/finalize", {})
    assert done.status_code == 303
    assert done.headers["location"] == f"/c/{slug}/agenda"
    client.cookies.clear()
    public = await client.get(f"/c/{slug}/agenda")
    assert public.status_code == 200
    assert "Ana Pérez" in public.text


async def test_an_admin_uses_the_workspace_too(client: httpx.AsyncClient, app: FastAPI) -> None:
    boss = await admin(client, app)
    assert boss.id is not None
    page = await client.get("/c/lacigf-2017/committee")
    assert page.status_code == 303
    await sign_in(client, boss.email, PASSWORD)
    page = await client.get("/c/lacigf-2017/committee")
    assert page.status_code == 200
    assert "The agenda is finalized" in page.text


async def test_the_session_editor_takes_translations_and_the_agenda_shows_them(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug, _ = await closed_with_ballots(
        client, app, starts_on="2030-08-01", ends_on="2030-08-03", timezone="America/Panama"
    )
    await sign_in(client, boss.email, PASSWORD)
    link, token = await edit_first_session(client, slug)
    editor = await client.get(link)
    assert elements(editor.text, "input", name="translations-fr-title")
    assert not elements(editor.text, "input", name="translations-en-title")
    form = session_form(
        **{
            "translations-pt-title": "Internet aberta",
            "translations-pt-questions": "Quem decide?\n\nComo medir?",
            "translations-fr-title": "",
        }
    )
    saved = await client.post(link, data=form | {"csrf_token": token})
    assert saved.status_code == 303, saved.text
    agenda = await client.get(
        f"{API}/consultations/{slug}/agenda", headers={**boss.headers, "Accept-Language": "pt"}
    )
    first = agenda.json()["sessions"][0]
    assert first["translations"] == {
        "pt": {"title": "Internet aberta", "questions": ["Quem decide?", "Como medir?"]}
    }
    assert first["title"] == "Internet aberta"
    page = await client.get(f"/c/{slug}/agenda", headers={"Accept-Language": "pt"})
    assert "Internet aberta" in text_of(page.text, "h2")
    assert "Quem decide?" in page.text
    refused = await client.post(
        link, data=form | {"translations-es-title": "x" * 301, "csrf_token": token}
    )
    assert refused.status_code == 422
    assert elements(refused.text, "ul", id="translations-es-title-error")
