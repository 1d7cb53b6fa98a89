import math

import pytest

from app.scoring.methods import METHODS, WILSON_Z, UnknownMethod
from app.scoring.ranking import TIE_DECIMALS, Entry, GroupStat, competition_ranks, rank
from app.scoring.tallies import Rating, Scale, Tallies, TopicRef, tallies_from_ballots

SCALE = Scale(1, 5)


def ranking(
    method: str,
    tallies: Tallies,
    *,
    prior_weight: float = 5.0,
    min_group_size: int = 5,
    fold_groups: bool = False,
) -> list[Entry]:
    return rank(
        method,
        tallies,
        prior_weight=prior_weight,
        min_group_size=min_group_size,
        fold_groups=fold_groups,
    )


def ranked(
    method: str,
    rows: list[Rating],
    topics: tuple[TopicRef, ...],
    *,
    min_group_size: int = 5,
    fold_groups: bool = False,
) -> list[Entry]:
    tallies = tallies_from_ballots(rows, SCALE, topics)
    return ranking(method, tallies, min_group_size=min_group_size, fold_groups=fold_groups)


def order(entries: list[Entry]) -> list[tuple[str, int | None, bool]]:
    return [(e.topic.title, e.rank, e.tied) for e in entries]


TIE_TOPICS = (
    TopicRef(1, "Beta"),
    TopicRef(2, "Alpha"),
    TopicRef(3, "Gamma"),
    TopicRef(4, "Delta"),
    TopicRef(5, "Zeta"),
    TopicRef(6, "Aardvark"),
)
# Means: Beta 4, Alpha 4, Gamma 5, Delta 3; Zeta and Aardvark unrated.
TIE_ROWS: list[Rating] = [
    ("p1", "other", 1, 4),
    ("p1", "other", 2, 4),
    ("p1", "other", 3, 5),
    ("p1", "other", 4, 3),
]


def test_ties_share_a_competition_rank_listed_by_title_and_unrated_topics_come_last() -> None:
    assert order(ranked("mean", TIE_ROWS, TIE_TOPICS)) == [
        ("Gamma", 1, False),
        ("Alpha", 2, True),
        ("Beta", 2, True),
        ("Delta", 4, False),
        ("Aardvark", None, False),
        ("Zeta", None, False),
    ]


def test_unrated_topics_have_no_score_and_empty_figures() -> None:
    entry = ranked("mean", TIE_ROWS, TIE_TOPICS)[-1]
    assert entry == Entry(
        rank=None,
        tied=False,
        topic=TopicRef(5, "Zeta"),
        score=None,
        n=0,
        histogram={1: 0, 2: 0, 3: 0, 4: 0, 5: 0},
        spread=None,
        interval=None,
        groups={},
    )


def test_competition_ranks_compare_scores_to_twelve_decimals() -> None:
    assert competition_ranks({1: 0.1 + 0.2, 2: 0.3, 3: 0.9, 4: 0.3 - 1e-9}) == {
        3: 1,
        1: 2,
        2: 2,
        4: 4,
    }
    assert competition_ranks({}) == {}


@pytest.mark.parametrize(
    ("a", "b", "tied"),
    [
        (2.5, 2.5 + 4e-13, True),  # equal once rounded to 12 decimals
        (2.5, 2.5 - 4e-13, True),
        (2.5, 2.500000000001, False),  # differ at the 12th decimal
        (2.5, 2.499999999999, False),
        (0.1 + 0.2, 0.3, True),  # floating-point noise far below it
        (1 / 3, 0.333333333333, True),
        (1 / 3, 0.333333333334, False),
    ],
    ids=["+4e-13", "-4e-13", "+1e-12", "-1e-12", "0.1+0.2", "third-rounded", "third-off"],
)
def test_scores_equal_at_twelve_decimals_tie_and_scores_differing_at_the_twelfth_do_not(
    a: float, b: float, tied: bool
) -> None:
    assert TIE_DECIMALS == 12
    ranks = competition_ranks({1: a, 2: b, 3: 9.0, 4: -9.0})
    assert (ranks[3], ranks[4]) == (1, 4)
    if tied:
        assert (ranks[1], ranks[2]) == (2, 2)
    else:
        assert sorted((ranks[1], ranks[2])) == [2, 3]
        assert (ranks[1] < ranks[2]) == (a > b)


def test_an_entry_carries_its_histogram_spread_interval_and_groups() -> None:
    rows: list[Rating] = [("a", "academia", 1, 5), ("b", "academia", 1, 4), ("c", "other", 1, 3)]
    [entry] = ranked("mean", rows, (TopicRef(1, "Access"),))
    # Ratings 5, 4, 3: mean 4, sample s.d. 1, 95% interval 4 ± 1.96 / sqrt(3).
    half = 1.96 / math.sqrt(3)
    assert entry.rank == 1
    assert entry.tied is False
    assert entry.score == 4.0
    assert entry.n == 3
    assert entry.histogram == {1: 0, 2: 0, 3: 1, 4: 1, 5: 1}
    assert entry.spread == pytest.approx(1.0, abs=1e-12)
    assert entry.interval == pytest.approx((4 - half, 4 + half), abs=1e-12)
    assert entry.groups == {"academia": GroupStat(2, 4.5), "other": GroupStat(1, 3.0)}


