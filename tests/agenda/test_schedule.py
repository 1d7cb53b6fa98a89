"""schedule.json and schedule.xml: the agenda in the frab/pretalx format, parsed back and
checked against the agenda, and validated against c3voc's XSD and JSON schema (vendored in
tests/agenda/frab/)."""

import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import jsonschema
import pytest
from fastapi import FastAPI
from lxml import etree

from tests.agenda.edition import Edition, add_sessions, closed_edition, finalized_edition

FRAB = Path(__file__).parent / "frab"
XSD = etree.XMLSchema(etree.parse(str(FRAB / "schedule.xml.xsd")))
JSON_SCHEMA = json.loads((FRAB / "schema.json").read_text())
PANAMA = ZoneInfo("America/Panama")


def validate_json(document: dict[str, Any]) -> None:
    validator = jsonschema.Draft6Validator(
        JSON_SCHEMA, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []


def validate_xml(body: bytes) -> etree._Element:
    root = etree.fromstring(body)
    assert XSD.validate(root), XSD.error_log
    return root


def events_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        event
        for day in document["schedule"]["conference"]["days"]
        for events in day["rooms"].values()
        for event in events
    ]


@pytest.fixture
async def edition(client: httpx.AsyncClient, app: FastAPI) -> Edition:
    return await finalized_edition(client, app)


