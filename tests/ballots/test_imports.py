"""Bulk import: all or nothing, every bad row reported, then ranked like any ballot."""

import os
import subprocess
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from app.ballots import imports
from app.db import transaction
from app.models import AuditEntry, Consultation, Participant, Rating
from tests.actors import API, add_topics, admin, create_consultation, move, register
from tests.processes import CHEAP_HASHING, CONSULTA
from tests.snapshots import snapshot


def run_import(app: FastAPI, slug: str, text: str) -> imports.ImportReport:
    with transaction(app.state.sessions, write=True) as session:
        consultation = session.scalars(select(Consultation).where(Consultation.slug == slug)).one()
        secret = app.state.settings.secret_key.get_secret_value()
        report, ratings = imports.parse(session, consultation, text.splitlines(), secret=secret)
        if report.ok:
            report.new_participants = imports.write(session, consultation, ratings)
            imports.record(session, consultation, report)
    return report


@pytest.fixture
async def opened(client: httpx.AsyncClient, app: FastAPI) -> str:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss, live_results=True))["slug"])
    await add_topics(client, boss, slug, ["Access", "Rights"])
    await move(client, boss, slug, "open")
    return slug


async def test_anonymous_participants_are_imported_and_counted(
    client: httpx.AsyncClient, app: FastAPI, opened: str
) -> None:
    text = (
        "participant_key,stakeholder_group,topic,score\n"
        "p1,civil_society,Access,5\np1,civil_society,Rights,2\n"
        "p2,government,Access,4\n"
    )
    report = run_import(app, opened, text)
    assert (report.ok, report.rows, report.participants, report.new_participants) == (True, 3, 2, 2)
    ranking = (await client.get(f"{API}/consultations/{opened}/ranking")).json()
    assert ranking["ratings"] == 3
    assert ranking["entries"][0]["topic"]["title"] == "Access"
    assert ranking["entries"][0]["score"] == 4.5
    again = run_import(
        app, opened, text.replace("p2,government,Access,4", "p2,government,Access,1")
    )
    assert again.new_participants == 0
    with app.state.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Rating)) == 3
        assert session.scalar(select(func.count()).select_from(Participant)) == 2
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "ratings.import")
        ).first()
    assert entry is not None
    assert entry.detail == {"rows": 3, "participants": 2, "new_participants": 2}
    csv_text = (await client.get(f"{API}/consultations/{opened}/ballots.csv")).text
    assert "p1" not in csv_text  # outside keys are never published


async def test_accounts_are_found_by_email_and_keep_their_ballot_key(
    client: httpx.AsyncClient, app: FastAPI, opened: str
) -> None:
    voter = await register(client, "paper@example.org", group="academia")
    key = (await client.get(f"{API}/consultations/{opened}/ballot", headers=voter.headers)).json()[
        "ballot_key"
    ]
    report = run_import(app, opened, "email,topic,score\nPAPER@example.org,Rights,3\n")
    assert report.ok
    ballot = (
        await client.get(f"{API}/consultations/{opened}/ballot", headers=voter.headers)
    ).json()
    assert ballot["ballot_key"] == key
    assert [(r["score"]) for r in ballot["ratings"]] == [3]


async def test_ratings_collected_on_paper_are_imported_for_an_unverified_account(
    client: httpx.AsyncClient, app: FastAPI, opened: str
) -> None:
    """Verification gates what a person does online; a bulk import is the secretariat's."""
    voter = await register(client, "paper2@example.org", verified=False)
    report = run_import(app, opened, "email,topic,score\npaper2@example.org,Access,4\n")
    assert report.ok
    assert report.rows == 1
    ballot = (
        await client.get(f"{API}/consultations/{opened}/ballot", headers=voter.headers)
    ).json()
    assert [r["score"] for r in ballot["ratings"]] == [4]


async def test_one_bad_row_refuses_the_file_and_every_bad_row_is_reported(
    app: FastAPI, opened: str
) -> None:
    before = snapshot(app)
    text = (
        "participant_key,stakeholder_group,topic,score\n"
        "ok,civil_society,Access,5\n"
        "bad,media,Access,3\n"
        "x,civil_society,Nope,3\n"
        "y,civil_society,Access,9\n"
        "z,civil_society,Access,2.5\n"
        "ok,civil_society,Access,4\n"
        "ok,government,Rights,4\n"
        "short,civil_society\n"
    )
    report = run_import(app, opened, text)
    assert [line for line, _ in report.errors] == [3, 4, 5, 6, 7, 8, 9]
    reasons = dict(report.errors)
    assert "unknown stakeholder_group" in reasons[3]
    assert "no topic 'Nope'" in reasons[4]
    assert "outside the scale" in reasons[5]
    assert "not a whole number" in reasons[6]
    assert "line 2" in reasons[7]
    assert "two groups" in reasons[8]
    assert "expected 4 fields" in reasons[9]
    assert snapshot(app) == before


async def test_a_wrong_header_is_refused(app: FastAPI, opened: str) -> None:
    report = run_import(app, opened, "who,what,score\na,b,3\n")
    assert report.errors == [(1, report.errors[0][1])]
    assert "header" in report.errors[0][1]


def test_import_and_demo_commands(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULTA_")}
    env |= CHEAP_HASHING | {"CONSULTA_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}

    def consulta(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CONSULTA, *args], env=env, capture_output=True, text=True, check=False, timeout=120
        )

    created = consulta("demo", "demo-1", "--participants", "300", "--seed", "4")
    assert created.returncode == 0, created.stderr
    assert "300 synthetic participants" in created.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("participant_key,stakeholder_group,topic,score\na,civil_society,Nope,3\n")
    refused = consulta("import-ratings", "demo-1", str(bad))
    assert refused.returncode == 1
    assert "line 2: no topic 'Nope'" in refused.stderr
    good = tmp_path / "good.csv"
    good.write_text("participant_key,stakeholder_group,topic,score\nq,academia,Digital Economy,5\n")
    imported = consulta("import-ratings", "demo-1", str(good))
    assert imported.returncode == 0, imported.stderr
    assert "Imported 1 ratings from 1 participants (1 new)" in imported.stdout
    assert consulta("seed").returncode == 0
    finalized = consulta("import-ratings", "lacigf-2017", str(good))
    assert finalized.returncode == 2
    assert "open or closed" in finalized.stderr
    taken = consulta("demo", "demo-1")
    assert taken.returncode == 1