def test_bayesian_and_balanced_intervals_surround_their_own_score() -> None:
    rows: list[Rating] = [("a", "academia", 1, 5), ("b", "other", 1, 4), ("c", "other", 2, 1)]
    topics = (TopicRef(1, "A"), TopicRef(2, "B"))
    # A's ratings 5, 4: s.d. sqrt(0.5); half-width 1.96 * sqrt(0.5) / sqrt(2) = 0.98.
    bayes = ranked("bayesian", rows, topics)[0]
    # m = 10/3, A = (5 * 10/3 + 9) / 7 = 77/21.
    assert bayes.score == pytest.approx(77 / 21, abs=1e-12)
    assert bayes.interval == pytest.approx((77 / 21 - 0.98, 77 / 21 + 0.98), abs=1e-12)
    fair = ranked("balanced", rows, topics, min_group_size=1)[0]
    assert fair.score == 4.5
    assert fair.interval == pytest.approx((3.52, 5.48), abs=1e-12)
    # B has a single rating: no spread, no interval.
    single = ranked("bayesian", rows, topics)[1]
    assert (single.spread, single.interval) == (None, None)


def test_top_box_interval_is_the_wilson_interval_and_others_have_none() -> None:
    rows: list[Rating] = [("a", "other", 1, 5), ("b", "other", 1, 2)]
    [entry] = ranked("top_box", rows, (TopicRef(1, "A"),))
    # k = 1, n = 2, p = 1/2, z² = 3.8414...: centre (1/2 + z²/4) / (1 + z²/2),
    # half-width z * sqrt(1/8 + z²/16) / (1 + z²/2).
    z2 = WILSON_Z**2
    centre = (0.5 + z2 / 4) / (1 + z2 / 2)
    half = WILSON_Z * math.sqrt(1 / 8 + z2 / 16) / (1 + z2 / 2)
    assert entry.interval == pytest.approx((centre - half, centre + half), abs=1e-12)
    assert entry.score == pytest.approx(centre - half, abs=1e-12)
    for method in ("zscore", "majority_judgment", "schulze"):
        [other] = ranked(method, rows, (TopicRef(1, "A"),))
        assert other.interval is None
        assert other.spread == pytest.approx(math.sqrt(4.5))


def test_public_breakdown_folds_small_groups_and_the_committee_sees_them_all() -> None:
    rows = [(f"cs{i}", "civil_society", 1, 4) for i in range(6)]
    rows += [("ac1", "academia", 1, 2), ("ac2", "academia", 1, 3), ("ot1", "other", 1, 5)]
    topic = (TopicRef(1, "A"),)
    [public] = ranked("mean", rows, topic, fold_groups=True)
    assert public.groups == {
        "civil_society": GroupStat(6, 4.0),
        "other": GroupStat(3, 10 / 3),
    }
    [committee] = ranked("mean", rows, topic, fold_groups=False)
    assert committee.groups == {
        "academia": GroupStat(2, 2.5),
        "civil_society": GroupStat(6, 4.0),
        "other": GroupStat(1, 5.0),
    }


def test_balanced_folds_small_groups_whoever_asks() -> None:
    rows = [(f"cs{i}", "civil_society", 1, 5) for i in range(5)] + [("ac", "academia", 1, 1)]
    topic = (TopicRef(1, "A"),)
    public = ranked("balanced", rows, topic, fold_groups=True)[0].score
    committee = ranked("balanced", rows, topic, fold_groups=False)[0].score
    # academia (1 person) becomes other: still two groups, (5 + 1) / 2.
    assert public == committee == 3.0


def test_rank_refuses_unknown_methods_and_missing_statistics() -> None:
    tallies = Tallies(SCALE, (TopicRef(1, "A"),), {(1, "other"): (0, 1, 0, 0, 0)}, {"other": 1}, 1)
    with pytest.raises(UnknownMethod):
        ranking("borda", tallies)
    with pytest.raises(ValueError, match="profiles"):
        ranking("zscore", tallies)
    with pytest.raises(ValueError, match="pairwise"):
        ranking("schulze", tallies)
    for method in METHODS.values():
        if method.needs == "histograms":
            assert ranking(method.name, tallies)[0].rank == 1


def test_hand_built_tallies_rank_like_the_ballots_they_summarise() -> None:
    rows: list[Rating] = [("a", "academia", 1, 5), ("a", "academia", 2, 2), ("b", "other", 2, 4)]
    topics = (TopicRef(1, "A"), TopicRef(2, "B"))
    from_rows = tallies_from_ballots(rows, SCALE, topics)
    by_hand = Tallies(
        scale=SCALE,
        topics=topics,
        histograms={
            (1, "academia"): [0, 0, 0, 0, 1],
            (2, "academia"): [0, 1, 0, 0, 0],
            (2, "other"): [0, 0, 0, 1, 0],
        },
        group_sizes={"academia": 1, "other": 1},
        participants=2,
        profiles=[(1, 5, 2, 7, 29, 1), (2, 2, 2, 7, 29, 1), (2, 4, 1, 4, 16, 1)],
        pairwise={(1, 2): 1},
    )
    for method in METHODS:
        assert ranking(method, by_hand) == ranking(method, from_rows)
