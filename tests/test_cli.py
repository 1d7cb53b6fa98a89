"""The `consulta` command, run as a real process."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from app.db import make_engine, make_sessionmaker
from app.models import Account, Consultation

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


def count(tmp_path: Path, model: type[Account] | type[Consultation]) -> int:
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
