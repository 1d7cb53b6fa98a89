"""Method agreement: tau-b against scipy, and which topics are in the top under every method."""

import importlib
import math

import pytest
import scipy.stats  # type: ignore[import-untyped]
from hypothesis import given
from hypothesis import strategies as st

from app.scoring.agreement import agreement, kendall_tau_b, tau_matrix, top_sets
from app.scoring.methods import METHODS
from app.scoring.ranking import rank
from app.scoring.tallies import Rating, Scale, TopicRef, tallies_from_ballots

from .ballots import Consultation, checked, consultations

SCALE = Scale(1, 5)

paired = st.integers(0, 30).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(1, 6), min_size=n, max_size=n),
        st.lists(st.integers(1, 6), min_size=n, max_size=n),
    )
)


@checked
@given(paired)
def test_tau_b_equals_scipy_on_random_rankings_with_ties(pair: tuple[list[int], list[int]]) -> None:
    x, y = pair
    ours = kendall_tau_b(x, y)
    theirs = float(scipy.stats.kendalltau(x, y, variant="b").statistic) if len(x) >= 2 else math.nan
    if math.isnan(theirs):
        assert ours is None
    else:
        assert ours == pytest.approx(theirs, abs=1e-12)


def test_tau_b_by_hand_with_ties_in_both() -> None:
    # Pairs of (1, 1), (2, 1), (2, 2), (3, 3): of the 6 pairs, (a, b) is tied in y, (b, c) tied
    # in x; the other 4 are concordant. tau-b = 4 / sqrt((6 - 1) * (6 - 1)) = 0.8.
    assert kendall_tau_b([1, 2, 2, 3], [1, 1, 2, 3]) == pytest.approx(0.8, abs=1e-15)
    assert kendall_tau_b([1, 2, 3], [3, 2, 1]) == -1.0
    assert kendall_tau_b([1, 1, 1], [1, 2, 3]) is None  # one side all tied: undefined
    assert kendall_tau_b([1], [1]) is None
    with pytest.raises(ValueError, match="paired"):
        kendall_tau_b([1, 2], [1])


def test_the_tau_matrix_is_symmetric_with_ones_on_the_diagonal() -> None:
    ranks = {"a": {1: 1, 2: 2, 3: 3}, "b": {1: 3, 2: 2, 3: 1}, "c": {1: 1, 2: 1, 3: 3, 4: 4}}
    matrix = tau_matrix(ranks)
    assert matrix["a"]["a"] == matrix["b"]["b"] == matrix["c"]["c"] == 1.0
    assert matrix["a"]["b"] == matrix["b"]["a"] == -1.0
    # a and c share topics 1-3 only (c also ranks 4): ties (1, 2) in c.
    assert matrix["a"]["c"] == matrix["c"]["a"] == pytest.approx(2 / math.sqrt(3 * 2))


TOPICS = tuple(TopicRef(i, title) for i, title in enumerate("ABCDE", start=1))


def test_top_sets_split_the_topics_in_the_top_under_every_method_from_the_doubtful() -> None:
    ranks = {
        "m1": {1: 1, 2: 2, 3: 3, 4: 4},
        "m2": {1: 2, 2: 1, 3: 4, 4: 3},
        "m3": {1: 1, 2: 3, 3: 2, 4: 4},
    }
    in_all, in_some = top_sets(TOPICS, ranks, top=2)
    assert in_all == (TOPICS[0],)  # A: ranks 1, 2, 1
    # B is in under m1 and m2, C under m3 only, D under none.
    assert [(d.topic.title, d.methods) for d in in_some] == [("B", ("m1", "m2")), ("C", ("m3",))]


def test_a_tie_across_the_cut_counts_as_in_and_unrated_topics_are_never_in() -> None:
    ranks = {"m1": {1: 1, 2: 2, 3: 2}, "m2": {1: 1, 2: 2, 3: 3}}
    in_all, in_some = top_sets(TOPICS, ranks, top=2)
    assert in_all == (TOPICS[0], TOPICS[1])
    assert [(d.topic.title, d.methods) for d in in_some] == [("C", ("m1",))]
    # Everything ranked is in when the top is as large as the list; D and E are unrated.
    everything, none = top_sets(TOPICS, ranks, top=10)
    assert everything == TOPICS[:3]
    assert none == ()


def test_the_doubtful_run_from_the_surest_down() -> None:
    ranks = {
        "m1": {1: 1, 2: 2, 3: 3, 4: 4, 5: 5},
        "m2": {1: 5, 2: 1, 3: 2, 4: 3, 5: 4},
        "m3": {1: 5, 2: 4, 3: 1, 4: 2, 5: 3},
    }
    _, in_some = top_sets(TOPICS, ranks, top=2)
    # In under two methods: B (ranks 2, 1, 4: sum 7) and C (3, 2, 1: sum 6), so C first;
    # then under one method: D (4, 3, 2: 9) before A (1, 5, 5: 11).
    assert [d.topic.title for d in in_some] == ["C", "B", "D", "A"]


