"""The 2017 edition exports a calendar and a report faithful to the source."""

import httpx
from icalendar import Calendar

API = "/api/v1/consultations/lacigf-2017"


async def test_report_contains_every_session_person_and_member(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{API}/report.md")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    report = response.text
    agenda = (await client.get(f"{API}/agenda")).json()
    committee = (await client.get(f"{API}/committee")).json()
    for session in agenda["sessions"]:
        assert session["title"] in report
        for person in session["people"]:
            assert person["name"] in report
        for question in session["questions"]:
            assert question in report
    for group in committee["groups"]:
        for member in group["members"]:
            assert member["name"] in report
    for heading in (
        "## Background",
        "## Program Committee",
        "### Government Representatives",
        "### Private Sector Representatives",
        "### Civil Society Representatives",
        "### Representatives of the Technical Internet Community",
        "## Agenda",
        "## Topic: Digital Economy",
        "## Multisectoral Panel",
    ):
        assert heading in report
    assert "Panama City, Panama, August 2 to 4, 2017" in report
    assert "Secretariat: LACNIC" in report
    assert "Chile: Denis González / Unidad de Relaciones Internacionales (SUBTEL)" in report
    assert "Vacant seats: 1" in report
    assert "Rapporteur: Carlos Guerrero" in report
    assert "Remote moderator: Carlos Guerrero" in report
    assert "Remote moderator: Youth LACIGF" in report
    order = [report.index(f"## {h}") for h in ("Background", "Program Committee", "Agenda")]
    assert order == sorted(order)


async def test_2017_calendar_is_valid_and_has_no_timed_sessions(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{API}/agenda.ics")
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "LACIGF 2017"
    assert calendar.walk("VEVENT") == []  # the report gives no session times
