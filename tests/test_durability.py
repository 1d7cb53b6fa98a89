"""Kill the server with SIGKILL in the middle of concurrent ballot writes: after a restart every
write that was acknowledged with a 2xx is there, and nothing else changed. Runs on the suite's
database (SQLite, then PostgreSQL in CI's second run)."""

import os
import random
import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from app.db import make_engine, make_sessionmaker
from app.models import Consultation, Participant, Rating, Topic
from tests.processes import (
    ADMIN_ENV,
    CHEAP_HASHING,
    CONSULTA,
    free_port,
    open_consultation,
    wait_until_up,
)

API = "/api/v1"
VOTERS, TOPICS = 12, 5


def start(database_url: str, port: int, workdir: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULTA_")}
    env |= (
        CHEAP_HASHING
        | ADMIN_ENV
        | {
            "CONSULTA_DATABASE_URL": database_url,
            "CONSULTA_SECRET_KEY": "durability-test-secret",
            "CONSULTA_LOG_LEVEL": "WARNING",
        }
    )
    process = subprocess.Popen(
        [CONSULTA, "serve", "--port", str(port), "--workers", "3"],
        env=env,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so SIGKILL reaches every worker
    )
    wait_until_up(f"http://127.0.0.1:{port}/healthz", process)
    return process


def state(database_url: str) -> tuple[dict[tuple[int, int], int], list[tuple[object, ...]]]:
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            ratings = session.execute(
                select(Participant.account_id, Rating.topic_id, Rating.score).join(
                    Participant, Participant.id == Rating.participant_id
                )
            ).all()
            rest = session.execute(
                select(Consultation.slug, Consultation.state, Topic.id, Topic.title).join(Topic)
            ).all()
    finally:
        engine.dispose()
    return {(a, t): s for a, t, s in ratings}, [tuple(r) for r in rest]


@pytest.mark.slow
def test_acknowledged_writes_survive_sigkill(tmp_path: Path, database_url: str) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start(database_url, port, tmp_path)
    http = httpx.Client(base_url=base, timeout=30)
    topics, voters = open_consultation(
        http, "durable", topics=TOPICS, voters=VOTERS, database_url=database_url
    )
    http.close()
    _, before = state(database_url)

    # Each client owns one voter, so the order of writes per (voter, topic) is well defined.
    acked: dict[tuple[int, int], int] = {}
    in_flight: dict[tuple[int, int], int] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def client(voter: int, headers: dict[str, str], seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=base, timeout=10) as own:
            while not stop.is_set():
                topic, score = rng.choice(topics), rng.randint(1, 5)
                with lock:
                    in_flight[(voter, topic)] = score
                try:
                    response = own.put(
                        f"{API}/consultations/durable/ballot/{topic}",
                        json={"score": score},
                        headers=headers,
                    )
                except httpx.TransportError:
                    return
                with lock:
                    if 200 <= response.status_code < 300:
                        acked[(voter, topic)] = score
                        del in_flight[(voter, topic)]
                    assert response.status_code < 500, response.text

    threads = [
        threading.Thread(target=client, args=(voter, headers, n))
        for n, (voter, headers) in enumerate(voters.items())
    ]
    for thread in threads:
        thread.start()
    time.sleep(3)
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=30)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(acked) > VOTERS  # the load really ran

    restarted = start(database_url, port, tmp_path)
    try:
        assert httpx.get(f"{base}/readyz").status_code == 200
        stored, after = state(database_url)
    finally:
        os.killpg(restarted.pid, signal.SIGTERM)
        restarted.wait(timeout=30)
    assert after == before  # consultations and topics unchanged
    for key, score in stored.items():
        assert key in acked or key in in_flight, f"a rating nobody wrote: {key}"
        assert score in (acked.get(key), in_flight.get(key)), key
    for key, score in acked.items():
        assert key in stored, f"an acknowledged write was lost: {key}"
        assert stored[key] in (score, in_flight.get(key))


def test_sqlite_commits_survive_power_loss_not_only_crashes(tmp_path: Path) -> None:
    """WAL with synchronous=FULL: each COMMIT is on disk before it is acknowledged."""
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    try:
        with engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA synchronous").scalar() == 2  # FULL
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert pragma("PRAGMA busy_timeout").scalar() == 30_000
    finally:
        engine.dispose()