async def test_schedule_json_is_the_agenda_in_the_frab_schema(
    client: httpx.AsyncClient, edition: Edition
) -> None:
    response = await client.get(edition.url("schedule.json"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    validate_json(document)
    conference = document["schedule"]["conference"]
    assert conference["title"] == "Forum 2030"
    assert conference["time_zone_name"] == "America/Panama"
    assert (conference["start"], conference["end"], conference["daysCount"]) == (
        "2030-08-05",
        "2030-08-07",
        3,
    )
    assert [d["date"] for d in conference["days"]] == ["2030-08-05", "2030-08-06", "2030-08-07"]
    assert [r["name"] for r in conference["rooms"]] == ["Sala Azul", "Sala Roja"]

    agenda = (await client.get(edition.url("agenda"))).json()["sessions"]
    topics = {v: k for k, v in edition.topics.items()}
    timed = [s for s in agenda if s["starts_at"]]
    events = {e["id"]: e for e in events_of(document)}
    assert sorted(events) == sorted(s["id"] for s in timed)  # the untimed session is left out
    for session in timed:
        event = events[session["id"]]
        starts = datetime.fromisoformat(session["starts_at"]).astimezone(PANAMA)
        ends = datetime.fromisoformat(session["ends_at"]).astimezone(PANAMA)
        assert event["title"] == session["title"]
        assert event["room"] == session["room"]
        assert event["type"] == session["format"]
        assert event["description"] == session["description"]
        assert event["track"] == topics.get(session["topic_id"])
        assert datetime.fromisoformat(event["date"]) == starts
        assert event["date"].endswith("-05:00")  # local time in the event's time zone
        assert event["start"] == starts.strftime("%H:%M")
        hours, minutes = map(int, event["duration"].split(":"))
        assert timedelta(hours=hours, minutes=minutes) == ends - starts
        assert datetime.fromisoformat(event["end"]) == ends
        names = list(dict.fromkeys(p["name"] for p in session["people"]))
        assert [p["name"] for p in event["persons"]] == names
        uuid.UUID(event["guid"])
        day = next(d for d in conference["days"] if event in d["rooms"].get(event["room"], []))
        assert day["date"] == starts.date().isoformat()
    rights = next(e for e in events.values() if e["title"] == "Rights online")
    assert rights["duration"] == "02:15"
    guerrero = next(p for p in rights["persons"] if p["name"] == "Carlos Guerrero")
    assert guerrero["roles"] == ["rapporteur", "remote_moderator"]


async def test_schedule_xml_validates_against_the_frab_xsd_and_says_what_the_json_says(
    client: httpx.AsyncClient, edition: Edition
) -> None:
    response = await client.get(edition.url("schedule.xml"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    root = validate_xml(response.content)
    document = (await client.get(edition.url("schedule.json"))).json()
    assert root.findtext("version") == document["schedule"]["version"]
    assert root.findtext("conference/time_zone_name") == "America/Panama"
    assert root.findtext("conference/days") == "3"
    by_guid = {e["guid"]: e for e in events_of(document)}
    seen = []
    for day in root.iterfind("day"):
        for room in day.iterfind("room"):
            for event in room.iterfind("event"):
                expected = by_guid[event.get("guid")]
                seen.append(event.get("guid"))
                assert int(event.get("id")) == expected["id"]
                assert room.get("name") == event.findtext("room") == expected["room"]
                assert event.findtext("title") == expected["title"]
                assert event.findtext("type") == expected["type"]
                assert event.findtext("date") == expected["date"]
                assert event.findtext("start") == expected["start"]
                assert event.findtext("duration") == expected["duration"]
                assert (event.findtext("track") or None) == expected["track"]
                assert event.findtext("description") == expected["description"]
                assert [p.text for p in event.iterfind("persons/person")] == [
                    p["name"] for p in expected["persons"]
                ]
                assert [p.get("guid") for p in event.iterfind("persons/person")] == [
                    p["guid"] for p in expected["persons"]
                ]
                assert expected["date"].startswith(day.get("date"))
    assert sorted(seen) == sorted(by_guid)


async def test_one_person_in_several_sessions_keeps_one_guid(
    client: httpx.AsyncClient, edition: Edition
) -> None:
    document = (await client.get(edition.url("schedule.json"))).json()
    guids = {
        p["name"]: p["guid"] for e in events_of(document) for p in e["persons"]
    }  # "José Pérez" in the keynote, "jose perez" on the access panel
    assert guids["José Pérez"] == guids["jose perez"]
    assert guids["José Pérez"] != guids["Ana Gómez"]


async def test_guids_stay_when_a_session_changes_and_the_version_does_not(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    edition = await closed_edition(client, app)
    ids = await add_sessions(client, edition)
    headers = edition.committee.headers
    before = (await client.get(edition.url("schedule.json"), headers=headers)).json()
    again = (await client.get(edition.url("schedule.json"), headers=headers)).json()
    assert again == before  # byte-stable: same guids, same version
    response = await client.patch(
        edition.url(f"agenda/sessions/{ids[1]}"),
        json={"title": "Access, renamed", "room": "Sala Verde"},
        headers=headers,
    )
    assert response.status_code == 200
    after = (await client.get(edition.url("schedule.json"), headers=headers)).json()
    assert after["schedule"]["version"] != before["schedule"]["version"]
    old = {e["id"]: e for e in events_of(before)}
    new = {e["id"]: e for e in events_of(after)}
    assert {i: e["guid"] for i, e in old.items()} == {i: e["guid"] for i, e in new.items()}
    assert new[ids[1]]["title"] == "Access, renamed"
    assert new[ids[1]]["room"] == "Sala Verde"
    validate_json(after)


async def test_the_schedule_is_published_with_the_agenda(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    edition = await closed_edition(client, app)
    await add_sessions(client, edition)
    for path in ("schedule.json", "schedule.xml"):
        assert (await client.get(edition.url(path))).status_code == 401
        by_admin = await client.get(edition.url(path), headers=edition.admin.headers)
        assert by_admin.status_code == 200
    await client.post(edition.url("agenda/finalize"), headers=edition.committee.headers)
    for path in ("schedule.json", "schedule.xml"):
        assert (await client.get(edition.url(path))).status_code == 200


async def test_the_2017_schedule_has_its_days_and_no_untimed_session(
    client: httpx.AsyncClient,
) -> None:
    base = "/api/v1/consultations/lacigf-2017"
    document = (await client.get(f"{base}/schedule.json")).json()
    validate_json(document)
    conference = document["schedule"]["conference"]
    assert conference["acronym"] == "lacigf_2017"
    assert conference["time_zone_name"] == "America/Panama"
    assert [d["date"] for d in conference["days"]] == ["2017-08-02", "2017-08-03", "2017-08-04"]
    assert events_of(document) == []  # the report gives no session times
    root = validate_xml((await client.get(f"{base}/schedule.xml")).content)
    assert root.findtext("conference/title") == "LACIGF 2017"
    assert [d.get("date") for d in root.iterfind("day")] == [
        "2017-08-02",
        "2017-08-03",
        "2017-08-04",
    ]
