import importlib
import random

import numpy as np
import pytest

from app.scoring.methods import METHODS, UnknownMethod, score_topics
from app.scoring.ranking import rank
from app.scoring.stability import (
    MIN_DRAWS,
    RatingMatrix,
    TopicStability,
    draw_scores,
    rank_interval,
    rating_matrix,
    resample_weights,
    stability,
)
from app.scoring.tallies import BallotError, Rating, Scale, TopicRef, tallies_from_ballots

# The module itself (app.scoring's `stability` is the function).
stability_module = importlib.import_module("app.scoring.stability")
SCALE = Scale(1, 5)
TOPICS = tuple(TopicRef(i, title) for i, title in enumerate("ABCDE", start=1))
GROUPS = ["civil_society"] * 6 + ["government"] * 3 + ["academia"] * 2 + ["other"]


def report(
    method: str, matrix: RatingMatrix, *, top: int = 2, seed: int = 1, draws: int = MIN_DRAWS
) -> list[TopicStability]:
    return stability(
        method, matrix, top=top, prior_weight=5, min_group_size=3, draws=draws, seed=seed
    )


def mixed_rows(seed: int) -> list[Rating]:
    """Twelve participants in groups of 6, 3, 2 and 1 who rate at random and skip topics.

    Each rates A, then B to D with probability 3/4; nobody rates E.
    """
    rnd = random.Random(seed)
    return [
        (f"p{i}", group, topic.id, rnd.randint(1, 5))
        for i, group in enumerate(GROUPS)
        for topic in TOPICS[:4]
        if topic.id == 1 or rnd.random() < 0.75
    ]


def clear_cut_rows() -> list[Rating]:
    """A always 5, B always 4, C and D anything up to 3 or skipped: A and B are the top two."""
    rnd = random.Random(3)
    rows: list[Rating] = []
    for i in range(60):
        group = GROUPS[i % len(GROUPS)]
        rows += [(f"p{i}", group, 1, 5), (f"p{i}", group, 2, 4)]
        rows += [(f"p{i}", group, t, rnd.randint(1, 3)) for t in (3, 4) if rnd.random() < 0.8]
    return rows


def test_rating_matrix_puts_participants_in_rows_and_topics_in_columns() -> None:
    rows: list[Rating] = [("x", "academia", 2, 2), ("y", "other", 1, 0), ("x", "academia", 1, -2)]
    matrix = rating_matrix(rows, Scale(-2, 2), TOPICS[:3])
    assert matrix.groups == ("academia", "other")
    assert matrix.rated.tolist() == [[True, True, False], [True, False, False]]
    # The mask, not the value, says what is rated: 0 is a real rating on this scale.
    assert matrix.scores[matrix.rated].tolist() == [-2, 2, 0]


def test_rating_matrix_checks_ballots_like_tallies_do() -> None:
    with pytest.raises(BallotError, match="already rated"):
        rating_matrix([("x", "other", 1, 5), ("x", "other", 1, 4)], SCALE, TOPICS)


def test_a_rating_matrix_refuses_inconsistent_arrays() -> None:
    ones = np.ones((2, 5), dtype=np.int64)
    with pytest.raises(ValueError, match="shape"):
        RatingMatrix(SCALE, TOPICS, ["a"], ones, ones.astype(bool))
    no_rating = np.array([[True] * 5, [False] * 5])
    with pytest.raises(ValueError, match="at least one rating"):
        RatingMatrix(SCALE, TOPICS, ["a", "b"], ones, no_rating)
    with pytest.raises(ValueError, match="outside the scale"):
        RatingMatrix(SCALE, TOPICS, ["a", "b"], ones * 6, ones.astype(bool))


def test_stability_refuses_too_few_draws_a_bad_cut_and_unknown_methods() -> None:
    matrix = rating_matrix(mixed_rows(0), SCALE, TOPICS)
    with pytest.raises(ValueError, match="at least 200 draws"):
        report("mean", matrix, draws=199)
    with pytest.raises(ValueError, match="top"):
        report("mean", matrix, top=0)
    with pytest.raises(UnknownMethod):
        report("borda", matrix)


def test_resample_weights_pick_as_many_participants_as_took_part() -> None:
    batches = list(resample_weights(np.random.default_rng(0), 7, 250))
    weights = np.concatenate(batches)
    assert weights.shape == (250, 7)
    assert (weights.sum(axis=1) == 7).all()


