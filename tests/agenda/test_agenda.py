"""From a closed consultation to a published agenda, entirely over the API."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from icalendar import Calendar

from app.scoring import METHODS
from tests.actors import API, Actor, add_topics, admin, create_consultation, move, register
from tests.results.stored import store, topic_ids

MEANS = {"Alpha": 5, "Bravo": 4, "Charlie": 4, "Delta": 3, "Echo": 2}


@dataclass
class Built:
    slug: str
    admin: Actor
    committee: Actor
    topics: dict[str, int]

    def url(self, path: str) -> str:
        return f"{API}/consultations/{self.slug}/{path}"


@pytest.fixture
async def built(client: httpx.AsyncClient, app: FastAPI) -> Built:
    """Closed, with mean scores exactly MEANS (Bravo and Charlie tied at rank 2)."""
    boss = await admin(client, app)
    member = await register(client, group="civil_society")
    slug = str(
        (
            await create_consultation(
                client,
                boss,
                starts_on="2030-08-05",
                ends_on="2030-08-07",
                timezone="America/Panama",
                agenda_size=2,
            )
        )["slug"]
    )
    await add_topics(client, boss, slug, list(MEANS))
    await client.post(
        f"{API}/consultations/{slug}/committee",
        json={"name": "Chair", "stakeholder_group": "civil_society", "email": member.email},
        headers=boss.headers,
    )
    await move(client, boss, slug, "open")
    ids = dict(zip(MEANS, topic_ids(app, slug), strict=True))
    store(
        app,
        slug,
        [(f"p{i}", "civil_society", ids[t], s) for i in range(3) for t, s in MEANS.items()],
    )
    await move(client, boss, slug, "close")
    return Built(slug, boss, member, ids)


def panel(*names: str, moderator: str = "Moderator Person") -> list[dict[str, Any]]:
    return [{"role": "panelist", "name": n} for n in names] + [
        {"role": "moderator", "name": moderator}
    ]


async def test_sessions_come_from_the_top_of_the_ranking_in_order(
    client: httpx.AsyncClient, built: Built
) -> None:
    response = await client.post(
        built.url("agenda/from-ranking"), json={"top": 3}, headers=built.committee.headers
    )
    assert response.status_code == 201
    items = response.json()["items"]
    assert response.json()["total"] == 3
    assert [s["title"] for s in items] == ["Alpha", "Bravo", "Charlie"]
    assert [s["topic_id"] for s in items] == [
        built.topics[t] for t in ("Alpha", "Bravo", "Charlie")
    ]
    assert [s["origin"]["rank"] for s in items] == [1, 2, 2]
    assert [s["origin"]["score"] for s in items] == [5, 4, 4]
    assert {s["origin"]["method"] for s in items} == {"mean"}
    assert [s["position"] for s in items] == [0, 1, 2]
    again = await client.post(
        built.url("agenda/from-ranking"), json={"top": 3}, headers=built.committee.headers
    )
    assert again.status_code == 200
    assert again.json() == {"items": [], "total": 0}
    more = await client.post(
        built.url("agenda/from-ranking"), json={"top": 4}, headers=built.committee.headers
    )
    assert [s["title"] for s in more.json()["items"]] == ["Delta"]


async def test_a_tie_across_the_cut_is_409_unless_included(
    client: httpx.AsyncClient, built: Built
) -> None:
    refused = await client.post(built.url("agenda/from-ranking"), headers=built.committee.headers)
    assert refused.status_code == 409
    tied = refused.json()["tied"]
    assert sorted(t["title"] for t in tied) == ["Bravo", "Charlie"]
    agenda = await client.get(built.url("agenda"), headers=built.committee.headers)
    assert agenda.json()["sessions"] == []
    included = await client.post(
        built.url("agenda/from-ranking"),
        json={"include_ties": True},
        headers=built.committee.headers,
    )
    assert included.status_code == 201
    assert [s["title"] for s in included.json()["items"]] == ["Alpha", "Bravo", "Charlie"]


async def test_from_ranking_only_once_closed(client: httpx.AsyncClient, built: Built) -> None:
    unknown = await client.post(
        built.url("agenda/from-ranking"), json={"method": "borda"}, headers=built.admin.headers
    )
    assert unknown.status_code == 422
    assert [e["loc"] for e in unknown.json()["errors"]] == [["body", "method"]]
    await move(client, built.admin, built.slug, "reopen")
    response = await client.post(built.url("agenda/from-ranking"), headers=built.admin.headers)
    assert response.status_code == 409
    assert response.json()["state"] == "open"


async def test_session_editing_and_validation(client: httpx.AsyncClient, built: Built) -> None:
    headers = built.committee.headers
    created = await client.post(
        built.url("agenda/sessions"),
        json={
            "title": "Opening",
            "format": "keynote",
            "starts_at": "2030-08-05T09:00:00-05:00",
            "ends_at": "2030-08-05T10:00:00-05:00",
            "room": "Sala 1",
            "people": [
                {"role": "rapporteur", "name": "Ana"},
                {"role": "remote_moderator", "name": "Ana"},
            ],
            "questions": ["Why?"],
        },
        headers=headers,
    )
    assert created.status_code == 201
    session = created.json()
    assert [p["role"] for p in session["people"]] == ["rapporteur", "remote_moderator"]
    url = built.url(f"agenda/sessions/{session['id']}")
    bad = [
        {"ends_at": "2030-08-05T08:00:00-05:00"},
        {"starts_at": "2030-08-09T09:00:00-05:00", "ends_at": "2030-08-09T10:00:00-05:00"},
        {"starts_at": "2030-08-05T09:00:00"},
        {"format": "lecture"},
        {"people": [{"role": "host", "name": "X"}]},
        {"topic_id": 999999},
        {"title": None},
    ]
    for body in bad:
        response = await client.patch(url, json=body, headers=headers)
        assert response.status_code == 422, body
    edited = await client.patch(
        url,
        json={"people": panel("Bea"), "room": "Sala 2", "topic_id": built.topics["Echo"]},
        headers=headers,
    )
    assert edited.status_code == 200
    assert edited.json()["room"] == "Sala 2"
    assert [p["name"] for p in edited.json()["people"]] == ["Bea", "Moderator Person"]
    assert (await client.delete(url, headers=headers)).status_code == 204


async def finalize(client: httpx.AsyncClient, built: Built) -> httpx.Response:
    return await client.post(built.url("agenda/finalize"), headers=built.committee.headers)


async def add(client: httpx.AsyncClient, built: Built, **body: Any) -> int:
    response = await client.post(
        built.url("agenda/sessions"), json=body, headers=built.committee.headers
    )
    assert response.status_code == 201, response.text
    session_id: int = response.json()["id"]
    return session_id


MORNING = {"starts_at": "2030-08-05T09:00:00-05:00", "ends_at": "2030-08-05T10:30:00-05:00"}
LATE_MORNING = {"starts_at": "2030-08-05T10:00:00-05:00", "ends_at": "2030-08-05T11:00:00-05:00"}


@pytest.mark.parametrize(
    ("problem", "sessions", "fix"),
    [
        ("no_sessions", [], None),
        (
            "no_moderator",
            [{"title": "S", "people": [{"role": "panelist", "name": "P"}]}],
            {"people": panel("P")},
        ),
        (
            "no_panelists",
            [{"title": "S", "people": [{"role": "moderator", "name": "M"}]}],
            {"people": panel("P", moderator="M")},
        ),
        (
            "person_in_overlapping_sessions",
            [
                {"title": "S1", "people": panel("José Pérez"), **MORNING},
                {"title": "S2", "people": panel("jose  perez", moderator="Other"), **LATE_MORNING},
            ],
            {"starts_at": "2030-08-05T11:00:00-05:00", "ends_at": "2030-08-05T12:00:00-05:00"},
        ),
    ],
)
async def test_each_blocking_problem_alone_keeps_finalize_at_409(
    client: httpx.AsyncClient,
    built: Built,
    problem: str,
    sessions: list[dict[str, Any]],
    fix: dict[str, Any] | None,
) -> None:
    ids = [await add(client, built, **s) for s in sessions]
    checks = (await client.get(built.url("agenda/checks"), headers=built.committee.headers)).json()
    assert [p["code"] for p in checks["blocking"]] == [problem]
    assert checks["finalizable"] is False
    refused = await finalize(client, built)
    assert refused.status_code == 409
    assert [p["code"] for p in refused.json()["problems"]] == [problem]
    if fix is None:
        await add(client, built, title="S", people=panel("P"))
    else:
        await client.patch(
            built.url(f"agenda/sessions/{ids[-1]}"), json=fix, headers=built.committee.headers
        )
    assert (await finalize(client, built)).status_code == 200


async def test_a_session_outside_changed_event_dates_blocks(
    client: httpx.AsyncClient, built: Built
) -> None:
    session_id = await add(client, built, title="S", people=panel("P"), **MORNING)
    await client.patch(
        f"{API}/consultations/{built.slug}",
        json={"starts_on": "2030-08-06"},
        headers=built.admin.headers,
    )
    checks = (await client.get(built.url("agenda/checks"), headers=built.committee.headers)).json()
    assert [p["code"] for p in checks["blocking"]] == ["outside_event_dates"]
    assert checks["blocking"][0]["session_ids"] == [session_id]
    assert (await finalize(client, built)).status_code == 409
    await client.patch(
        f"{API}/consultations/{built.slug}",
        json={"starts_on": "2030-08-05"},
        headers=built.admin.headers,
    )
    assert (await finalize(client, built)).status_code == 200


async def test_balance_advice_never_blocks(client: httpx.AsyncClient, built: Built) -> None:
    people = [
        {"role": "panelist", "name": "G", "stakeholder_group": "government", "country": "PA"},
        {"role": "panelist", "name": "C", "stakeholder_group": "civil_society", "country": "UY"},
        {"role": "moderator", "name": "M", "country": "BR"},
    ]
    first = await add(client, built, title="One", people=people)
    await add(client, built, title="Two", people=panel("Z", moderator="M"))
    await add(client, built, title="Three", people=panel("Y", moderator="M"))
    checks = (await client.get(built.url("agenda/checks"), headers=built.committee.headers)).json()
    assert checks["finalizable"] is True
    balance = next(b for b in checks["balance"] if b["session_id"] == first)
    assert balance["groups_covered"] == ["civil_society", "government"]
    assert balance["groups_missing"] == ["private_sector", "technical_community"]
    assert balance["countries_covered"] == ["BR", "PA", "UY"]
    assert list(checks["busy_people"]) == ["M"]


async def test_the_finalized_agenda_is_public_and_immutable(
    client: httpx.AsyncClient, built: Built
) -> None:
    session_id = await add(client, built, title="S", people=panel("P"), room="Hall", **MORNING)
    assert (await client.get(built.url("agenda"))).status_code == 401
    finalized = await finalize(client, built)
    assert finalized.status_code == 200
    assert finalized.json()["state"] == "finalized"
    public = await client.get(built.url("agenda"))
    assert public.status_code == 200
    assert [s["title"] for s in public.json()["sessions"]] == ["S"]
    headers = built.committee.headers
    url = built.url(f"agenda/sessions/{session_id}")
    assert (await client.patch(url, json={"room": "X"}, headers=headers)).status_code == 409
    assert (await client.delete(url, headers=headers)).status_code == 409
    assert (
        await client.post(built.url("agenda/sessions"), json={"title": "T"}, headers=headers)
    ).status_code == 409
    assert (await finalize(client, built)).status_code == 409
    assert (await client.post(built.url("agenda/from-ranking"), headers=headers)).status_code == 409


async def test_agenda_ics_parses_back_with_times_and_rooms(
    client: httpx.AsyncClient, built: Built
) -> None:
    await add(client, built, title="Morning", people=panel("P"), room="Sala Azul", **MORNING)
    await add(client, built, title="Untimed", people=panel("Q"))
    await finalize(client, built)
    response = await client.get(built.url("agenda.ics"))
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["SUMMARY"]) == "Morning"
    assert str(event["LOCATION"]) == "Sala Azul"
    start = event.decoded("DTSTART")
    assert str(start.tzinfo) == "America/Panama"
    assert (start.date(), start.hour, start.minute) == (date(2030, 8, 5), 9, 0)
    assert event.decoded("DTEND").hour == 10
    assert "Moderator: Moderator Person" in str(event["DESCRIPTION"])
    assert calendar.walk("VTIMEZONE")


async def test_sessions_may_share_a_topic(client: httpx.AsyncClient, built: Built) -> None:
    topic = built.topics["Alpha"]
    await add(
        client, built, title="Cases", format="case_presentations", topic_id=topic, people=panel("A")
    )
    await add(
        client,
        built,
        title="Panel",
        format="multisectoral_panel",
        topic_id=topic,
        people=panel("B"),
    )
    agenda = (await client.get(built.url("agenda"), headers=built.admin.headers)).json()
    assert [s["topic_id"] for s in agenda["sessions"]] == [topic, topic]


async def test_one_topic_in_two_sessions_at_overlapping_times_is_advice_only(
    client: httpx.AsyncClient, built: Built
) -> None:
    topic = built.topics["Alpha"]
    first = await add(client, built, title="Cases", topic_id=topic, people=panel("A"), **MORNING)
    second = await add(
        client,
        built,
        title="Panel",
        topic_id=topic,
        people=panel("B", moderator="N"),
        **LATE_MORNING,
    )
    checks = (await client.get(built.url("agenda/checks"), headers=built.committee.headers)).json()
    assert checks["finalizable"] is True
    assert [(p["code"], p["session_ids"]) for p in checks["advice"]] == [
        ("topic_in_overlapping_sessions", [first, second])
    ]
    # Moved to start as the first ends: no longer overlapping.
    await client.patch(
        built.url(f"agenda/sessions/{second}"),
        json={"starts_at": MORNING["ends_at"], "ends_at": "2030-08-05T12:00:00-05:00"},
        headers=built.committee.headers,
    )
    checks = (await client.get(built.url("agenda/checks"), headers=built.committee.headers)).json()
    assert checks["advice"] == []


async def test_sessions_from_the_ranking_record_which_methods_had_their_topic_in_the_top(
    client: httpx.AsyncClient, built: Built
) -> None:
    headers = built.committee.headers
    agreement = (await client.get(built.url("ranking/agreement?top=1"), headers=headers)).json()
    in_some = {d["topic_id"]: d["methods"] for d in agreement["in_some"]}
    # top_box counts 4s and 5s alike: Alpha, Bravo and Charlie tie for its first place.
    response = await client.post(
        built.url("agenda/from-ranking"),
        json={"method": "top_box", "top": 1, "include_ties": True},
        headers=headers,
    )
    assert response.status_code == 201
    origins = {s["title"]: s["origin"] for s in response.json()["items"]}
    assert set(origins) == {"Alpha", "Bravo", "Charlie"}
    methods = list(METHODS)
    assert origins["Alpha"]["agreement"] == {"top": 1, "methods": methods, "in_top": methods}
    bravo = origins["Bravo"]["agreement"]
    assert bravo["in_top"] == in_some[built.topics["Bravo"]]
    assert "top_box" in bravo["in_top"]
    assert "mean" not in bravo["in_top"]
    stored = (await client.get(built.url("agenda"), headers=headers)).json()["sessions"]
    assert {s["title"]: s["origin"] for s in stored} == origins
    report = (await client.get(built.url("report.md"), headers=headers)).text
    assert (
        "Chosen from the ranking: rank 1 under `top_box`; in the top 1 under all 8 scoring "
        "methods compared." in report
    )
    names = ", ".join(f"`{m}`" for m in bravo["in_top"])
    assert (
        f"in the top 1 under {len(bravo['in_top'])} of the 8 scoring methods compared ({names})"
        in report
    )


async def test_a_hand_made_session_has_no_origin_in_the_report(
    client: httpx.AsyncClient, built: Built
) -> None:
    await add(client, built, title="By hand", people=panel("P"))
    report = (await client.get(built.url("report.md"), headers=built.committee.headers)).text
    assert "## By hand" in report
    assert "Chosen from the ranking" not in report


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "status"),
    [
        ("2030-08-07T23:00:00-05:00", "2030-08-08T00:00:00-05:00", 201),
        ("2030-08-07T23:00:00-05:00", "2030-08-08T00:00:01-05:00", 422),
        ("2030-08-08T00:00:00-05:00", "2030-08-08T01:00:00-05:00", 422),
        ("2030-08-05T00:00:00-05:00", "2030-08-05T01:00:00-05:00", 201),
        ("2030-08-04T23:59:59-05:00", "2030-08-05T01:00:00-05:00", 422),
        # 20:00 in Panama on the last day, written in UTC (01:00 the day after).
        ("2030-08-08T01:00:00Z", "2030-08-08T02:00:00Z", 201),
    ],
    ids=[
        "ends-at-midnight",
        "ends-past-midnight",
        "day-after",
        "first-minute",
        "second-before",
        "utc-next-day",
    ],
)
async def test_session_times_are_checked_against_the_event_days_in_its_time_zone(
    client: httpx.AsyncClient, built: Built, starts_at: str, ends_at: str, status: int
) -> None:
    response = await client.post(
        built.url("agenda/sessions"),
        json={"title": "S", "people": panel("P"), "starts_at": starts_at, "ends_at": ends_at},
        headers=built.committee.headers,
    )
    assert response.status_code == status, response.text
