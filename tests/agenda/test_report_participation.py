"""report.md gives times in the event's time zone, the participation figures and the ranking
that produced the agenda."""

import httpx
import pytest
from fastapi import FastAPI

from tests.actors import API
from tests.web.world import closed_with_ballots

pytestmark = pytest.mark.anyio


async def test_the_report_has_participation_the_ranking_and_local_times(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug, _ = await closed_with_ballots(
        client,
        app,
        participants=12,
        agenda_size=2,
        starts_on="2030-08-01",
        ends_on="2030-08-03",
        timezone="America/Panama",
    )
    base = f"{API}/consultations/{slug}"
    made = await client.post(
        f"{base}/agenda/from-ranking",
        json={"method": "schulze", "include_ties": True},
        headers=boss.headers,
    )
    assert made.status_code == 201, made.text
    first = made.json()["items"][0]
    slot = {"starts_at": "2030-08-02T14:00:00Z", "ends_at": "2030-08-02T15:30:00Z"}
    patched = await client.patch(
        f"{base}/agenda/sessions/{first['id']}", json=slot, headers=boss.headers
    )
    assert patched.status_code == 200
    report = (await client.get(f"{base}/report.md", headers=boss.headers)).text
    assert "When: 2030-08-02 09:00 to 10:30 (America/Panama)" in report
    consultation = (await client.get(base, headers=boss.headers)).json()
    assert f"- Participants: {consultation['counts']['participants']}" in report
    assert f"- Ratings: {consultation['counts']['ratings']}" in report
    ranking = (await client.get(f"{base}/ranking?method=schulze", headers=boss.headers)).json()
    assert "### The ranking that produced the agenda (schulze)" in report
    assert ranking["ballot_digest"] in report
    top = ranking["entries"][0]
    assert f"{top['rank']}. {top['topic']['title']}" in report
    assert report.count("— on the agenda") == len(made.json()["items"])
    order = [report.index(h) for h in ("## Background", "## Participation", "## Program Committee")]
    assert order == sorted(order)


async def test_an_edition_without_ratings_says_so_in_its_report(client: httpx.AsyncClient) -> None:
    report = (await client.get(f"{API}/consultations/lacigf-2017/report.md")).text
    assert "No ratings were recorded in Consulta for this edition." in report
