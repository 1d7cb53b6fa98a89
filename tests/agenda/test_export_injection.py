"""Issue 12, findings 6 and 7: what people type cannot break or inject into the exports, and
control characters never get in."""

import csv
import io

import httpx
import pytest
from fastapi import FastAPI
from icalendar import Calendar
from sqlalchemy import update

from app.db import transaction
from app.models import AgendaSession, Consultation, SessionPerson
from app.results.exports import csv_text
from tests.actors import API, add_topics, admin, create_consultation, move
from tests.snapshots import snapshot


@pytest.mark.parametrize(
    ("title", "cell"),
    [
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+1+1", "'+1+1"),
        ("-2-2", "'-2-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Access, rights", "Access, rights"),
    ],
)
async def test_ranking_csv_text_cells_cannot_be_formulas(
    client: httpx.AsyncClient, app: FastAPI, title: str, cell: str
) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    await add_topics(client, boss, slug, [title])
    response = await client.get(f"{API}/consultations/{slug}/ranking.csv", headers=boss.headers)
    (row,) = csv.DictReader(io.StringIO(response.text))
    assert row["topic_title"] == cell


def test_csv_text_prefixes_every_formula_start_and_nothing_else() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert csv_text(f"{start}x") == f"'{start}x"
    assert csv_text("x=1") == "x=1"
    assert csv_text("") == ""


@pytest.fixture
async def finalized_slug(client: httpx.AsyncClient, app: FastAPI) -> str:
    """A consultation whose agenda has a session with times and people, as stored before text
    was checked: its values below are written straight into the database."""
    boss = await admin(client, app)
    slug = str(
        (
            await create_consultation(
                client, boss, starts_on="2030-08-05", ends_on="2030-08-07", timezone="UTC"
            )
        )["slug"]
    )
    await add_topics(client, boss, slug, ["Access"])
    await move(client, boss, slug, "open", "close")
    created = await client.post(
        f"{API}/consultations/{slug}/agenda/sessions",
        json={
            "title": "Plain",
            "starts_at": "2030-08-05T10:00:00Z",
            "ends_at": "2030-08-05T11:00:00Z",
            "people": [
                {"role": "panelist", "name": "Ana"},
                {"role": "moderator", "name": "Bea"},
            ],
        },
        headers=boss.headers,
    )
    assert created.status_code == 201, created.text
    with transaction(app.state.sessions, write=True) as session:
        session.execute(
            update(Consultation)
            .where(Consultation.slug == slug)
            .values(title="Forum\rX-INJECTED:calname\nDTSTART:19700101T000000Z")
        )
        session.execute(
            update(AgendaSession)
            .where(AgendaSession.id == created.json()["id"])
            .values(
                title="Opening\r\nBEGIN:VEVENT\n## Injected heading",
                room="Hall\rLOCATION:elsewhere",
                description="Intro\r\nEND:VEVENT\n# Heading\n- entry\n1. first\n> quote",
                questions=["Why?\n## Not a heading", "[link](http://evil.example) <b>x</b>"],
            )
        )
        session.execute(
            update(SessionPerson)
            .where(SessionPerson.name == "Ana")
            .values(name="Ana\n## Heading\n- Ghost Panelist", organization="*Org* `x`")
        )
    return slug


async def test_agenda_ics_keeps_every_stored_text_inside_its_property(
    client: httpx.AsyncClient, app: FastAPI, finalized_slug: str
) -> None:
    boss = await admin(client, app)
    response = await client.get(
        f"{API}/consultations/{finalized_slug}/agenda.ics", headers=boss.headers
    )
    assert response.status_code == 200
    unfolded = response.text.replace("\r\n ", "")
    names = [line.split(":", 1)[0].split(";", 1)[0] for line in unfolded.split("\r\n") if line]
    assert "X-INJECTED" not in names
    assert names.count("BEGIN") == names.count("END")
    assert "\r" not in unfolded.replace("\r\n", "")
    (event,) = Calendar.from_ical(response.text).walk("VEVENT")
    assert str(event["summary"]) == "Opening BEGIN:VEVENT ## Injected heading"
    assert str(event["location"]) == "Hall LOCATION:elsewhere"
    calendar = Calendar.from_ical(response.text)
    assert str(calendar["x-wr-calname"]) == "Forum X-INJECTED:calname DTSTART:19700101T000000Z"


async def test_report_md_escapes_markdown_from_people(
    client: httpx.AsyncClient, app: FastAPI, finalized_slug: str
) -> None:
    boss = await admin(client, app)
    response = await client.get(
        f"{API}/consultations/{finalized_slug}/report.md", headers=boss.headers
    )
    assert response.status_code == 200
    lines = response.text.splitlines()
    headings = [line for line in lines if line.startswith("#")]
    # title, background, participation, committee and its 4 groups, agenda, the session
    assert len(headings) == 10
    assert "## Opening BEGIN:VEVENT \\#\\# Injected heading" in headings
    assert not any(line.startswith("- Ghost") for line in lines)
    assert "Panelists: Ana \\#\\# Heading - Ghost Panelist (\\*Org\\* \\`x\\`)" in lines
    assert "\\# Heading" in lines
    assert "\\- entry" in lines
    assert "1\\. first" in lines
    assert "\\> quote" in lines
    assert "- \\[link\\](http://evil.example) \\<b\\>x\\</b\\>" in lines
    assert "- Why? \\#\\# Not a heading" in lines


SINGLE_LINE = "Line\u2028Two"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/consultations/{d}/topics", {"title": "A\rB"}),
        ("/consultations/{d}/topics", {"title": "A\nB"}),
        ("/consultations/{d}/topics", {"title": SINGLE_LINE}),
        ("/consultations/{d}/topics", {"title": "T", "description": "one\rtwo"}),
        ("/consultations/{d}/topics", {"title": "T", "description": "bell\x07"}),
        ("/consultations/{d}/committee", {"name": "Ana\x1b[2J", "stakeholder_group": "government"}),
        (
            "/consultations/{d}/committee",
            {"name": "Ana", "organization": "Org\nX", "stakeholder_group": "government"},
        ),
        ("/consultations/{d}/agenda/sessions", {"title": "S", "room": "Hall\tB"}),
        (
            "/consultations/{d}/agenda/sessions",
            {"title": "S", "people": [{"role": "panelist", "name": "A\x00"}]},
        ),
        ("/consultations/{d}/agenda/sessions", {"title": "S", "questions": ["Why\x0b?"]}),
        (
            "/consultations",
            {"slug": "ctl-1", "title": "T", "forum": "F", "edition": "1", "city": "Pan\rama"},
        ),
        (
            "/consultations",
            {
                "slug": "ctl-2",
                "title": "T",
                "forum": "F",
                "edition": "1",
                "scale_min": 1,
                "scale_max": 2,
                "scale_labels": ["low", "hi\x85gh"],
            },
        ),
    ],
)
async def test_control_characters_in_text_fields_are_422_and_change_nothing(
    client: httpx.AsyncClient, app: FastAPI, path: str, body: dict[str, object]
) -> None:
    boss = await admin(client, app)
    draft = str((await create_consultation(client, boss))["slug"])
    before = snapshot(app)
    response = await client.post(API + path.format(d=draft), json=body, headers=boss.headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert snapshot(app) == before


async def test_multi_line_fields_keep_newlines_and_tabs(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    draft = str((await create_consultation(client, boss))["slug"])
    description = "First line\n\tindented\nlast"
    created = await client.post(
        f"{API}/consultations/{draft}/topics",
        json={"title": "Access", "description": description},
        headers=boss.headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["description"] == description
