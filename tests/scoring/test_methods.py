"""Each method on an example small enough to work out by hand (the working is in the comments)."""

import math
from dataclasses import replace

import pytest
import scipy.stats  # type: ignore[import-untyped]

from app.scoring.methods import (
    METHODS,
    WILSON_Z,
    Method,
    UnknownMethod,
    balanced,
    bayesian,
    consensus,
    majority_grade,
    majority_judgment,
    mean,
    rating_sum,
    schulze,
    score_topics,
    strongest_paths,
    top_box,
    wilson_interval,
    zscore,
)
from app.scoring.tallies import Rating, Scale, Tallies, TopicRef, tallies_from_ballots

SCALE = Scale(1, 5)


def topics(*titles: str) -> tuple[TopicRef, ...]:
    return tuple(TopicRef(i, title) for i, title in enumerate(titles, start=1))


def ballots(scale: Scale, titles: tuple[TopicRef, ...], rows: list[Rating]) -> Tallies:
    return tallies_from_ballots(rows, scale, titles)


def same_ratings(group: str, people: int, prefix: str, scores: dict[int, int]) -> list[Rating]:
    """`people` participants of `group` who all rate each topic as `scores` says."""
    return [
        (f"{prefix}{i}", group, topic_id, score)
        for i in range(people)
        for topic_id, score in scores.items()
    ]


def test_the_registry_lists_the_eight_methods_in_order() -> None:
    assert list(METHODS) == [
        "mean",
        "bayesian",
        "balanced",
        "zscore",
        "top_box",
        "majority_judgment",
        "consensus",
        "schulze",
    ]
    assert {m.needs for m in METHODS.values()} == {"histograms", "profiles", "pairwise"}
    assert METHODS["zscore"].needs == "profiles"
    assert METHODS["schulze"].needs == "pairwise"
    for method in METHODS.values():
        assert isinstance(method, Method)
        assert method.title
        assert 1 <= method.description.count(".") <= 3


def test_an_unknown_method_is_refused_by_name() -> None:
    tallies = ballots(SCALE, topics("A"), [("p", "other", 1, 3)])
    with pytest.raises(UnknownMethod, match="'median'") as caught:
        score_topics("median", tallies, prior_weight=5, min_group_size=5)
    assert isinstance(caught.value, ValueError)


def test_mean_is_the_average_and_skips_unrated_topics() -> None:
    rows: list[Rating] = [("p1", "other", 1, 5), ("p2", "other", 1, 4), ("p3", "other", 1, 3)]
    rows += [("p1", "other", 2, 2), ("p2", "other", 2, 2)]
    # A: (5 + 4 + 3) / 3 = 4; B: (2 + 2) / 2 = 2; C unrated.
    assert mean(ballots(SCALE, topics("A", "B", "C"), rows)) == {1: 4.0, 2: 2.0}


def test_bayesian_damps_a_topic_with_one_rating_toward_the_overall_mean() -> None:
    rows = [("solo", "other", 1, 5)]
    rows += [(f"b{i}", "other", 2, 4) for i in range(10)]
    rows += [(f"d{i}", "other", 3, 1) for i in range(5)]
    tallies = ballots(SCALE, topics("A", "B", "D"), rows)
    # All ratings: n = 16, sum = 5 + 40 + 5 = 50, m = 3.125; C = 5, so C * m = 15.625.
    # A: (15.625 + 5) / (5 + 1) = 3.4375; B: (15.625 + 40) / 15 = 3.708333...;
    # D: (15.625 + 5) / (5 + 5) = 2.0625. The mean put A (5.0) first; here B leads.
    scores = bayesian(tallies, prior_weight=5)
    assert scores[1] == pytest.approx(3.4375, abs=1e-12)
    assert scores[2] == pytest.approx(55.625 / 15, abs=1e-12)
    assert scores[3] == pytest.approx(2.0625, abs=1e-12)
    # With no prior weight it is the plain mean.
    assert bayesian(tallies, prior_weight=0) == {1: 5.0, 2: 4.0, 3: 1.0}


def test_a_negative_prior_weight_is_refused() -> None:
    tallies = ballots(SCALE, topics("A"), [("p", "other", 1, 3)])
    with pytest.raises(ValueError, match="prior_weight"):
        score_topics("bayesian", tallies, prior_weight=-1, min_group_size=5)


