"""Properties every ranking must have, on random consultations with skipped topics."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.scoring.methods import METHODS, score_topics
from app.scoring.ranking import Entry, rank
from app.scoring.tallies import Rating, Tallies, TopicRef, tallies_from_ballots

from . import reference
from .ballots import Consultation, checked, consultations

MONOTONE = ("mean", "bayesian", "balanced", "top_box", "majority_judgment", "consensus")
PRIOR_WEIGHTS = st.sampled_from([0.0, 1.0, 5.0, 2.5])
MIN_GROUP_SIZES = st.integers(1, 4)


def tallies_of(consultation: Consultation, rows: tuple[Rating, ...] | None = None) -> Tallies:
    return tallies_from_ballots(
        consultation.rows if rows is None else rows, consultation.scale, consultation.topics
    )


def ranking(method: str, tallies: Tallies, prior_weight: float, min_group_size: int) -> list[Entry]:
    return rank(
        method,
        tallies,
        prior_weight=prior_weight,
        min_group_size=min_group_size,
        fold_groups=True,
    )


@checked
@given(consultations(), PRIOR_WEIGHTS, MIN_GROUP_SIZES)
def test_scores_agree_with_the_definitions_to_1e_9(
    consultation: Consultation, prior_weight: float, min_group_size: int
) -> None:
    rows = consultation.rows
    tallies = tallies_of(consultation)
    expected = {
        "mean": reference.mean(rows),
        "bayesian": reference.bayesian(rows, prior_weight) if rows else {},
        "balanced": reference.balanced(rows, min_group_size),
        "zscore": reference.zscore(rows),
        "top_box": reference.top_box(rows, consultation.scale),
        "majority_judgment": reference.majority_judgment(rows),
        "consensus": reference.consensus(rows, consultation.scale, min_group_size),
    }
    for method, scores in expected.items():
        got = score_topics(
            method, tallies, prior_weight=prior_weight, min_group_size=min_group_size
        )
        assert got == pytest.approx(scores, abs=1e-9, rel=0), method


@checked
@given(consultations(), PRIOR_WEIGHTS, MIN_GROUP_SIZES, st.randoms(use_true_random=False))
def test_the_ranking_does_not_depend_on_the_order_of_ballots(
    consultation: Consultation, prior_weight: float, min_group_size: int, rnd: random.Random
) -> None:
    shuffled = list(consultation.rows)
    rnd.shuffle(shuffled)
    for method in METHODS:
        assert ranking(method, tallies_of(consultation), prior_weight, min_group_size) == ranking(
            method, tallies_of(consultation, tuple(shuffled)), prior_weight, min_group_size
        )


@checked
@given(consultations(), PRIOR_WEIGHTS, MIN_GROUP_SIZES, st.data())
def test_raising_one_rating_never_lowers_that_topics_score(
    consultation: Consultation, prior_weight: float, min_group_size: int, data: st.DataObject
) -> None:
    raisable = [i for i, row in enumerate(consultation.rows) if row[3] < consultation.scale.hi]
    if not raisable:
        return
    i = data.draw(st.sampled_from(raisable))
    participant, group, topic_id, score = consultation.rows[i]
    raised = list(consultation.rows)
    raised[i] = (participant, group, topic_id, score + 1)
    for method in MONOTONE:
        before = score_topics(
            method,
            tallies_of(consultation),
            prior_weight=prior_weight,
            min_group_size=min_group_size,
        )
        after = score_topics(
            method,
            tallies_of(consultation, tuple(raised)),
            prior_weight=prior_weight,
            min_group_size=min_group_size,
        )
        assert after[topic_id] >= before[topic_id], method


@checked
@given(consultations(max_topics=5), PRIOR_WEIGHTS, MIN_GROUP_SIZES)
def test_two_topics_with_identical_ratings_always_tie(
    consultation: Consultation, prior_weight: float, min_group_size: int
) -> None:
    first = consultation.topics[0].id
    twin = max(topic.id for topic in consultation.topics) + 1
    rows = consultation.rows + tuple(
        (participant, group, twin, score)
        for participant, group, topic_id, score in consultation.rows
        if topic_id == first
    )
    topics = (*consultation.topics, TopicRef(twin, "Twin"))
    tallies = tallies_from_ballots(rows, consultation.scale, topics)
    for method in METHODS:
        entries = {e.topic.id: e for e in ranking(method, tallies, prior_weight, min_group_size)}
        a, b = entries[first], entries[twin]
        assert (a.score, a.rank) == (b.score, b.rank), method
        assert a.rank is None or (a.tied and b.tied), method


@checked
@given(consultations(), st.sampled_from(list(METHODS)))
def test_ranks_are_competition_ranks_with_visible_ties_and_unrated_topics_last(
    consultation: Consultation, method: str
) -> None:
    entries = ranking(method, tallies_of(consultation), 5.0, 3)
    scored = [e for e in entries if e.rank is not None]
    unscored = entries[len(scored) :]
    assert all(e.rank is None and e.score is None and e.n == 0 for e in unscored)
    assert [e.topic.title for e in unscored] == sorted(e.topic.title for e in unscored)
    for e in scored:
        assert e.score is not None
        assert e.n > 0
        key = round(e.score, 12)
        higher = sum(1 for other in scored if round(other.score or 0, 12) > key)
        same = [
            other for other in scored if other.score is not None and round(other.score, 12) == key
        ]
        assert e.rank == 1 + higher
        assert e.tied == (len(same) > 1)
    assert [(e.rank, e.topic.title) for e in scored] == sorted(
        (e.rank or 0, e.topic.title) for e in scored
    )