def loved_and_liked() -> list[Rating]:
    """Civil society (20) loves A and rates B 4; government (5) rejects A and rates B 4;
    everyone rates C 2; nobody rated D."""
    rows: list[Rating] = []
    for i in range(20):
        rows += [(f"cs{i}", "civil_society", 1, 5), (f"cs{i}", "civil_society", 2, 4)]
        rows += [(f"cs{i}", "civil_society", 3, 2)]
    for i in range(5):
        rows += [(f"gov{i}", "government", 1, 1), (f"gov{i}", "government", 2, 4)]
        rows += [(f"gov{i}", "government", 3, 2)]
    return rows


def test_the_topic_one_group_rejects_is_in_the_top_only_under_some_methods() -> None:
    topics = tuple(TopicRef(i, t) for i, t in enumerate(["Loved", "Liked", "Middling", "None"], 1))
    tallies = tallies_from_ballots(loved_and_liked(), SCALE, topics)
    found = agreement(tallies, top=1, prior_weight=5, min_group_size=5)
    assert found.methods == tuple(METHODS)
    assert found.in_all == ()
    doubtful = {d.topic.title: set(d.methods) for d in found.in_some}
    # mean 4.2 > 4 puts Loved first; balanced (3 against 4) and consensus put Liked first.
    assert "mean" in doubtful["Loved"]
    assert {"balanced", "consensus"} <= doubtful["Liked"]
    assert "consensus" not in doubtful["Loved"]
    assert set(doubtful) <= {"Loved", "Liked"}
    # With room for two, both are in under every method: the doubt was only about the order.
    both = agreement(tallies, top=2, prior_weight=5, min_group_size=5)
    assert {t.title for t in both.in_all} == {"Loved", "Liked"}
    assert both.in_some == ()


def test_agreement_ranks_are_each_methods_own_ranking() -> None:
    topics = tuple(TopicRef(i, t) for i, t in enumerate(["Loved", "Liked", "Middling", "None"], 1))
    tallies = tallies_from_ballots(loved_and_liked(), SCALE, topics)
    found = agreement(tallies, top=2, prior_weight=5, min_group_size=5)
    for method in METHODS:
        entries = rank(method, tallies, prior_weight=5, min_group_size=5, fold_groups=False)
        assert found.ranks[method] == {e.topic.id: e.rank for e in entries if e.rank}, method
        assert found.kendall_tau[method][method] == 1.0


def test_agreement_scores_each_method_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    agreement_module = importlib.import_module("app.scoring.agreement")
    real = agreement_module.score_topics

    def counting(method: str, *args: object, **kwargs: object) -> dict[int, float]:
        calls.append(method)
        return real(method, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(agreement_module, "score_topics", counting)
    tallies = tallies_from_ballots(loved_and_liked(), SCALE, TOPICS)
    agreement(tallies, top=2, prior_weight=5, min_group_size=5)
    assert sorted(calls) == sorted(METHODS)


def test_agreement_of_an_empty_consultation_has_no_topic_in_the_top() -> None:
    found = agreement(
        tallies_from_ballots([], SCALE, TOPICS), top=3, prior_weight=5, min_group_size=5
    )
    assert found.in_all == found.in_some == ()
    assert all(tau is None for row in found.kendall_tau.values() for tau in row.values())


def test_agreement_refuses_a_top_below_one_and_unknown_methods() -> None:
    tallies = tallies_from_ballots([], SCALE, TOPICS)
    with pytest.raises(ValueError, match="top"):
        agreement(tallies, top=0, prior_weight=5, min_group_size=5)
    with pytest.raises(ValueError, match="borda"):
        agreement(tallies, top=1, prior_weight=5, min_group_size=5, methods=["mean", "borda"])


@checked
@given(consultations(), st.integers(1, 4))
def test_in_all_and_in_some_partition_the_topics_any_method_puts_in_the_top(
    consultation: Consultation, top: int
) -> None:
    tallies = tallies_from_ballots(consultation.rows, consultation.scale, consultation.topics)
    found = agreement(tallies, top=top, prior_weight=5, min_group_size=2)
    in_top = {m: {t for t, r in ranks.items() if r <= top} for m, ranks in found.ranks.items()}
    assert {t.id for t in found.in_all} == set.intersection(*in_top.values())
    assert {t.id for t in found.in_all} | {d.topic.id for d in found.in_some} == set.union(
        *in_top.values()
    )
    for d in found.in_some:
        assert set(d.methods) == {m for m in METHODS if d.topic.id in in_top[m]}
        assert 0 < len(d.methods) < len(METHODS)
    for row in found.kendall_tau.values():
        assert all(tau is None or -1 - 1e-12 <= tau <= 1 + 1e-12 for tau in row.values())
