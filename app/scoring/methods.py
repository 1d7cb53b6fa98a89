"""The eight scoring methods of `scoring.md`, each a pure function from tallies to scores.

A method returns a score for every topic with at least one rating and nothing for the others.
"""

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from app.scoring.tallies import Scale, Tallies, fold_small_groups, topic_histograms

Scores = dict[int, float]
Needs = Literal["histograms", "profiles", "pairwise"]

WILSON_Z = 1.959963984540054
"""The 97.5th percentile of the standard normal distribution: a two-sided 95% interval."""


class UnknownMethod(ValueError):
    """A scoring method name that is not one of `METHODS`."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown scoring method {name!r}; known: {', '.join(METHODS)}")
        self.name = name


@dataclass(frozen=True)
class Method:
    name: str
    title: str
    description: str
    needs: Needs


def rating_sum(counts: Sequence[int], scale: Scale) -> int:
    return sum(level * count for level, count in zip(scale.levels, counts, strict=True))


def mean(tallies: Tallies) -> Scores:
    return {
        topic_id: rating_sum(counts, tallies.scale) / n
        for topic_id, counts in topic_histograms(tallies).items()
        if (n := sum(counts))
    }


def bayesian(tallies: Tallies, *, prior_weight: float) -> Scores:
    histograms = topic_histograms(tallies)
    total_n = sum(sum(counts) for counts in histograms.values())
    if total_n == 0:
        return {}
    overall = sum(rating_sum(counts, tallies.scale) for counts in histograms.values()) / total_n
    return {
        topic_id: (prior_weight * overall + rating_sum(counts, tallies.scale)) / (prior_weight + n)
        for topic_id, counts in histograms.items()
        if (n := sum(counts))
    }


def balanced(tallies: Tallies, *, min_group_size: int) -> Scores:
    histograms, _ = fold_small_groups(tallies.histograms, tallies.group_sizes, min_group_size)
    group_means: dict[int, list[float]] = defaultdict(list)
    for (topic_id, _), counts in histograms.items():
        if n := sum(counts):
            group_means[topic_id].append(rating_sum(counts, tallies.scale) / n)
    # fsum is exact before its one rounding, so the score does not depend on group order.
    return {topic_id: math.fsum(means) / len(means) for topic_id, means in group_means.items()}


def standardised(score: int, n_p: int, sum_p: int, sumsq_p: int) -> float:
    """A participant's rating as a z-score among their own ratings (0 when undefined)."""
    # n_p² times the population variance, in exact integers: "zero s.d." is never a rounding.
    scatter = n_p * sumsq_p - sum_p * sum_p
    if n_p < 2 or scatter <= 0:
        return 0.0
    return (n_p * score - sum_p) / math.sqrt(scatter)


def zscore(tallies: Tallies) -> Scores:
    if tallies.profiles is None:
        raise ValueError("zscore needs per-participant profiles, which these tallies lack")
    terms: dict[int, list[float]] = defaultdict(list)
    counts: dict[int, int] = defaultdict(int)
    for topic_id, score, n_p, sum_p, sumsq_p, count in tallies.profiles:
        terms[topic_id].append(count * standardised(score, n_p, sum_p, sumsq_p))
        counts[topic_id] += count
    rated = {topic_id: sum(h) for topic_id, h in topic_histograms(tallies).items() if sum(h)}
    if rated != {topic_id: n for topic_id, n in counts.items() if n}:
        raise ValueError("the profiles and the histograms count different ratings per topic")
    return {topic_id: math.fsum(terms[topic_id]) / n for topic_id, n in rated.items()}


def wilson_interval(k: int, n: int) -> tuple[float, float]:
    """The 95% Wilson score interval for a proportion of `k` successes in `n` trials."""
    p = k / n
    z2 = WILSON_Z * WILSON_Z
    centre = p + z2 / (2 * n)
    half_width = WILSON_Z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    scale = 1 + z2 / n
    return (centre - half_width) / scale, (centre + half_width) / scale


def top_box_count(counts: Sequence[int]) -> int:
    """Ratings in the top two levels of the scale."""
    return sum(counts[-2:])


