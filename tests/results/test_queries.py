"""The aggregate-query path equals the naive per-row reference, on every method."""

from collections import Counter

import httpx
import numpy as np
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app import scoring
from app.models import Consultation
from app.results import queries
from app.scoring import Scale
from tests.actors import add_topics, admin, create_consultation
from tests.results.stored import random_ballots, store, topic_ids


# part 7: participants split across parts; unpacked: profile keys kept as rows, as for
# consultations with too many topics to pack them into one integer.
@pytest.mark.parametrize(
    ("seed", "part", "packed"),
    [
        *((seed, part, True) for seed in (1, 2, 3) for part in (7, queries.STREAM_ROWS)),
        (4, 7, False),
    ],
)
async def test_sql_tallies_equal_the_per_row_reference(
    client: httpx.AsyncClient,
    app: FastAPI,
    seed: int,
    part: int,
    packed: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(queries, "STREAM_ROWS", part)
    if not packed:
        monkeypatch.setattr(queries, "PACKED_LIMIT", 0)
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
    with app.state.sessions() as session:
        consultation = session.scalars(select(Consultation).where(Consultation.slug == slug)).one()
        # The ordered scan counts either one alone as it counts both together.
        alone = queries.ordered_scan(session, consultation, with_profiles=True, with_pairwise=False)
        assert (sorted(alone[0] or []), alone[1]) == (sorted(from_sql.profiles or []), None)
        alone = queries.ordered_scan(session, consultation, with_profiles=False, with_pairwise=True)
        assert alone == (None, from_sql.pairwise)
    for method in scoring.METHODS:
        for fold in (True, False):
            args = {"prior_weight": 5.0, "min_group_size": 5, "fold_groups": fold}
            assert scoring.rank(method, from_sql, **args) == scoring.rank(method, reference, **args)


@pytest.mark.parametrize("scale", [Scale(-2, 2), Scale(-5, 5), Scale(0, 10), Scale(1, 2)])
@pytest.mark.parametrize("packed", [True, False])
def test_profiles_are_counted_exactly_on_any_scale(scale: Scale, packed: bool) -> None:
    rng = np.random.default_rng(scale.hi - scale.lo)
    ids = np.array([3, 8, 11, 40], dtype=np.int64)
    counted = queries._ProfileCounts(ids, scale)
    counted.packed = counted.packed and packed
    expected: Counter[tuple[int, int, int, int, int]] = Counter()
    for _ in range(3):  # three blocks of 50 participants
        rated = rng.random((50, len(ids))) < 0.7
        rated[:, 0] = True
        scores = rng.integers(scale.lo, scale.hi + 1, rated.shape)
        row, column = np.nonzero(rated)
        counted.add(scores[row, column], row, column)
        for p in range(50):
            own = [int(scores[p, c]) for c in range(len(ids)) if rated[p, c]]
            totals = (len(own), sum(own), sum(x * x for x in own))
            for c in np.flatnonzero(rated[p]):
                expected[(int(ids[c]), int(scores[p, c]), *totals)] += 1
    assert {row[:5]: row[5] for row in counted.rows()} == dict(expected)
