"""The aggregate-query path equals the naive per-row reference, on every method."""

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app import scoring
from app.models import Consultation
from app.results import queries
from tests.actors import add_topics, admin, create_consultation
from tests.results.stored import random_ballots, store, topic_ids


@pytest.mark.parametrize("part", [7, queries.STREAM_ROWS])  # 7: participants split across parts
@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_sql_tallies_equal_the_per_row_reference(
    client: httpx.AsyncClient,
    app: FastAPI,
    seed: int,
    part: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(queries, "STREAM_ROWS", part)
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss, scale_min=0, scale_max=6))["slug"])
    await add_topics(client, boss, slug, [f"Topic {i}" for i in range(7)])
    rows = random_ballots(seed, topic_ids(app, slug), participants=60, lo=0, hi=6)
    store(app, slug, rows)
    with app.state.sessions() as session:
        consultation = session.scalars(select(Consultation).where(Consultation.slug == slug)).one()
        from_sql = queries.tallies(session, consultation, with_profiles=True, with_pairwise=True)
    reference = scoring.tallies_from_ballots(rows, from_sql.scale, from_sql.topics)
    assert {k: list(v) for k, v in from_sql.histograms.items()} == {
        k: list(v) for k, v in reference.histograms.items()
    }
    assert dict(from_sql.group_sizes) == dict(reference.group_sizes)
    assert from_sql.participants == reference.participants
    assert sorted(from_sql.profiles or []) == sorted(reference.profiles or [])
    assert {k: v for k, v in (from_sql.pairwise or {}).items() if v} == {
        k: v for k, v in (reference.pairwise or {}).items() if v
    }
    for method in scoring.METHODS:
        for fold in (True, False):
            args = {"prior_weight": 5.0, "min_group_size": 5, "fold_groups": fold}
            assert scoring.rank(method, from_sql, **args) == scoring.rank(method, reference, **args)
