"""The audit chain as stored (SQLite, or PostgreSQL with CONSULTA_TEST_POSTGRES_URL): the known
chain survives a round trip through the database with its published hashes, an edit of any
stored column is found, and an outside verifier can check the chain from the API alone."""

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from app.audit import service as audit
from app.audit.chain import entry_hash
from app.db import transaction
from app.models import AuditEntry
from tests.actors import API, add_topics, admin, create_consultation, move
from tests.audit.known_chain import CHAIN, ENTRIES


def store_known_chain(app: FastAPI) -> None:
    with transaction(app.state.sessions, write=True) as session:
        session.add_all(
            AuditEntry(
                chain=CHAIN,
                seq=e.seq,
                consultation_id=None,
                actor_id=None,
                actor=e.actor,
                action=e.action,
                target_type=e.target_type,
                target_id=e.target_id,
                detail=e.detail,
                created_at=e.created_at,
                prev_hash=e.prev_hash,
                hash=e.hash,
            )
            for e in ENTRIES
        )


def test_the_known_chain_keeps_its_published_hashes_through_the_database(app: FastAPI) -> None:
    store_known_chain(app)
    with transaction(app.state.sessions) as session:
        rows = list(
            session.scalars(select(AuditEntry).where(AuditEntry.chain == CHAIN).order_by("seq"))
        )
        recomputed = [
            entry_hash(
                chain=r.chain,
                seq=r.seq,
                actor=r.actor,
                action=r.action,
                target_type=r.target_type,
                target_id=r.target_id,
                detail=r.detail,
                created_at=r.created_at,
                prev_hash=r.prev_hash,
            )
            for r in rows
        ]
        assert audit.verify(session, CHAIN) is None
    assert recomputed == [e.hash for e in ENTRIES]
    assert [r.detail for r in rows] == [e.detail for e in ENTRIES]
    assert [r.created_at for r in rows] == [e.created_at for e in ENTRIES]


# Each stored column of entry 2 changed behind the app's back, and the entry that verification
# names: the edited one, or for a moved or renumbered entry the first one out of place.
EDITS: list[tuple[str, Any, int]] = [
    ("actor", "comite@example.org", 2),
    ("action", "topic.delete", 2),
    ("target_type", "session", 2),
    ("target_id", "13", 2),
    ("target_id", None, 2),
    ("detail", {"title": "Género y acceso — “Internet para todos”", "fields": ["title"]}, 2),
    ("created_at", ENTRIES[1].created_at + timedelta(microseconds=1), 2),
    ("prev_hash", ENTRIES[2].hash, 2),
    ("hash", ENTRIES[2].hash, 2),
    ("seq", 5, 3),
    ("chain", "consultation:43", 3),
]


@pytest.mark.parametrize(
    ("column", "value", "broken_at"), EDITS, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(EDITS)]
)
def test_an_edit_of_any_stored_column_is_found(
    app: FastAPI, column: str, value: Any, broken_at: int
) -> None:
    store_known_chain(app)
    with transaction(app.state.sessions, write=True) as session:
        session.execute(
            update(AuditEntry)
            .where(AuditEntry.chain == CHAIN, AuditEntry.seq == 2)
            .values({column: value})
        )
    with transaction(app.state.sessions) as session:
        assert audit.verify(session, CHAIN) == broken_at


def test_an_entry_moved_to_another_chain_does_not_verify_there(app: FastAPI) -> None:
    store_known_chain(app)
    with transaction(app.state.sessions, write=True) as session:
        session.execute(
            update(AuditEntry)
            .where(AuditEntry.chain == CHAIN, AuditEntry.seq == 1)
            .values(chain="consultation:43")
        )
    with transaction(app.state.sessions) as session:
        assert audit.verify(session, "consultation:43") == 1


def verify_from_the_api(chain: str, items: list[dict[str, Any]]) -> int | None:
    """An outside verifier, written from docs/api.md alone: the seq of the first entry that does
    not hold, or None."""
    prev = "0" * 64
    for expected_seq, item in enumerate(items, start=1):
        moment = datetime.fromisoformat(item["created_at"]).astimezone(UTC)
        content = {key: item[key] for key in ("seq", "actor", "action", "target_type")}
        content |= {
            "chain": chain,
            "target_id": item["target_id"],
            "detail": item["detail"],
            "created_at": moment.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00"),
            "prev_hash": item["prev_hash"],
        }
        text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if item["seq"] != expected_seq or item["prev_hash"] != prev or item["hash"] != digest:
            return int(item["seq"])
        prev = item["hash"]
    return None


async def test_an_outside_verifier_checks_the_chain_from_the_api_alone(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    created = await create_consultation(client, boss, title="Foro de Gobernanza de Internet")
    slug = str(created["slug"])
    await add_topics(
        client, boss, slug, ["Acceso e inclusión", "Género — “todas”", "Ciberseguridad"]
    )
    await move(client, boss, slug, "open", "close", "reopen", "close")
    listing = (await client.get(f"{API}/consultations/{slug}/audit", headers=boss.headers)).json()
    items = listing["items"]
    assert len(items) == listing["total"] == 8
    chain = f"consultation:{created['id']}"
    assert verify_from_the_api(chain, items) is None

    # The same verifier refuses what the service refuses.
    tampered = [dict(item) for item in items]
    tampered[3]["detail"] = {"title": "Ciberseguridad!"}
    assert verify_from_the_api(chain, tampered) == 4
    with transaction(app.state.sessions, write=True) as session:
        session.execute(
            update(AuditEntry)
            .where(AuditEntry.chain == chain, AuditEntry.seq == 4)
            .values(detail={"title": "Ciberseguridad!"})
        )
    listing = (await client.get(f"{API}/consultations/{slug}/audit", headers=boss.headers)).json()
    assert verify_from_the_api(chain, listing["items"]) == 4
    with transaction(app.state.sessions) as session:
        assert audit.verify(session, chain) == 4
