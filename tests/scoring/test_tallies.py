from collections import Counter

import pytest
from hypothesis import given

from app.scoring.tallies import (
    OTHER,
    BallotError,
    Scale,
    Tallies,
    TopicRef,
    fold_small_groups,
    folded_group,
    tallies_from_ballots,
    topic_histograms,
)

from .ballots import Consultation, checked, consultations

SCALE = Scale(1, 5)
TOPICS = (TopicRef(1, "Access"), TopicRef(2, "Privacy"), TopicRef(3, "Skills"))


def test_a_scale_lists_its_levels() -> None:
    assert list(Scale(-2, 2).levels) == [-2, -1, 0, 1, 2]


@pytest.mark.parametrize(("lo", "hi"), [(3, 3), (5, 1), (0, 11)])
def test_a_scale_needs_two_to_eleven_levels(lo: int, hi: int) -> None:
    with pytest.raises(ValueError, match="scale"):
        Scale(lo, hi)


def test_tallies_from_ballots_counts_every_field() -> None:
    tallies = tallies_from_ballots(
        [
            ("p1", "government", 1, 5),
            ("p1", "government", 2, 3),
            ("p2", "academia", 1, 4),
        ],
        SCALE,
        TOPICS,
    )
    assert tallies.histograms == {
        (1, "academia"): (0, 0, 0, 1, 0),
        (1, "government"): (0, 0, 0, 0, 1),
        (2, "government"): (0, 0, 1, 0, 0),
    }
    assert tallies.group_sizes == {"academia": 1, "government": 1}
    assert tallies.participants == 2
    # p1: 2 ratings, sum 8, squares 25 + 9 = 34; p2: 1 rating, sum 4, squares 16.
    assert sorted(tallies.profiles or []) == [
        (1, 4, 1, 4, 16, 1),
        (1, 5, 2, 8, 34, 1),
        (2, 3, 2, 8, 34, 1),
    ]
    assert tallies.pairwise == {(1, 2): 1}
    assert topic_histograms(tallies) == {1: [0, 0, 0, 1, 1], 2: [0, 0, 1, 0, 0], 3: [0] * 5}


def test_profiles_count_participants_with_the_same_aggregates_together() -> None:
    rows = [("a", "other", 1, 5), ("a", "other", 2, 1), ("b", "other", 1, 5), ("b", "other", 2, 1)]
    tallies = tallies_from_ballots(rows, SCALE, TOPICS)
    assert tallies.profiles == [(1, 5, 2, 6, 26, 2), (2, 1, 2, 6, 26, 2)]
    assert tallies.pairwise == {(1, 2): 2}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("p1", "academia", 1, 6)], "score 6 is outside the scale 1..5"),
        ([("p1", "academia", 1, 0)], "score 0 is outside the scale 1..5"),
        ([("p1", "academia", 9, 3)], "topic 9 is not a candidate topic"),
        ([("p1", "academia", 1, 3), ("p1", "academia", 1, 4)], "already rated this topic"),
        ([("p1", "academia", 1, 3), ("p1", "government", 2, 4)], "earlier ratings put"),
        ([("p1", "academia", 1, 3.0)], "not a whole number"),
        ([("p1", "academia", 1, True)], "not a whole number"),
        ([("p1", "", 1, 3)], "group is empty"),
    ],
)
def test_tallies_from_ballots_refuses_ratings_that_cannot_be_counted(
    rows: list[tuple[str, str, int, object]], message: str
) -> None:
    with pytest.raises(BallotError, match=message) as caught:
        tallies_from_ballots(rows, SCALE, TOPICS)  # type: ignore[arg-type]
    assert isinstance(caught.value, ValueError)
    assert f"rating {len(rows)}" in str(caught.value)


