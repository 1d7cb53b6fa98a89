"""How far the choice of method decides the agenda: every method on the same tallies, Kendall's
tau-b between every two of them, and which topics are in the top under every method or only
under some.

A topic is "in the top" under a method when its competition rank there is at most `top` (so a
tie across the cut line counts as in for every tied topic, as in the stability report). Tau-b
compares the methods' ranks, i.e. their scores with ties as the ranking sees them (equal to
12 decimals): a difference the ranking calls a tie is no preference here either.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from app.scoring.methods import METHODS, method_named, score_topics
from app.scoring.ranking import competition_ranks
from app.scoring.tallies import Tallies, TopicRef


@dataclass(frozen=True)
class Doubtful:
    """A topic in the top under some methods but not all, and the methods that put it there."""

    topic: TopicRef
    methods: tuple[str, ...]


@dataclass(frozen=True)
class Agreement:
    top: int
    methods: tuple[str, ...]
    ranks: Mapping[str, Mapping[int, int]]  # method -> topic id -> competition rank
    kendall_tau: Mapping[str, Mapping[str, float | None]]
    in_all: tuple[TopicRef, ...]
    in_some: tuple[Doubtful, ...]


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Kendall's tau-b of two paired sequences; None where it is undefined (fewer than two
    pairs, or one sequence constant), where scipy gives NaN.

    tau-b = (concordant - discordant) / sqrt((n0 - ties in x) (n0 - ties in y)), n0 = n(n-1)/2,
    a pair tied in both counting in both tie counts. Every count is a whole number, so the one
    rounding is in the last division.
    """
    if len(x) != len(y):
        raise ValueError(f"tau-b needs paired values, got {len(x)} and {len(y)}")
    n = len(x)
    if n < 2:
        return None
    a, b = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    upper = np.triu_indices(n, k=1)
    sign_x = np.sign(a[:, None] - a[None, :])[upper].astype(np.int64)
    sign_y = np.sign(b[:, None] - b[None, :])[upper].astype(np.int64)
    pairs = n * (n - 1) // 2
    untied_x = pairs - int(np.count_nonzero(sign_x == 0))
    untied_y = pairs - int(np.count_nonzero(sign_y == 0))
    if untied_x == 0 or untied_y == 0:
        return None
    return int(sign_x @ sign_y) / math.sqrt(untied_x * untied_y)


def tau_matrix(
    ranks: Mapping[str, Mapping[int, int]],
) -> dict[str, dict[str, float | None]]:
    """tau-b between every two methods (itself included) over the topics both rank."""
    methods = list(ranks)
    matrix: dict[str, dict[str, float | None]] = {m: {} for m in methods}
    for i, first in enumerate(methods):
        for second in methods[i:]:
            shared = sorted(ranks[first].keys() & ranks[second].keys())
            tau = kendall_tau_b(
                [ranks[first][t] for t in shared], [ranks[second][t] for t in shared]
            )
            matrix[first][second] = matrix[second][first] = tau
    return matrix


def top_sets(
    topics: Sequence[TopicRef], ranks: Mapping[str, Mapping[int, int]], top: int
) -> tuple[tuple[TopicRef, ...], tuple[Doubtful, ...]]:
    """The topics in the top `top` under every method, and those in it under some only.

    Both lists run from the surest topic down: in the top under more methods first, then the
    smaller sum of its ranks, then title and id.
    """
    methods = list(ranks)
    chosen = {
        topic.id: tuple(m for m in methods if ranks[m].get(topic.id, top + 1) <= top)
        for topic in topics
    }
    last = len(topics) + 1  # for the order: unranked counts as below every ranked topic

    def surest_first(topic: TopicRef) -> tuple[int, int, str, int]:
        total = sum(ranks[m].get(topic.id, last) for m in methods)
        return -len(chosen[topic.id]), total, topic.title, topic.id

    in_all: list[TopicRef] = []
    in_some: list[Doubtful] = []
    for topic in sorted((t for t in topics if chosen[t.id]), key=surest_first):
        if len(chosen[topic.id]) == len(methods):
            in_all.append(topic)
        else:
            in_some.append(Doubtful(topic, chosen[topic.id]))
    return tuple(in_all), tuple(in_some)


def agreement(
    tallies: Tallies,
    *,
    top: int,
    prior_weight: float,
    min_group_size: int,
    methods: Sequence[str] | None = None,
) -> Agreement:
    """Every method scored once on the same tallies, compared (default: every method).

    Raises `UnknownMethod`, or ValueError when the tallies lack what a method needs.
    """
    if top < 1:
        raise ValueError(f"top must be at least 1, got {top}")
    names = tuple(METHODS) if methods is None else tuple(methods)
    for name in names:
        method_named(name)
    ranks = {
        name: competition_ranks(
            score_topics(name, tallies, prior_weight=prior_weight, min_group_size=min_group_size)
        )
        for name in names
    }
    in_all, in_some = top_sets(tallies.topics, ranks, top)
    return Agreement(
        top=top,
        methods=names,
        ranks=ranks,
        kendall_tau=tau_matrix(ranks),
        in_all=in_all,
        in_some=in_some,
    )