@pytest.mark.parametrize("method", list(METHODS))
def test_every_draw_scores_as_ranking_the_resampled_ballots_would(method: str) -> None:
    rows = mixed_rows(5)
    matrix = rating_matrix(rows, SCALE, TOPICS)
    keys = list(dict.fromkeys(participant for participant, *_ in rows))
    weights = next(resample_weights(np.random.default_rng(11), len(keys), 40))
    vectorised = draw_scores(method, matrix, weights, prior_weight=5, min_group_size=3)
    for draw, picked in zip(vectorised, weights, strict=True):
        # Participant i picked w times becomes w separate participants of the same group.
        copies = {key: int(w) for key, w in zip(keys, picked, strict=True)}
        resampled = [
            (f"{participant}#{copy}", group, topic_id, score)
            for participant, group, topic_id, score in rows
            for copy in range(copies[participant])
        ]
        tallies = tallies_from_ballots(resampled, SCALE, TOPICS)
        naive = score_topics(method, tallies, prior_weight=5, min_group_size=3)
        if method == "zscore":
            assert draw == pytest.approx(naive, abs=1e-12)
        else:
            assert draw == naive


@pytest.mark.parametrize("method", list(METHODS))
def test_the_report_is_in_ranking_order_with_the_ranking_ranks(method: str) -> None:
    rows = mixed_rows(8)
    entries = rank(
        method,
        tallies_from_ballots(rows, SCALE, TOPICS),
        prior_weight=5,
        min_group_size=3,
        fold_groups=False,
    )
    stable = report(method, rating_matrix(rows, SCALE, TOPICS))
    assert [(s.topic, s.rank) for s in stable] == [(e.topic, e.rank) for e in entries]


@pytest.mark.parametrize("method", list(METHODS))
def test_the_same_seed_gives_the_same_report(method: str) -> None:
    matrix = rating_matrix(mixed_rows(2), SCALE, TOPICS)
    first = report(method, matrix, seed=42)
    assert report(method, matrix, seed=42) == first
    for entry in first:
        assert 0.0 <= entry.p_top <= 1.0
        if entry.rank_interval is not None:
            low, high = entry.rank_interval
            assert 1 <= low <= high <= len(TOPICS)


@pytest.mark.parametrize("method", list(METHODS))
def test_obvious_top_topics_are_in_the_top_in_every_draw(method: str) -> None:
    matrix = rating_matrix(clear_cut_rows(), SCALE, TOPICS)
    p_top = {entry.topic.title: entry.p_top for entry in report(method, matrix)}
    assert p_top["A"] == p_top["B"] == 1.0
    assert p_top["C"] < 1.0
    assert p_top["D"] < 1.0
    # E was never rated: never ranked, so never in the top, and it has no interval.
    unrated = report(method, matrix)[-1]
    assert (unrated.topic.title, unrated.rank, unrated.p_top, unrated.rank_interval) == (
        "E",
        None,
        0.0,
        None,
    )


def test_rank_intervals_of_a_clear_cut_mean_ranking() -> None:
    intervals = {
        e.topic.title: e.rank_interval
        for e in report("mean", rating_matrix(clear_cut_rows(), SCALE, TOPICS))
    }
    assert intervals["A"] == (1, 1)
    assert intervals["B"] == (2, 2)


def test_a_tie_across_the_cut_counts_as_in_the_top_for_every_tied_topic() -> None:
    rows = [
        (f"p{i}", "other", topic_id, score)
        for i in range(10)
        for topic_id, score in {1: 5, 2: 4, 3: 4, 4: 1}.items()
    ]
    stable = report("mean", rating_matrix(rows, SCALE, TOPICS), top=2)
    assert [(s.topic.title, s.rank, s.p_top) for s in stable] == [
        ("A", 1, 1.0),
        ("B", 2, 1.0),
        ("C", 2, 1.0),
        ("D", 4, 0.0),
        ("E", None, 0.0),
    ]


def test_a_consultation_without_ratings_has_an_empty_report() -> None:
    stable = report("mean", rating_matrix([], SCALE, TOPICS))
    assert [(s.topic.title, s.rank, s.p_top, s.rank_interval) for s in stable] == [
        (title, None, 0.0, None) for title in "ABCDE"
    ]


# Found by mutation testing (bench/MUTATION.md): the edges of the cut, the default seed, where
# unrated topics go, and batching that must not change the report.