def top_box(tallies: Tallies) -> Scores:
    return {
        topic_id: wilson_interval(top_box_count(counts), n)[0]
        for topic_id, counts in topic_histograms(tallies).items()
        if (n := sum(counts))
    }


def consensus(tallies: Tallies, *, min_group_size: int) -> Scores:
    """The geometric mean over stakeholder groups of each group's smoothed share of top ratings.

    Groups fold as in `balanced`. Every group with a participant in the consultation counts,
    whether or not it rated the topic (then as undecided, 1/2), so a topic that one group finds
    irrelevant scores low however much another group likes it.
    """
    histograms, sizes = fold_small_groups(tallies.histograms, tallies.group_sizes, min_group_size)
    by_topic: dict[int, dict[str, Sequence[int]]] = defaultdict(dict)
    for (topic_id, group), counts in histograms.items():
        if sum(counts):
            by_topic[topic_id][group] = counts
    # A group with ratings has participants; the union only guards tallies that undercount.
    groups = {group for group, size in sizes.items() if size > 0}
    groups.update(group for rated in by_topic.values() for group in rated)
    scores = {}
    for topic_id, rated in by_topic.items():
        logs = []
        for group in groups:
            own = rated.get(group, ())
            logs.append(math.log((top_box_count(own) + 0.5) / (sum(own) + 1)))
        # fsum rounds once, so the score does not depend on the order of the groups.
        scores[topic_id] = math.exp(math.fsum(logs) / len(logs))
    return scores


def majority_grade(counts: Sequence[int], scale: Scale) -> float:
    """Majority judgment of one topic: its lower median, moved by the majority gauge."""
    n = sum(counts)
    if n == 0:
        raise ValueError("majority judgment of a topic without ratings")
    middle = (n - 1) // 2
    below = 0
    for level, count in zip(scale.levels, counts, strict=True):
        if below + count > middle:
            above = n - below - count
            return level + above / n if above > below else level - below / n
        below += count
    # Not reached: with n > 0 some level holds the median, and zip(strict=True) refuses
    # counts that do not fit the scale.
    raise ValueError(f"counts {list(counts)} do not fit the scale {scale.lo}..{scale.hi}")


def majority_judgment(tallies: Tallies) -> Scores:
    return {
        topic_id: majority_grade(counts, tallies.scale)
        for topic_id, counts in topic_histograms(tallies).items()
        if sum(counts)
    }


def strongest_paths(
    pairwise: Mapping[tuple[int, int], int], topic_ids: Sequence[int]
) -> dict[tuple[int, int], int]:
    """Schulze's widest paths (winning votes) between every two distinct topics."""
    ids = list(topic_ids)
    size = len(ids)
    d = [[pairwise.get((a, b), 0) for b in ids] for a in ids]
    p = [[d[i][j] if d[i][j] > d[j][i] else 0 for j in range(size)] for i in range(size)]
    for k in range(size):
        p_k = p[k]
        for i in range(size):
            p_ik = p[i][k]
            # Links are positive, so a path through a missing link (0) improves nothing.
            if i == k or p_ik == 0:
                continue
            p_i = p[i]
            for j in range(size):
                if j != i and j != k:
                    via_k = min(p_ik, p_k[j])
                    if via_k > p_i[j]:
                        p_i[j] = via_k
    return {(ids[i], ids[j]): p[i][j] for i in range(size) for j in range(size) if i != j}


def schulze_layers(
    pairwise: Mapping[tuple[int, int], int], topic_ids: Sequence[int]
) -> dict[int, int]:
    """Each topic's depth in the Schulze order: 0 for winners, else 1 + the deepest beating it."""
    paths = strongest_paths(pairwise, topic_ids)
    beaten_by = {
        a: [b for b in topic_ids if b != a and paths[(b, a)] > paths[(a, b)]] for a in topic_ids
    }
    layers: dict[int, int] = {}
    # The beat relation is a strict partial order, so whatever beats `a` is beaten by fewer
    # topics than `a` is, and comes first in this order.
    for a in sorted(topic_ids, key=lambda topic_id: len(beaten_by[topic_id])):
        layers[a] = 1 + max((layers[b] for b in beaten_by[a]), default=-1)
    return layers


