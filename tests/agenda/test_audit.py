"""The audit chain: readable by the committee and admins, and tamper-evident."""

import os
import subprocess
from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import delete, select, update

from app import migrate
from app.audit import service as audit
from app.db import make_engine, make_sessionmaker, transaction
from app.models import AuditEntry
from app.seeding import load_all
from tests.actors import API, add_topics, admin, create_consultation, move, register
from tests.databases import settings_for
from tests.processes import CONSULTA


async def build_history(client: httpx.AsyncClient, app: FastAPI) -> tuple[str, str]:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    await add_topics(client, boss, slug, ["A", "B"])
    await move(client, boss, slug, "open", "close", "reopen")
    chain = audit.consultation_chain(
        int((await client.get(f"{API}/consultations/{slug}", headers=boss.headers)).json()["id"])
    )
    return slug, chain


async def test_audit_is_listed_for_the_committee_and_admins(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    await add_topics(client, boss, slug, ["A"])
    stranger = await register(client)
    url = f"{API}/consultations/{slug}/audit"
    assert (await client.get(url, headers=stranger.headers)).status_code == 404
    listing = (await client.get(url, headers=boss.headers)).json()
    assert listing["total"] == 2
    first, second = listing["items"]
    assert (first["seq"], first["action"]) == (1, "consultation.create")
    assert second["prev_hash"] == first["hash"]
    assert second["actor"] == boss.email


async def test_an_edited_entry_is_detected(client: httpx.AsyncClient, app: FastAPI) -> None:
    _, chain = await build_history(client, app)
    with transaction(app.state.sessions) as session:
        assert audit.verify(session, chain) is None
    with transaction(app.state.sessions, write=True) as session:
        session.execute(
            update(AuditEntry)
            .where(AuditEntry.chain == chain, AuditEntry.seq == 3)
            .values(actor="someone-else@example.org")
        )
    with transaction(app.state.sessions) as session:
        assert audit.verify(session, chain) == 3


async def test_a_deleted_entry_is_detected(client: httpx.AsyncClient, app: FastAPI) -> None:
    _, chain = await build_history(client, app)
    with transaction(app.state.sessions, write=True) as session:
        session.execute(delete(AuditEntry).where(AuditEntry.chain == chain, AuditEntry.seq == 2))
    with transaction(app.state.sessions) as session:
        assert audit.verify(session, chain) == 3
    with transaction(app.state.sessions, write=True) as session:
        last = session.scalar(
            select(AuditEntry.seq).where(AuditEntry.chain == chain).order_by(AuditEntry.seq.desc())
        )
        session.execute(delete(AuditEntry).where(AuditEntry.chain == chain, AuditEntry.seq == last))
    with transaction(app.state.sessions) as session:
        assert audit.verify(session, chain) == 3


def test_the_verify_command_names_the_first_broken_entry(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    migrate.upgrade(settings_for(url))
    engine = make_engine(url)
    try:
        with transaction(make_sessionmaker(engine), write=True) as session:
            load_all(session, settings_for(url).seed_dir)
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULTA_")}
        env["CONSULTA_DATABASE_URL"] = url
        ok = subprocess.run(
            [CONSULTA, "audit", "verify", "lacigf-2017"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert ok.returncode == 0, ok.stderr
        assert "OK: 1 entries" in ok.stdout
        with transaction(make_sessionmaker(engine), write=True) as session:
            session.execute(update(AuditEntry).values(detail={"sessions": 99}))
        broken = subprocess.run(
            [CONSULTA, "audit", "verify", "lacigf-2017"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert broken.returncode == 1
        assert "breaks at entry 1" in broken.stderr
    finally:
        engine.dispose()
