"""Issue 12, finding 2: closing while ballot writes stream in. The close records the digest of
exactly the ballots that are then served, and no write commits after the close, on both
databases (a real server with two workers; PostgreSQL in CI's second run)."""

import hashlib
import random
import threading
import time
from pathlib import Path

import httpx

from tests.processes import ADMIN_EMAIL, ADMIN_ENV, CHEAP_HASHING, bearer, open_consultation, served

API = "/api/v1/consultations"
SLUG = "closing"
VOTERS, TOPICS, WRITERS = 24, 5, 12


def test_the_close_digest_is_exact_while_writes_stream_in(
    tmp_path: Path, database_url: str
) -> None:
    env = CHEAP_HASHING | ADMIN_ENV | {"CONSULTA_ACCOUNT_REQUESTS_PER_HOUR": "100"}
    with served(tmp_path, database_url, workers=2, env=env) as (base, _):
        http = httpx.Client(base_url=base, timeout=60)
        topics, voters = open_consultation(
            http, SLUG, topics=TOPICS, voters=VOTERS, database_url=database_url
        )
        boss = bearer(http, ADMIN_EMAIL)
        accepted: list[int] = []
        refused: list[int] = []
        lock = threading.Lock()
        closed = threading.Event()

        def writer(n: int) -> None:
            rng = random.Random(n)
            mine = list(voters.values())[n::WRITERS]
            refusals = 0
            with httpx.Client(base_url=base, timeout=60) as own:
                while refusals < 5:
                    headers = rng.choice(mine)
                    if rng.random() < 0.5:
                        topic = rng.choice(topics)
                        response = own.put(
                            f"{API}/{SLUG}/ballot/{topic}",
                            json={"score": rng.randint(1, 5)},
                            headers=headers,
                        )
                    else:
                        ratings = [{"topic_id": t, "score": rng.randint(1, 5)} for t in topics]
                        response = own.put(
                            f"{API}/{SLUG}/ballot", json={"ratings": ratings}, headers=headers
                        )
                    with lock:
                        if response.status_code == 200:
                            accepted.append(n)
                        else:
                            assert response.status_code == 409, response.text
                            assert closed.is_set()  # refused only once the close was asked
                            refused.append(n)
                            refusals += 1

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)  # writes are streaming in
        closed.set()
        close = http.post(f"{API}/{SLUG}/close", headers=boss)
        assert close.status_code == 200, close.text
        for thread in threads:
            thread.join()

        served_csv = http.get(f"{API}/{SLUG}/ballots.csv").content
        ranking = http.get(f"{API}/{SLUG}/ranking").json()
        audit = http.get(f"{API}/{SLUG}/audit", params={"limit": 500}, headers=boss).json()
        http.close()

    (entry,) = [e for e in audit["items"] if e["action"] == "consultation.close"]
    digest = hashlib.sha256(served_csv).hexdigest()
    assert entry["detail"]["ballot_digest"] == digest
    assert ranking["ballot_digest"] == digest
    assert entry["detail"]["ratings"] == served_csv.count(b"\n") - 1
    assert len(accepted) > WRITERS  # writes really were streaming when the close came
    assert len(refused) == 5 * WRITERS