def test_balanced_gives_a_group_ten_times_larger_no_more_weight() -> None:
    rows = same_ratings("civil_society", 50, "cs", {1: 5, 2: 4})
    rows += same_ratings("government", 5, "gov", {1: 1, 2: 4})
    tallies = ballots(SCALE, topics("A", "B"), rows)
    # Mean: A = (50 * 5 + 5 * 1) / 55 = 4.6363..., B = 4: civil society's numbers carry A.
    assert mean(tallies) == {1: pytest.approx(255 / 55), 2: 4.0}
    # Balanced: A = (5 + 1) / 2 = 3, B = (4 + 4) / 2 = 4: each group counts once.
    assert balanced(tallies, min_group_size=5) == {1: 3.0, 2: 4.0}


def test_balanced_counts_small_groups_as_other() -> None:
    rows = same_ratings("civil_society", 6, "cs", {1: 5, 2: 4})
    rows += same_ratings("government", 5, "gov", {1: 1, 2: 4})
    rows += same_ratings("academia", 2, "ac", {1: 2})
    rows += same_ratings("other", 1, "ot", {1: 4})
    tallies = ballots(SCALE, topics("A", "B"), rows)
    # min 5: academia (2) joins other (1): A's groups are 5, 1 and (2 + 2 + 4) / 3 = 8/3,
    # so A = (5 + 1 + 8/3) / 3 = 26/9; B is rated by the two large groups only: 4.
    assert balanced(tallies, min_group_size=5) == {1: pytest.approx(26 / 9, abs=1e-12), 2: 4.0}
    # min 1: four groups, A = (5 + 1 + 2 + 4) / 4 = 3.
    assert balanced(tallies, min_group_size=1) == {1: 3.0, 2: 4.0}


def test_zscore_a_rater_who_rates_everything_five_contributes_zero() -> None:
    rows: list[Rating] = [("flat", "other", 1, 5), ("flat", "other", 2, 5), ("flat", "other", 3, 5)]
    rows += [("keen", "other", 1, 4), ("keen", "other", 2, 2), ("keen", "other", 3, 3)]
    rows += [("once", "other", 1, 1)]
    tallies = ballots(SCALE, topics("A", "B", "C"), rows)
    # flat: s.d. 0, z = 0 everywhere. once: a single rating, z = 0.
    # keen: mean 3, population s.d. sqrt((1 + 1 + 0) / 3) = sqrt(2/3),
    # so z(A) = 1 / sqrt(2/3) = sqrt(1.5) = 1.2247..., z(B) = -sqrt(1.5), z(C) = 0.
    # A: (0 + sqrt(1.5) + 0) / 3; B: (0 - sqrt(1.5)) / 2; C: (0 + 0) / 2.
    assert zscore(tallies) == {
        1: pytest.approx(math.sqrt(1.5) / 3, abs=1e-12),
        2: pytest.approx(-math.sqrt(1.5) / 2, abs=1e-12),
        3: 0.0,
    }
    # The mean ranks C (5, 3) first thanks to the flat rater; z-scores rank A first.
    assert mean(tallies) == {1: pytest.approx(10 / 3), 2: 3.5, 3: 4.0}


def test_zscore_needs_profiles() -> None:
    plain = Tallies(SCALE, topics("A"), {(1, "other"): (0, 0, 1, 0, 0)}, {"other": 1}, 1)
    with pytest.raises(ValueError, match="profiles"):
        zscore(plain)
    with pytest.raises(ValueError, match="profiles"):
        score_topics("zscore", plain, prior_weight=5, min_group_size=5)


def test_zscore_refuses_profiles_that_disagree_with_the_histograms() -> None:
    tallies = Tallies(
        SCALE,
        topics("A"),
        {(1, "other"): (0, 0, 2, 0, 0)},
        {"other": 2},
        2,
        profiles=[(1, 3, 1, 3, 9, 1)],
    )
    with pytest.raises(ValueError, match="different ratings"):
        zscore(tallies)


