"""What the contract fuzzers found, kept as plain deterministic tests."""

from datetime import UTC, date, datetime

import httpx
import pytest
from fastapi import FastAPI

from app.agenda.checks import Event, SessionSlot, outside_event
from tests.actors import API, PASSWORD, add_topics, admin, create_consultation, move, register
from tests.snapshots import snapshot
from tests.web.html import sign_in

BEYOND_64_BITS = 2**64


async def test_an_offset_beyond_64_bits_is_422_not_a_crash(client: httpx.AsyncClient) -> None:
    # Found by schemathesis: GET /consultations?offset=9223372036854775808 was a 500 (SQLite
    # cannot bind it; PostgreSQL refuses it).
    for url in (f"{API}/consultations?offset={2**63}", f"{API}/consultations?offset={10**30}"):
        response = await client.get(url)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
    response = await client.get(f"{API}/consultations?offset={2**63 - 1}")
    assert response.status_code == 200
    assert response.json()["items"] == []


async def test_ids_beyond_64_bits_are_422_and_change_nothing(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    # Found by probing what the fuzzers generate: every integer id in a path (and a session's
    # topic_id) reached the database unbounded, and a huge one was a 500.
    boss = await admin(client, app)
    draft = str((await create_consultation(client, boss))["slug"])
    opened = str((await create_consultation(client, boss))["slug"])
    await add_topics(client, boss, draft, ["Access"])
    await add_topics(client, boss, opened, ["Access"])
    await move(client, boss, opened, "open")
    voter = await register(client)
    huge = BEYOND_64_BITS
    calls = [
        (boss, "PATCH", f"/consultations/{draft}/topics/{huge}", {"title": "x"}),
        (boss, "DELETE", f"/consultations/{draft}/topics/{huge}", None),
        (voter, "PUT", f"/consultations/{opened}/ballot/{huge}", {"score": 3}),
        (voter, "DELETE", f"/consultations/{opened}/ballot/{huge}", None),
        (boss, "DELETE", f"/consultations/{draft}/committee/{huge}", None),
        (boss, "PATCH", f"/consultations/{draft}/agenda/sessions/{huge}", {"title": "x"}),
        (boss, "DELETE", f"/consultations/{draft}/agenda/sessions/{huge}", None),
        (boss, "POST", f"/consultations/{draft}/agenda/sessions", {"title": "x", "topic_id": huge}),
    ]
    for who, method, path, body in calls:
        before = snapshot(app)
        response = await client.request(method, API + path, json=body, headers=who.headers)
        assert response.status_code == 422, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"]
        assert snapshot(app) == before


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/consultations/{d}/topics", {"title": "a\x00b"}),
        (
            "POST",
            "/consultations",
            {"slug": "nul-1", "title": "T", "forum": "F", "edition": "\x00"},
        ),
        ("PATCH", "/me", {"display_name": "a\x00b"}),
        ("POST", "/consultations/{d}/committee", {"name": "\x00", "stakeholder_group": "other"}),
    ],
    ids=["topic title", "edition", "display name", "seat name"],
)
async def test_a_nul_character_is_never_a_crash(
    client: httpx.AsyncClient, app: FastAPI, method: str, path: str, body: dict[str, object]
) -> None:
    # Found by schemathesis on PostgreSQL, which refuses NUL in text: every text field was a 500.
    # Now the database's refusal is a 422 that changes nothing (SQLite stores the character).
    boss = await admin(client, app)
    draft = str((await create_consultation(client, boss))["slug"])
    before = snapshot(app)
    response = await client.request(
        method, API + path.format(d=draft), json=body, headers=boss.headers
    )
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json"
        assert snapshot(app) == before


