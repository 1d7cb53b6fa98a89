"""Many clients writing ballots at once, against a real server with several workers: exactly one
rating per participant and topic, each equal to a write that was acknowledged; none lost, none
duplicated. Runs on the suite's database (PostgreSQL in CI's second run)."""

import random
import threading
from collections import defaultdict
from pathlib import Path

import httpx
from sqlalchemy import select

from app.db import make_engine, make_sessionmaker
from app.models import Participant, Rating
from tests.processes import ADMIN_ENV, CHEAP_HASHING, open_consultation, served

API = "/api/v1"
VOTERS, TOPICS, THREADS, WRITES = 10, 4, 16, 30


def test_concurrent_ballot_writes_lose_and_duplicate_nothing(
    tmp_path: Path, database_url: str
) -> None:
    with served(tmp_path, database_url, workers=2, env=CHEAP_HASHING | ADMIN_ENV) as (base, _):
        http = httpx.Client(base_url=base, timeout=30)
        topics, voters = open_consultation(
            http, "race", topics=TOPICS, voters=VOTERS, database_url=database_url
        )

        acked: dict[tuple[int, int], set[int]] = defaultdict(set)
        statuses: list[int] = []
        lock = threading.Lock()

        def worker(seed: int) -> None:
            rng = random.Random(seed)
            with httpx.Client(base_url=base, timeout=60) as own:
                for _ in range(WRITES):
                    voter = rng.choice(list(voters))
                    topic = rng.choice(topics)
                    score = rng.randint(1, 5)
                    response = own.put(
                        f"{API}/consultations/race/ballot/{topic}",
                        json={"score": score},
                        headers=voters[voter],
                    )
                    with lock:
                        statuses.append(response.status_code)
                        if response.status_code == 200:
                            acked[(voter, topic)].add(score)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        http.close()

    assert statuses == [200] * THREADS * WRITES
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            rows = session.execute(
                select(Participant.account_id, Rating.topic_id, Rating.score).join(
                    Participant, Participant.id == Rating.participant_id
                )
            ).all()
            participants = list(session.scalars(select(Participant.account_id)))
    finally:
        engine.dispose()
    stored = {(account, topic): score for account, topic, score in rows}
    assert len(stored) == len(rows)  # no duplicates
    assert stored.keys() == acked.keys()  # none lost, none invented
    assert all(score in acked[key] for key, score in stored.items())
    assert sorted(participants) == sorted({voter for voter, _ in acked})
