"""The grouped write path (app.ballots.writer): concurrent writes share one transaction, each is
stored exactly as acknowledged, a participant's writes keep their order, and one failing
write does not take its group down with it."""

import asyncio
import logging
import sqlite3

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.ballots.rules import Rate, Replace
from app.ballots.writer import BallotWriter, Job, Written
from app.models import Participant, Rating, TallyVersion
from tests.actors import API, Actor, add_topics, admin, create_consultation, move, register
from tests.databases import Reader


@pytest.fixture
async def opened(client: httpx.AsyncClient, app: FastAPI) -> tuple[str, list[int]]:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    topics = await add_topics(client, boss, slug, ["Access", "Rights", "Security"])
    await move(client, boss, slug, "open")
    return slug, topics


@pytest.fixture
def group_sizes(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Records the size of every group the real writer runs."""
    writer: BallotWriter = app.state.ballot_writer
    sizes: list[int] = []
    run = writer._run

    def recording(jobs: list[Job]) -> object:
        sizes.append(len(jobs))
        return run(jobs)

    monkeypatch.setattr(writer, "_run", recording)
    return sizes


async def test_concurrent_writes_share_a_transaction_and_are_stored_as_acknowledged(
    client: httpx.AsyncClient,
    opened: tuple[str, list[int]],
    db: Reader,
    group_sizes: list[int],
) -> None:
    slug, (t0, t1, t2) = opened
    voters = [await register(client) for _ in range(12)]
    url = f"{API}/consultations/{slug}/ballot"
    singles = [
        client.put(f"{url}/{t0}", json={"score": 1 + n % 5}, headers=v.headers)
        for n, v in enumerate(voters)
    ]
    wholes = [
        client.put(
            url,
            json={"ratings": [{"topic_id": t2, "score": 5}, {"topic_id": t1, "score": 2}]},
            headers=v.headers,
        )
        for v in voters[:6]
    ]
    version_before = db.scalar(select(TallyVersion.version)) or 0
    responses = await asyncio.gather(*singles, *wholes)

    assert [r.status_code for r in responses] == [200] * 18
    assert max(group_sizes) > 1, group_sizes  # grouped, not one transaction per write
    assert (db.scalar(select(TallyVersion.version)) or 0) > version_before
    for n, voter in enumerate(voters):
        stored = (await client.get(url, headers=voter.headers)).json()
        single = responses[n].json()
        if n < 6:
            whole = responses[12 + n].json()
            assert whole["ballot_key"] == stored["ballot_key"]
            assert [(r["topic_id"], r["score"]) for r in whole["ratings"]] == [(t1, 2), (t2, 5)]
        # Whichever came second decides; either way what is stored is what was acknowledged.
        acknowledged = {r["topic_id"]: r for r in stored["ratings"]}
        if t0 in acknowledged:
            assert acknowledged[t0] == single
        else:
            assert n < 6
            assert set(acknowledged) == {t1, t2}
    writes = dict(db.rows(select(Participant.account_id, Participant.ballot_writes)))
    assert writes == {v.id: 2 if n < 6 else 1 for n, v in enumerate(voters)}


async def test_a_participants_second_write_in_a_group_waits_for_the_next(
    client: httpx.AsyncClient, app: FastAPI, opened: tuple[str, list[int]], db: Reader
) -> None:
    """Run side by side, a single rating then a whole ballot from one participant must end as
    the whole ballot alone, as if one after the other; and two whole ballots as the second."""
    slug, (t0, t1, t2) = opened
    writer: BallotWriter = app.state.ballot_writer
    voter, other = await register(client), await register(client)
    assert voter.token
    assert other.token

    first, second, bystander = await asyncio.gather(
        writer.write(Job(voter.token, slug, Rate(t0, 2))),
        writer.write(Job(voter.token, slug, Replace([(t1, 4)]))),
        writer.write(Job(other.token, slug, Rate(t2, 3))),
    )
    assert all(isinstance(w, Written) for w in (first, second, bystander))
    assert ratings(db, voter) == {t1: 4}
    assert ratings(db, other) == {t2: 3}

    await asyncio.gather(
        writer.write(Job(voter.token, slug, Replace([(t0, 1)]))),
        writer.write(Job(voter.token, slug, Replace([(t2, 5)]))),
    )
    assert ratings(db, voter) == {t2: 5}


def ratings(db: Reader, who: Actor) -> dict[int, int]:
    rows = db.rows(
        select(Rating.topic_id, Rating.score)
        .join(Participant, Participant.id == Rating.participant_id)
        .where(Participant.account_id == who.id)
    )
    return dict(rows)


async def test_one_failing_write_leaves_the_rest_of_its_group_stored(
    client: httpx.AsyncClient,
    opened: tuple[str, list[int]],
    db: Reader,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A trigger refuses one topic's ratings: its group is rolled back, every write in it is
    retried alone, the refused one answers 409 and the others are stored."""
    slug, (t0, t1, t2) = opened
    if db.dialect == "sqlite":
        db.ddl(
            f"CREATE TRIGGER refuse BEFORE INSERT ON ratings WHEN NEW.topic_id = {t1} "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )
    else:
        db.ddl(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF NEW.topic_id = {t1} THEN RAISE EXCEPTION 'refused by the test' "
            "USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$"
        )
        db.ddl(
            "CREATE TRIGGER refuse BEFORE INSERT ON ratings FOR EACH ROW EXECUTE FUNCTION refuse()"
        )
    voters = [await register(client) for _ in range(3)]
    url = f"{API}/consultations/{slug}/ballot"
    with caplog.at_level(logging.WARNING, logger="app.ballots.writer"):
        responses = await asyncio.gather(
            *(
                client.put(f"{url}/{topic}", json={"score": 3}, headers=v.headers)
                for v, topic in zip(voters, (t0, t1, t2), strict=True)
            )
        )
    assert [r.status_code for r in responses] == [200, 409, 200]
    assert "a group of 3 ballot writes failed" in caplog.text
    assert [ratings(db, v) for v in voters] == [{t0: 3}, {}, {t2: 3}]


async def test_a_group_waits_for_another_process_holding_the_sqlite_write_lock(
    client: httpx.AsyncClient,
    app: FastAPI,
    opened: tuple[str, list[int]],
    db: Reader,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Another process's write transaction is simulated by a second connection holding the
    lock: the group waits for it (polling, not SQLite's back-off) and then commits."""
    if db.dialect != "sqlite":
        pytest.skip("SQLite's write lock only")
    slug, (t0, _, _) = opened
    voter = await register(client)
    other = sqlite3.connect(app.state.engine.url.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with caplog.at_level(logging.WARNING, logger="app.ballots.writer"):
            put = asyncio.create_task(
                client.put(
                    f"{API}/consultations/{slug}/ballot/{t0}",
                    json={"score": 2},
                    headers=voter.headers,
                )
            )
            await asyncio.sleep(0.3)
            assert not put.done()  # waiting for the lock
            other.execute("COMMIT")
            response = await put
    finally:
        other.close()
    assert response.status_code == 200
    assert ratings(db, voter) == {t0: 2}
    assert "failed" not in caplog.text  # the group itself got the lock, no retry alone