def test_tallies_refuse_histograms_that_do_not_fit_the_scale_or_topics() -> None:
    with pytest.raises(ValueError, match="5 levels"):
        Tallies(SCALE, TOPICS, {(1, "other"): (1, 2)}, {"other": 3}, 3)
    with pytest.raises(ValueError, match="not a candidate"):
        Tallies(SCALE, TOPICS, {(7, "other"): (1, 0, 0, 0, 0)}, {"other": 1}, 1)
    with pytest.raises(ValueError, match=r"^topic ids must be unique$"):
        Tallies(SCALE, (TopicRef(1, "a"), TopicRef(1, "b")), {}, {}, 0)


def test_fold_small_groups_merges_them_with_the_real_other() -> None:
    histograms = {
        (1, "civil_society"): (0, 0, 0, 0, 6),
        (1, "academia"): (0, 2, 0, 0, 0),
        (1, "other"): (0, 0, 0, 1, 0),
        (2, "government"): (1, 0, 0, 0, 0),
    }
    sizes = {"civil_society": 6, "academia": 2, "other": 1, "government": 1}
    folded, folded_sizes = fold_small_groups(histograms, sizes, 5)
    assert folded == {
        (1, "civil_society"): (0, 0, 0, 0, 6),
        (1, "other"): (0, 2, 0, 1, 0),
        (2, "other"): (1, 0, 0, 0, 0),
    }
    # 2 + 1 + 1 = 4 < 5: the merged "other" stays, small as it is.
    assert folded_sizes == {"civil_society": 6, "other": 4}


def test_fold_small_groups_keeps_groups_at_the_minimum_and_a_small_lone_other() -> None:
    histograms = {(1, "government"): (0, 0, 5, 0, 0), (1, "other"): (1, 0, 0, 0, 0)}
    sizes = {"government": 5, "other": 1}
    assert fold_small_groups(histograms, sizes, 5) == (histograms, sizes)


@checked
@given(consultations())
def test_tallies_add_up_to_the_ballots(consultation: Consultation) -> None:
    rows = consultation.rows
    tallies = tallies_from_ballots(rows, consultation.scale, consultation.topics)
    per_topic = Counter(topic_id for _, _, topic_id, _ in rows)
    assert {t: sum(h) for t, h in topic_histograms(tallies).items() if sum(h)} == per_topic
    groups = {participant: group for participant, group, _, _ in rows}
    assert tallies.participants == len(groups) == sum(tallies.group_sizes.values())
    assert tallies.group_sizes == Counter(groups.values())
    assert tallies.profiles is not None
    assert tallies.pairwise is not None
    profile_counts: Counter[int] = Counter()
    for topic_id, _, n_p, _, _, count in tallies.profiles:
        assert 1 <= n_p <= len(consultation.topics)
        profile_counts[topic_id] += count
    assert profile_counts == per_topic
    rated = {(participant, topic_id) for participant, _, topic_id, _ in rows}
    for (a, b), wins in tallies.pairwise.items():
        both = sum(1 for p in groups if (p, a) in rated and (p, b) in rated)
        assert 0 < wins <= both
        assert wins + tallies.pairwise.get((b, a), 0) <= both


def test_a_group_with_no_participants_is_folded_whatever_the_minimum() -> None:
    # Found by mutation testing: a group absent from the sizes has size 0.
    assert folded_group("academia", {}, 1) == OTHER
    assert folded_group("academia", {"academia": 1}, 1) == "academia"
    assert folded_group("academia", {"academia": 1}, 2) == OTHER


@pytest.mark.parametrize(
    ("lo", "hi", "allowed"),
    [(0, 10, True), (0, 11, False), (-5, 5, True), (-6, 5, False), (-5, 6, False), (1, 2, True)],
)
def test_a_scale_has_at_most_eleven_levels(lo: int, hi: int, allowed: bool) -> None:
    # Found by mutation testing: both sides of the limit, with negative levels too.
    if allowed:
        assert len(Scale(lo, hi).levels) == hi - lo + 1
    else:
        with pytest.raises(ValueError, match="at most 11 levels"):
            Scale(lo, hi)