def test_wilson_interval_matches_scipy_and_a_hand_computation() -> None:
    # 7 of 10: scipy's binomtest(7, 10).proportion_ci(method="wilson").
    assert wilson_interval(7, 10) == pytest.approx((0.39677814746114526, 0.892208732593699))
    for k, n in [(0, 1), (1, 1), (0, 7), (3, 7), (7, 7), (12, 40), (499, 1000)]:
        ci = scipy.stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        assert wilson_interval(k, n) == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_top_box_is_the_wilson_lower_bound_of_the_top_two_levels() -> None:
    # A: 7 of 10 ratings are 4 or 5. B: 1 of 1.
    scores_a = [5, 5, 4, 4, 4, 5, 4, 3, 2, 1]
    rows = [(f"p{i}", "other", 1, s) for i, s in enumerate(scores_a)] + [("p0", "other", 2, 4)]
    scores = top_box(ballots(SCALE, topics("A", "B"), rows))
    assert scores[1] == pytest.approx(0.39677814746114526, abs=1e-12)
    # k = n = 1: (1 + z²/2 - z * sqrt(z²/4)) / (1 + z²) = 1 / (1 + z²).
    assert scores[2] == pytest.approx(1 / (1 + WILSON_Z**2), abs=1e-12)


def test_top_box_on_a_scale_around_zero_counts_its_top_two_levels() -> None:
    rows: list[Rating] = [("a", "other", 1, 2), ("b", "other", 1, 1), ("c", "other", 1, 0)]
    ci = scipy.stats.binomtest(2, 3).proportion_ci(method="wilson")
    assert top_box(ballots(Scale(-2, 2), topics("A"), rows)) == {1: pytest.approx(ci.low)}


def test_majority_judgment_gauge_breaks_a_tie_of_equal_medians() -> None:
    grades = {
        1: [1, 3, 3, 4, 4],  # median 3; 2/5 above > 1/5 below: 3 + 0.4 = 3.4
        2: [2, 2, 3, 3, 5],  # median 3; 1/5 above < 2/5 below: 3 - 0.4 = 2.6
        3: [2, 4],  # lower median 2; 1/2 above > 0 below: 2.5
        4: [3, 3, 3],  # median 3, nothing above or below: 3 - 0 = 3
        5: [1, 5, 5, 5],  # lower median (index 1) 5; 0 above, 1/4 below: 4.75
    }
    rows = [
        (f"p{i}", "other", topic_id, score)
        for topic_id, scores in grades.items()
        for i, score in enumerate(scores)
    ]
    tallies = ballots(SCALE, topics("A", "B", "C", "D", "E"), rows)
    assert majority_judgment(tallies) == {
        1: pytest.approx(3.4, abs=1e-12),
        2: pytest.approx(2.6, abs=1e-12),
        3: 2.5,
        4: 3.0,
        5: 4.75,
    }


def test_majority_grade_with_equal_shares_above_and_below_takes_the_lower_side() -> None:
    # [1, 3, 5]: median 3, 1/3 above = 1/3 below, so a - q = 3 - 1/3.
    assert majority_grade([1, 0, 1, 0, 1], SCALE) == pytest.approx(8 / 3, abs=1e-12)


def test_consensus_a_topic_loved_by_one_group_rejected_by_another_loses_to_one_all_like() -> None:
    rows = same_ratings("civil_society", 20, "cs", {1: 5, 2: 4})
    rows += same_ratings("government", 5, "gov", {1: 1, 2: 4})
    tallies = ballots(SCALE, topics("Loved by some", "Liked by all"), rows)
    # The mean prefers A: (20 * 5 + 5 * 1) / 25 = 4.2 against 4.
    assert mean(tallies) == {1: pytest.approx(4.2), 2: 4.0}
    # s_g = (k_g + 1/2) / (n_g + 1). A: civil society 20.5 / 21, government 0.5 / 6;
    # B: 20.5 / 21 and 5.5 / 6. Score: the geometric mean over the two groups.
    loved = math.sqrt(20.5 / 21 * 0.5 / 6)  # 0.2852...
    liked = math.sqrt(20.5 / 21 * 5.5 / 6)  # 0.9459...
    assert consensus(tallies, min_group_size=5) == {
        1: pytest.approx(loved, abs=1e-12),
        2: pytest.approx(liked, abs=1e-12),
    }


def test_consensus_counts_a_group_that_did_not_rate_a_topic_as_undecided() -> None:
    rows = same_ratings("civil_society", 2, "cs", {1: 5, 2: 5})
    rows += same_ratings("government", 2, "gov", {2: 2})
    tallies = ballots(SCALE, topics("A", "B", "C"), rows)
    # Groups with participants: civil society and government (min_group_size 2).
    # A: civil society (2 + 0.5) / 3, government did not rate it: 0.5 / 1.
    # B: civil society 2.5 / 3, government (0 + 0.5) / 3. C: nobody rated it, no score.
    assert consensus(tallies, min_group_size=2) == {
        1: pytest.approx(math.sqrt(2.5 / 3 * 0.5), abs=1e-12),
        2: pytest.approx(math.sqrt(2.5 / 3 * 0.5 / 3), abs=1e-12),
    }