async def test_a_nul_character_in_a_lookup_is_never_a_crash(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{API}/consultations/a%00b")
    assert response.status_code in (404, 422), response.text
    response = await client.post(
        f"{API}/auth/token", data={"username": "a\x00b@example.org", "password": "x" * 12}
    )
    assert response.status_code in (401, 422), response.text


async def test_openapi_documents_every_error_a_json_body_can_get(
    client: httpx.AsyncClient,
) -> None:
    # Found by schemathesis: malformed JSON is 400 and an oversized body 413 on every operation
    # that reads a JSON body, but most did not list them; error bodies had no schema under
    # application/problem+json; an unparsable id (422) was documented with FastAPI's own shape.
    spec = (await client.get("/openapi.json")).json()
    problem = {"$ref": "#/components/schemas/Problem"}
    for path, item in spec["paths"].items():
        if not path.startswith(API):
            continue  # /healthz, /readyz: plain health answers
        for method, operation in item.items():
            responses = operation["responses"]
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                assert {"400", "413", "422"} <= set(responses), (method, path)
            if "{" in path:
                assert "422" in responses, (method, path)
            for status, response in responses.items():
                if int(status) >= 400:
                    documented = response["content"]["application/problem+json"]
                    assert documented["schema"] == problem, (method, path, status)


async def test_ids_below_64_bits_are_422_too(client: httpx.AsyncClient, app: FastAPI) -> None:
    # Issue 12, finding 6: ids were bounded above only; PATCH …/agenda/sessions/-2**94 was a
    # 500 ("Python int too large to convert to SQLite INTEGER").
    boss = await admin(client, app)
    draft = str((await create_consultation(client, boss))["slug"])
    for huge in (-(2**63) - 1, -26264183959243688405068939264):
        for method, path, body in (
            ("PATCH", f"/consultations/{draft}/agenda/sessions/{huge}", {"title": "x"}),
            ("PATCH", f"/consultations/{draft}/topics/{huge}", {"title": "x"}),
            ("POST", f"/consultations/{draft}/agenda/sessions", {"title": "x", "topic_id": huge}),
        ):
            before = snapshot(app)
            response = await client.request(method, API + path, json=body, headers=boss.headers)
            assert response.status_code == 422, (method, path, response.text)
            assert snapshot(app) == before
    in_range = await client.patch(
        f"{API}/consultations/{draft}/agenda/sessions/-1", json={}, headers=boss.headers
    )
    assert in_range.status_code == 404  # a possible id that names nothing


async def test_a_ballot_naming_a_topic_beyond_64_bits_is_422(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    await add_topics(client, boss, slug, ["Access"])
    await move(client, boss, slug, "open")
    voter = await register(client)
    before = snapshot(app)
    for topic_id in (2**63, -(2**63) - 1):
        response = await client.put(
            f"{API}/consultations/{slug}/ballot",
            json={"ratings": [{"topic_id": topic_id, "score": 3}]},
            headers=voter.headers,
        )
        assert response.status_code == 422, response.text
    assert snapshot(app) == before


async def test_a_page_id_beyond_64_bits_is_not_a_crash(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    # Issue 12, finding 6: GET /c/{slug}/committee/sessions/9223372036854775808 was a 500.
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    await sign_in(client, boss.email, PASSWORD)
    for session_id in (2**63, -(2**63) - 1, 10**40):
        response = await client.get(f"/c/{slug}/committee/sessions/{session_id}")
        assert 400 <= response.status_code < 500, response.text


async def test_a_session_at_the_ends_of_the_calendar_is_422_not_a_crash(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    # Issue 12, finding 6: a session from year 1 to year 9999 overflowed the check that it lies
    # within the event's dates (in the event's time zone).
    boss = await admin(client, app)
    draft = str(
        (
            await create_consultation(
                client, boss, starts_on="2030-08-05", ends_on="2030-08-07", timezone="Asia/Tokyo"
            )
        )["slug"]
    )
    before = snapshot(app)
    for starts_at, ends_at in (
        ("0001-01-01T00:00:00-05:00", "9999-12-31T23:59:59+09:00"),
        ("0001-01-01T00:00:00Z", "0001-01-01T01:00:00Z"),
        ("9999-12-31T22:00:00Z", "9999-12-31T23:00:00Z"),
    ):
        response = await client.post(
            f"{API}/consultations/{draft}/agenda/sessions",
            json={"title": "Far", "starts_at": starts_at, "ends_at": ends_at},
            headers=boss.headers,
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["loc"][1] in ("starts_at", "ends_at")
    assert snapshot(app) == before


def test_the_outside_the_event_check_never_overflows() -> None:
    event = Event(starts_on=date(2030, 8, 5), ends_on=date(2030, 8, 7), timezone="Asia/Tokyo")
    for moment in (datetime.max.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC)):
        slot = SessionSlot(1, "Far", moment, moment, ())
        assert outside_event(slot, event)
    inside = datetime(2030, 8, 5, 1, tzinfo=UTC)
    assert not outside_event(SessionSlot(1, "In", inside, inside, ()), event)
