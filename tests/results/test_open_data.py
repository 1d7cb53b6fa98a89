"""open-data.zip: a Frictionless Data Package, validated with the `frictionless` library, whose
tables agree with the API (ballots.csv byte for byte, every ranking, the agenda), with safe
text cells, and published exactly when ballots.csv is."""

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import frictionless
import httpx
import pytest
from fastapi import FastAPI

from app.scoring import METHODS
from tests.actors import ANONYMOUS, API, Actor, register
from tests.agenda.edition import Edition, add_sessions, closed_edition, finalized_edition

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def unpack(body: bytes, into: Path) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        archive.extractall(into)
    descriptor: dict[str, Any] = json.loads((into / "datapackage.json").read_text())
    return descriptor


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def assert_valid(folder: Path) -> None:
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.fixture
async def edition(client: httpx.AsyncClient, app: FastAPI) -> Edition:
    return await finalized_edition(client, app)


async def test_the_package_validates_and_has_every_table(
    client: httpx.AsyncClient, edition: Edition, tmp_path: Path
) -> None:
    response = await client.get(edition.url("open-data.zip"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    descriptor = unpack(response.content, tmp_path)
    assert_valid(tmp_path)
    names = [r["name"] for r in descriptor["resources"]]
    expected = ["topics", "ballots", *(f"ranking-{m}" for m in METHODS), "committee"]
    assert names == [*expected, "sessions", "people"]
    for resource in descriptor["resources"]:
        content = (tmp_path / resource["path"]).read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()
        assert resource["bytes"] == len(content)
        assert resource["schema"]["fields"]
        assert all(f.get("description") for f in resource["schema"]["fields"])
    again = await client.get(edition.url("open-data.zip"))
    assert again.content == response.content  # the same data gives the same bytes


async def test_ballots_csv_is_the_endpoints_bytes_and_digest(
    client: httpx.AsyncClient, edition: Edition, tmp_path: Path
) -> None:
    unpack((await client.get(edition.url("open-data.zip"))).content, tmp_path)
    packaged = (tmp_path / "ballots.csv").read_bytes()
    served = (await client.get(edition.url("ballots.csv"))).content
    assert packaged == served
    assert len(rows(tmp_path / "ballots.csv")) == 36
    digest = hashlib.sha256(packaged).hexdigest()
    for method in METHODS:
        ranking = (await client.get(edition.url("ranking"), params={"method": method})).json()
        assert ranking["ballot_digest"] == digest


async def test_each_ranking_is_the_public_ranking_csv(
    client: httpx.AsyncClient, edition: Edition, tmp_path: Path
) -> None:
    unpack((await client.get(edition.url("open-data.zip"))).content, tmp_path)
    for method in METHODS:
        served = await client.get(edition.url("ranking.csv"), params={"method": method})
        expected = list(csv.DictReader(io.StringIO(served.text)))
        packaged = rows(tmp_path / f"ranking-{method}.csv")
        assert len(packaged) == len(edition.topics)
        for mine, theirs in zip(packaged, expected, strict=True):
            title = theirs.pop("topic_title")
            assert mine.pop("topic_title") == ("'" + title if title[0] in "=+-@" else title)
            assert mine == theirs


async def test_sessions_and_people_are_the_agenda(
    client: httpx.AsyncClient, edition: Edition, tmp_path: Path
) -> None:
    unpack((await client.get(edition.url("open-data.zip"))).content, tmp_path)
    agenda = (await client.get(edition.url("agenda"))).json()["sessions"]
    sessions = rows(tmp_path / "sessions.csv")
    assert [int(s["id"]) for s in sessions] == [s["id"] for s in agenda]
    for row, session in zip(sessions, agenda, strict=True):
        assert row["title"] == session["title"]
        assert row["format"] == session["format"]
        assert row["room"] == (session["room"] or "")
        assert row["topic_id"] == str(session["topic_id"] or "")
    access = next(r for r in sessions if r["title"].startswith("Access"))
    assert access["starts_at"] == "2030-08-05T15:00:00Z"
    assert access["questions"] == "'-How do we connect more users?\nWho pays?"
    assert access["description"] == "Two rounds.\n\tFirst: costs. Then: competition."
    people = rows(tmp_path / "people.csv")
    assert len(people) == sum(len(s["people"]) for s in agenda)
    guerrero = [p["role"] for p in people if p["name"] == "Carlos Guerrero"]
    assert guerrero == ["rapporteur", "remote_moderator"]


async def test_no_text_cell_starts_like_a_formula(
    client: httpx.AsyncClient, edition: Edition, tmp_path: Path
) -> None:
    descriptor = unpack((await client.get(edition.url("open-data.zip"))).content, tmp_path)
    checked = 0
    for resource in descriptor["resources"]:
        texts = [f["name"] for f in resource["schema"]["fields"] if f["type"] == "string"]
        for row in rows(tmp_path / resource["path"]):
            for name in texts:
                assert not row[name].startswith(FORMULA_STARTS), (resource["name"], row)
                checked += 1
    assert checked > 100
    topics = {r["title"] for r in rows(tmp_path / "topics.csv")}
    assert "'=SUM(A1:A9) Access" in topics
    people = rows(tmp_path / "people.csv")
    assert {"'@Marta Ruiz", "José Pérez"} <= {p["name"] for p in people}
    assert "'+Org" in {p["organization"] for p in people}
    members = rows(tmp_path / "committee.csv")
    assert ("'-Record Only", "'@Gov") in {(m["name"], m["organization"]) for m in members}


async def test_the_agenda_stays_out_until_finalized(
    client: httpx.AsyncClient, app: FastAPI, tmp_path: Path
) -> None:
    edition = await closed_edition(client, app)
    await add_sessions(client, edition)
    response = await client.get(edition.url("open-data.zip"), headers=edition.committee.headers)
    assert response.status_code == 200
    unpack(response.content, tmp_path)
    assert_valid(tmp_path)
    assert rows(tmp_path / "sessions.csv") == []
    assert rows(tmp_path / "people.csv") == []
    assert len(rows(tmp_path / "ballots.csv")) == 36


async def test_it_is_published_exactly_when_ballots_csv_is(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    edition = await closed_edition(client, app)
    await client.post(edition.url("reopen"), headers=edition.admin.headers)
    participant = await register(client)
    callers: list[Actor] = [ANONYMOUS, participant, edition.committee, edition.admin]
    for step in ("reopen", "close"):
        if step == "close":
            await client.post(edition.url("close"), headers=edition.admin.headers)
        for actor in callers:
            ballots = await client.get(edition.url("ballots.csv"), headers=actor.headers)
            package = await client.get(edition.url("open-data.zip"), headers=actor.headers)
            assert package.status_code == ballots.status_code, (step, actor.email)
    drafts = await client.post(
        f"{API}/consultations",
        json={"slug": "hidden-draft", "title": "D", "forum": "F", "edition": "1"},
        headers=edition.admin.headers,
    )
    assert drafts.status_code == 201
    hidden = f"{API}/consultations/hidden-draft/open-data.zip"
    assert (await client.get(hidden)).status_code == 404
    assert (await client.get(hidden, headers=participant.headers)).status_code == 404


async def test_the_2017_package_validates(client: httpx.AsyncClient, tmp_path: Path) -> None:
    response = await client.get(f"{API}/consultations/lacigf-2017/open-data.zip")
    assert response.status_code == 200
    unpack(response.content, tmp_path)
    assert_valid(tmp_path)
    assert rows(tmp_path / "ballots.csv") == []  # the report publishes no ratings
    assert len(rows(tmp_path / "topics.csv")) == 6
    assert len(rows(tmp_path / "sessions.csv")) == 7
    assert len(rows(tmp_path / "committee.csv")) == 11
