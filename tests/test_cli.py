"""The `consulta` command, run as a real process."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from app.db import make_engine, make_sessionmaker
from app.models import Account, Consultation, Participant, Rating

CONSULTA = str(Path(sys.executable).with_name("consulta"))


def run(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULTA_")}
    env |= {"CONSULTA_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    env |= {"CONSULTA_ARGON2_MEMORY_KIB": "64", "CONSULTA_ARGON2_TIME_COST": "1"}
    return subprocess.run(
        [CONSULTA, *args],
        input=stdin,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def count(tmp_path: Path, model: type[Account | Consultation | Rating]) -> int:
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    try:
        with make_sessionmaker(engine)() as session:
            return session.scalar(select(func.count()).select_from(model)) or 0
    finally:
        engine.dispose()


def test_seed_twice_loads_once(tmp_path: Path) -> None:
    first = run(tmp_path, "seed")
    assert first.returncode == 0, first.stderr
    assert "Loaded: lacigf-2017." in first.stdout
    second = run(tmp_path, "seed")
    assert second.returncode == 0, second.stderr
    assert "Nothing to load" in second.stdout
    assert count(tmp_path, Consultation) == 1


def test_create_admin_reads_the_password_from_stdin(tmp_path: Path) -> None:
    assert run(tmp_path, "db", "upgrade").returncode == 0
    created = run(tmp_path, "create-admin", "Chair@Example.org", stdin="a long password\n")
    assert created.returncode == 0, created.stderr
    assert "chair@example.org" in created.stdout
    again = run(tmp_path, "create-admin", "chair@example.org", stdin="a long password\n")
    assert again.returncode == 1
    assert "already exists" in again.stderr
    assert count(tmp_path, Account) == 1
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    try:
        with make_sessionmaker(engine)() as session:
            assert session.scalar(select(Account.email_verified)) is True  # no mail to confirm
    finally:
        engine.dispose()


def test_create_admin_refuses_a_short_password(tmp_path: Path) -> None:
    assert run(tmp_path, "db", "upgrade").returncode == 0
    refused = run(tmp_path, "create-admin", "chair@example.org", stdin="short\n")
    assert refused.returncode == 2
    assert "password" in refused.stderr
    assert count(tmp_path, Account) == 0


def test_db_downgrade_to_base_and_back(tmp_path: Path) -> None:
    assert run(tmp_path, "db", "upgrade").returncode == 0
    assert run(tmp_path, "db", "downgrade", "base").returncode == 0
    assert run(tmp_path, "seed").returncode == 0
    assert count(tmp_path, Consultation) == 1


def test_export_ballots_and_rank_offline(tmp_path: Path) -> None:
    assert run(tmp_path, "seed").returncode == 0
    empty = run(tmp_path, "export-ballots", "lacigf-2017")
    assert empty.returncode == 0
    assert empty.stdout == "ballot,stakeholder_group,topic_id,score\n"
    missing = run(tmp_path, "export-ballots", "no-such")
    assert missing.returncode == 1
    ballots = tmp_path / "ballots.csv"
    ballots.write_text(
        "ballot,stakeholder_group,topic_id,score\n"
        "a,civil_society,1,5\na,civil_society,2,1\n"
        "b,government,1,4\nb,government,2,2\n"
        "c,academia,2,5\n"
    )
    table = run(tmp_path, "rank", str(ballots), "--method", "mean")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[1].split() == ["1", "1", "4.500000", "2"]
    assert lines[2].split() == ["2", "2", "2.666667", "3"]
    as_json = run(tmp_path, "rank", str(ballots), "--method", "schulze", "--json")
    assert '"method": "schulze"' in as_json.stdout
    bad = run(tmp_path, "rank", str(ballots), "--method", "borda")
    assert bad.returncode == 2
    off_scale = run(tmp_path, "rank", str(ballots), "--scale", "1..4")
    assert off_scale.returncode == 1
    assert "scale" in off_scale.stderr


def test_demo_creates_the_participants_and_ratings_it_reports(tmp_path: Path) -> None:
    """Issue 12, finding 9: the demo's topics have commas in their titles; its CSV must quote
    them, or the import refuses every row and the demo is an empty open consultation."""
    created = run(tmp_path, "demo", "demo-x", "--participants", "40", "--seed", "3")
    assert created.returncode == 0, created.stderr
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    try:
        with make_sessionmaker(engine)() as session:
            demo = session.scalar(select(Consultation).where(Consultation.slug == "demo-x"))
            assert demo is not None
            participants = session.scalar(
                select(func.count()).where(Participant.consultation_id == demo.id)
            )
            ratings = session.scalar(select(func.count()).where(Rating.consultation_id == demo.id))
    finally:
        engine.dispose()
    assert participants == 40
    assert ratings is not None
    assert ratings >= 40
    assert f"Created demo-x: 40 synthetic participants, {ratings} ratings." in created.stdout


def test_a_refused_import_writes_nothing_and_exits_1(tmp_path: Path) -> None:
    assert run(tmp_path, "demo", "demo-y", "--participants", "5").returncode == 0
    before = count(tmp_path, Rating)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "participant_key,stakeholder_group,topic,score\n"
        "p1,civil_society,Digital Economy,5\n"
        "p2,civil_society,Digital Economy,9\n"
    )
    refused = run(tmp_path, "import-ratings", "demo-y", str(bad))
    assert refused.returncode == 1
    assert "line 3: score 9 is outside the scale 1..5" in refused.stderr
    assert count(tmp_path, Rating) == before