def test_consensus_leaves_out_a_group_listed_with_no_participants() -> None:
    rows = same_ratings("civil_society", 2, "cs", {1: 5})
    rated = ballots(SCALE, topics("A"), rows)
    listed = replace(rated, group_sizes={**rated.group_sizes, "government": 0})
    # Only civil society counts: (2 + 0.5) / 3, not also government's undecided 0.5 / 1.
    assert consensus(listed, min_group_size=1) == {1: pytest.approx(2.5 / 3, abs=1e-12)}


def test_consensus_folds_small_groups_into_other_and_counts_the_top_two_levels() -> None:
    rows = same_ratings("civil_society", 3, "cs", {1: 4})
    rows += same_ratings("academia", 1, "ac", {1: 3})
    rows += same_ratings("other", 1, "ot", {1: 5})
    tallies = ballots(SCALE, topics("A"), rows)
    # min 3: academia (1) and other (1) fold into one `other` with ratings 3 and 5.
    # civil society: 3 ratings of 4, all in the top two levels: 3.5 / 4; other: 1.5 / 3.
    assert consensus(tallies, min_group_size=3) == {
        1: pytest.approx(math.sqrt(3.5 / 4 * 1.5 / 3), abs=1e-12)
    }
    # min 1: three groups, academia's 3 is not a top rating: 0.5 / 2.
    assert consensus(tallies, min_group_size=1) == {
        1: pytest.approx((3.5 / 4 * 0.5 / 2 * 1.5 / 2) ** (1 / 3), abs=1e-12)
    }
    # One group for everyone (min larger than any group): 4 top ratings of 5: 4.5 / 6.
    assert score_topics("consensus", tallies, prior_weight=5, min_group_size=10) == {
        1: pytest.approx(4.5 / 6, abs=1e-12)
    }


# Wikipedia, "Schulze method", the example with 45 voters and candidates A to E.
WIKIPEDIA_45 = [
    (5, "ACBED"),
    (5, "ADECB"),
    (8, "BEDAC"),
    (3, "CABED"),
    (7, "CAEBD"),
    (2, "CBADE"),
    (7, "DCEBA"),
    (8, "EBADC"),
]
A, B, C, D, E = 1, 2, 3, 4, 5
CANDIDATES = topics("A", "B", "C", "D", "E")


def wikipedia_45() -> Tallies:
    rows: list[Rating] = []
    for block, (voters, order) in enumerate(WIKIPEDIA_45):
        for voter in range(voters):
            # First choice rated 5, last rated 1.
            rows.extend(
                (f"v{block}.{voter}", "other", "ABCDE".index(letter) + 1, 5 - place)
                for place, letter in enumerate(order)
            )
    return ballots(SCALE, CANDIDATES, rows)


def test_schulze_pairwise_counts_of_the_45_voter_example() -> None:
    d = wikipedia_45().pairwise
    assert d is not None
    table = {
        A: {B: 20, C: 26, D: 30, E: 22},
        B: {A: 25, C: 16, D: 33, E: 18},
        C: {A: 19, B: 29, D: 17, E: 24},
        D: {A: 15, B: 12, C: 28, E: 14},
        E: {A: 23, B: 27, C: 21, D: 31},
    }
    assert d == {(a, b): n for a, row in table.items() for b, n in row.items()}


def test_schulze_strongest_paths_of_the_45_voter_example() -> None:
    d = wikipedia_45().pairwise
    assert d is not None
    table = {
        A: {B: 28, C: 28, D: 30, E: 24},
        B: {A: 25, C: 28, D: 33, E: 24},
        C: {A: 25, B: 29, D: 29, E: 24},
        D: {A: 25, B: 28, C: 28, E: 24},
        E: {A: 25, B: 28, C: 28, D: 31},
    }
    expected = {(a, b): n for a, row in table.items() for b, n in row.items()}
    assert strongest_paths(d, [A, B, C, D, E]) == expected