def schulze(tallies: Tallies) -> Scores:
    if tallies.pairwise is None:
        raise ValueError("schulze needs pairwise counts, which these tallies lack")
    histograms = topic_histograms(tallies)
    taking_part = [topic_id for topic_id, counts in histograms.items() if sum(counts)]
    layers = schulze_layers(tallies.pairwise, taking_part)
    return {topic_id: float(len(taking_part) - layer) for topic_id, layer in layers.items()}


METHODS: Mapping[str, Method] = MappingProxyType(
    {
        method.name: method
        for method in (
            Method(
                "mean",
                "Average rating",
                "A topic's score is the average of all the ratings it received.",
                "histograms",
            ),
            Method(
                "bayesian",
                "Average, steadied for few ratings",
                "The average rating, pulled toward the average of all ratings of all topics as "
                "if every topic had also received a few typical ratings. A topic that only a "
                "handful of people rated cannot top the list on a few enthusiastic ratings.",
                "histograms",
            ),
            Method(
                "balanced",
                "Stakeholder-balanced average",
                "Each stakeholder group's average rating of the topic counts equally, however "
                "many of its members took part. Groups with very few participants are counted "
                "together as 'other'.",
                "histograms",
            ),
            Method(
                "zscore",
                "Average relative to each person's own ratings",
                "Each rating is compared with the other ratings of the same person, so someone "
                "who rates everything high, or everything low, does not pull harder than "
                "anyone else. The score is the average of these relative ratings.",
                "profiles",
            ),
            Method(
                "top_box",
                "Share who rate it highly",
                "The share of ratings in the top two levels of the scale, counted cautiously: "
                "the low end of its 95% range, so that a topic few people rated is not "
                "overrated.",
                "histograms",
            ),
            Method(
                "majority_judgment",
                "Majority judgment",
                "A topic's grade is its median rating: a majority rates it at least that "
                "high. Topics with the same median are separated by whether more of their "
                "other ratings lie above it or below it.",
                "histograms",
            ),
            Method(
                "consensus",
                "Support across stakeholder groups",
                "For each stakeholder group, the share of its ratings in the top two levels of "
                "the scale; the score combines the groups' shares so that every group counts "
                "and a topic one group finds irrelevant cannot win on another group's "
                "enthusiasm. Groups with very few participants are counted together as 'other'.",
                "histograms",
            ),
            Method(
                "schulze",
                "Head-to-head (Schulze)",
                "Topics are compared in pairs: which of the two did more people rate higher? "
                "The Schulze method turns all these head-to-head results into one order; "
                "topics it cannot separate share a place.",
                "pairwise",
            ),
        )
    }
)


def method_named(name: str) -> Method:
    try:
        return METHODS[name]
    except KeyError:
        raise UnknownMethod(name) from None


def score_topics(
    method: str, tallies: Tallies, *, prior_weight: float, min_group_size: int
) -> Scores:
    """The scores of `method` (raises `UnknownMethod`, or ValueError if data it needs is absent)."""
    needs = method_named(method).needs
    if needs == "profiles" and tallies.profiles is None:
        raise ValueError(f"method {method!r} needs per-participant profiles; the tallies lack them")
    if needs == "pairwise" and tallies.pairwise is None:
        raise ValueError(f"method {method!r} needs pairwise counts; the tallies lack them")
    if not (math.isfinite(prior_weight) and prior_weight >= 0):
        raise ValueError(f"prior_weight must be a finite number >= 0, got {prior_weight!r}")
    match method:
        case "mean":
            return mean(tallies)
        case "bayesian":
            return bayesian(tallies, prior_weight=prior_weight)
        case "balanced":
            return balanced(tallies, min_group_size=min_group_size)
        case "zscore":
            return zscore(tallies)
        case "top_box":
            return top_box(tallies)
        case "majority_judgment":
            return majority_judgment(tallies)
        case "consensus":
            return consensus(tallies, min_group_size=min_group_size)
        case "schulze":
            return schulze(tallies)
    raise UnknownMethod(method)