def test_the_cut_may_be_the_first_place_alone() -> None:
    matrix = rating_matrix(clear_cut_rows(), SCALE, TOPICS)
    p_top = {entry.topic.title: entry.p_top for entry in report("mean", matrix, top=1)}
    assert p_top["A"] == 1.0
    assert p_top["B"] == 0.0


def test_the_default_seed_is_zero() -> None:
    matrix = rating_matrix(mixed_rows(2), SCALE, TOPICS)
    default = stability("mean", matrix, top=2, prior_weight=5, min_group_size=3)
    assert default == report("mean", matrix, seed=0)
    assert default != report("mean", matrix, seed=1)


def test_a_topic_that_no_one_rated_is_listed_after_every_ranked_topic() -> None:
    # "A" sorts first by title but was never rated: it comes after the ranked topics.
    topics = (TopicRef(1, "A"), TopicRef(2, "B"), TopicRef(3, "C"))
    rows = [(f"p{i}", "other", topic_id, 6 - topic_id) for i in range(5) for topic_id in (2, 3)]
    stable = report("mean", rating_matrix(rows, SCALE, topics))
    assert [(s.topic.title, s.rank) for s in stable] == [("B", 1), ("C", 2), ("A", None)]


def test_a_topic_missing_from_a_draw_ranks_just_after_that_draws_last_ranked_topic() -> None:
    # C is rated 5 by one participant in ten: first when drawn, and in the draws that leave that
    # participant out (about a third) it ranks just after A and B, that is 3rd.
    rows: list[Rating] = [(f"p{i}", "other", 1, 4) for i in range(10)]
    rows += [(f"p{i}", "other", 2, 3) for i in range(10)]
    rows.append(("p0", "other", 3, 5))
    stable = {s.topic.title: s for s in report("mean", rating_matrix(rows, SCALE, TOPICS[:3]))}
    assert stable["C"].rank == 1
    assert stable["C"].rank_interval == (1, 3)
    assert 0.0 < stable["C"].p_top < 1.0


@pytest.mark.parametrize("method", ["mean", "schulze"])
def test_batching_the_draws_and_the_pairwise_counts_changes_nothing(
    method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    matrix = rating_matrix(mixed_rows(4), SCALE, TOPICS)
    whole = report(method, matrix)
    # A few cells per batch: many batches of draws, and pairwise counts in blocks of one row.
    monkeypatch.setattr(stability_module, "BATCH_CELLS", 5)
    assert report(method, matrix) == whole


def test_resample_weights_in_batches_give_exactly_the_draws_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    [whole] = resample_weights(np.random.default_rng(0), 7, 10)
    monkeypatch.setattr(stability_module, "BATCH_CELLS", 21)  # 3 draws of 7 per batch
    batches = list(resample_weights(np.random.default_rng(0), 7, 10))
    assert [len(b) for b in batches] == [3, 3, 3, 1]
    assert (np.concatenate(batches) == whole).all()


def test_a_rating_matrix_refuses_either_array_in_the_wrong_shape() -> None:
    # Found by mutation testing: each array is checked on its own, and a participant with no
    # topic to rate has no rating.
    ones = np.ones((2, 5), dtype=np.int64)
    wrong = np.ones((2, 4), dtype=np.int64)
    with pytest.raises(ValueError, match="shape"):
        RatingMatrix(SCALE, TOPICS, ["a", "b"], ones, wrong.astype(bool))
    with pytest.raises(ValueError, match="shape"):
        RatingMatrix(SCALE, TOPICS, ["a", "b"], wrong, ones.astype(bool))
    nothing = np.zeros((1, 0), dtype=np.int64)
    with pytest.raises(ValueError, match=r"^every participant must have at least one rating$"):
        RatingMatrix(SCALE, (), ["a"], nothing, nothing.astype(bool))


def test_the_rank_interval_is_the_draws_own_5th_and_95th_percentile_ranks() -> None:
    """Ranks some draw gave, never interpolated: with exactly 10 of 200 draws at rank 1 and the
    rest at rank 3, the 5th percentile is 1 (an interpolating quantile would say 2); with 190 at
    rank 1 and 10 at rank 30, the 95th is 1 (interpolated: 2)."""
    first = np.array([1] * 10 + [3] * 190)
    second = np.array([1] * 190 + [30] * 10)
    low, high = rank_interval(np.stack([first, second], axis=1))
    assert low.tolist() == [1, 1]
    assert high.tolist() == [3, 1]
    assert (low.dtype, high.dtype) == (np.int64, np.int64)  # ranks, not quantile floats