def test_schulze_45_voter_example_elects_e_and_orders_e_a_c_b_d() -> None:
    # Five layers, one topic each: E > A > C > B > D, scores T - layer with T = 5.
    assert schulze(wikipedia_45()) == {E: 5.0, A: 4.0, C: 3.0, B: 2.0, D: 1.0}


def test_schulze_with_skipped_topics_and_a_perfect_cycle_ties_everyone() -> None:
    rows: list[Rating] = [("p1", "other", 1, 5), ("p1", "other", 2, 3)]  # X > Y, skips Z
    rows += [("p2", "other", 2, 4), ("p2", "other", 3, 2)]  # Y > Z, skips X
    rows += [("p3", "other", 3, 5), ("p3", "other", 1, 1)]  # Z > X, skips Y
    tallies = ballots(SCALE, topics("X", "Y", "Z", "W"), rows)
    # d = 1 along the cycle X > Y > Z > X, 0 against: every strongest path is 1, nobody is
    # beaten, all three are winners. W has no ratings and does not take part: T = 3.
    assert tallies.pairwise == {(1, 2): 1, (2, 3): 1, (3, 1): 1}
    assert schulze(tallies) == {1: 3.0, 2: 3.0, 3: 3.0}


def test_schulze_an_equal_rating_is_no_preference() -> None:
    rows: list[Rating] = [("p1", "other", 1, 4), ("p1", "other", 2, 4), ("p1", "other", 3, 1)]
    rows += [("p2", "other", 1, 5), ("p2", "other", 3, 2)]
    tallies = ballots(SCALE, topics("X", "Y", "Z"), rows)
    # d[X][Z] = 2, d[Y][Z] = 1, X and Y never compared strictly: X, Y both beat Z, tie on top.
    assert schulze(tallies) == {1: 3.0, 2: 3.0, 3: 2.0}


def test_schulze_needs_pairwise_counts() -> None:
    plain = Tallies(SCALE, topics("A"), {(1, "other"): (0, 0, 1, 0, 0)}, {"other": 1}, 1)
    with pytest.raises(ValueError, match="pairwise"):
        schulze(plain)
    with pytest.raises(ValueError, match="pairwise"):
        score_topics("schulze", plain, prior_weight=5, min_group_size=5)


# Found by mutation testing (bench/MUTATION.md): each refusal says what is missing, and where.


def test_each_refusal_names_what_the_method_lacks() -> None:
    plain = Tallies(SCALE, topics("A"), {(1, "other"): (0, 0, 1, 0, 0)}, {"other": 1}, 1)
    with pytest.raises(ValueError, match=r"^zscore needs per-participant profiles, which"):
        zscore(plain)
    with pytest.raises(ValueError, match=r"^schulze needs pairwise counts, which these"):
        schulze(plain)
    # Through score_topics the check comes first, naming the method as asked for.
    with pytest.raises(ValueError, match=r"^method 'zscore' needs per-participant profiles;"):
        score_topics("zscore", plain, prior_weight=5, min_group_size=5)
    with pytest.raises(ValueError, match=r"^method 'schulze' needs pairwise counts;"):
        score_topics("schulze", plain, prior_weight=5, min_group_size=5)


def test_zscore_says_when_profiles_and_histograms_disagree() -> None:
    tallies = Tallies(
        SCALE, topics("A"), {(1, "other"): (0, 0, 2, 0, 0)}, {"other": 2}, 2,
        profiles=[(1, 3, 1, 3, 9, 1)],
    )  # fmt: skip
    with pytest.raises(ValueError, match=r"^the profiles and the histograms count different"):
        zscore(tallies)


def test_majority_grade_of_no_ratings_says_so() -> None:
    with pytest.raises(ValueError, match=r"^majority judgment of a topic without ratings$"):
        majority_grade((0, 0, 0, 0, 0), SCALE)


def test_an_unknown_method_is_named_in_the_refusal() -> None:
    with pytest.raises(UnknownMethod) as refused:
        score_topics(
            "borda", Tallies(SCALE, topics("A"), {}, {}, 0), prior_weight=5, min_group_size=5
        )
    assert refused.value.name == "borda"
    assert str(refused.value).startswith("unknown scoring method 'borda'; known: mean, ")


def test_a_histogram_that_does_not_fit_the_scale_is_refused() -> None:
    with pytest.raises(ValueError, match="zip"):
        rating_sum((1, 2), SCALE)
    assert rating_sum((1, 0, 0, 0, 2), SCALE) == 11
