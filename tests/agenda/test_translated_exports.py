"""Sessions' texts in several languages: the agenda with Accept-Language, and report.md,
agenda.ics, schedule.json and schedule.xml with ?lang=, whose ids do not change."""

import httpx
import pytest
from fastapi import FastAPI

from tests.agenda.edition import add_sessions, closed_edition
from tests.agenda.test_schedule import events_of, validate_json, validate_xml

pytestmark = pytest.mark.anyio


async def test_the_agenda_and_its_exports_come_in_the_language_asked(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    edition = await closed_edition(client, app)
    ids = await add_sessions(client, edition)
    rights = ids[2]
    headers = edition.committee.headers
    patched = await client.patch(
        edition.url(f"agenda/sessions/{rights}"),
        json={"translations": {"pt": {"title": "Direitos online"}}},
        headers=headers,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["translations"] == {"pt": {"title": "Direitos online"}}
    consultation = await client.patch(
        edition.url("")[:-1],
        json={"translations": {"pt": {"title": "Fórum 2030"}}},
        headers=edition.admin.headers,
    )
    assert consultation.status_code == 200, consultation.text

    agenda = await client.get(edition.url("agenda"), headers={**headers, "Accept-Language": "pt"})
    session = next(s for s in agenda.json()["sessions"] if s["id"] == rights)
    assert (session["title"], session["language"]) == ("Direitos online", "pt")
    other = next(s for s in agenda.json()["sessions"] if s["id"] == ids[0])
    assert (other["title"], other["language"]) == ("Opening keynote", "en")

    report = (await client.get(edition.url("report.md?lang=pt"), headers=headers)).text
    assert "Direitos online" in report
    assert "Fórum 2030" in report
    assert "Rights online" in (await client.get(edition.url("report.md"), headers=headers)).text

    calendar = (await client.get(edition.url("agenda.ics?lang=pt"), headers=headers)).text
    assert "SUMMARY:Direitos online" in calendar

    plain = (await client.get(edition.url("schedule.json"), headers=headers)).json()
    local = (await client.get(edition.url("schedule.json?lang=pt"), headers=headers)).json()
    validate_json(local)
    by_id = {e["id"]: e for e in events_of(plain)}
    translated = {e["id"]: e for e in events_of(local)}
    assert translated[rights]["title"] == "Direitos online"
    assert by_id[rights]["title"] == "Rights online"
    # Ids, guids and slugs do not change with the language.
    for key in ("guid", "slug", "id"):
        assert {i: e[key] for i, e in by_id.items()} == {i: e[key] for i, e in translated.items()}
    xml = await client.get(edition.url("schedule.xml?lang=pt"), headers=headers)
    root = validate_xml(xml.content)
    assert "Direitos online" in [t.text for t in root.iter("title")]

    for path in ("report.md", "agenda.ics", "schedule.json", "schedule.xml"):
        refused = await client.get(edition.url(f"{path}?lang=de"), headers=headers)
        assert refused.status_code == 422, path
