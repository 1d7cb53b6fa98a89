"""Scores computed straight from the definitions in scoring.md, one rating at a time.

Written apart from app.scoring, with exact fractions where the definition allows, as the
independent implementation the package must agree with to 1e-9.
"""

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from fractions import Fraction

from app.scoring.tallies import Rating, Scale


def by_topic(rows: Sequence[Rating]) -> dict[int, list[int]]:
    ratings: dict[int, list[int]] = defaultdict(list)
    for _, _, topic_id, score in rows:
        ratings[topic_id].append(score)
    return dict(ratings)


def mean(rows: Sequence[Rating]) -> dict[int, float]:
    return {t: float(Fraction(sum(r), len(r))) for t, r in by_topic(rows).items()}


def bayesian(rows: Sequence[Rating], prior_weight: float) -> dict[int, float]:
    everything = [score for *_, score in rows]
    m = Fraction(sum(everything), len(everything))
    c = Fraction(prior_weight)
    return {t: float((c * m + sum(r)) / (c + len(r))) for t, r in by_topic(rows).items()}


def balanced(rows: Sequence[Rating], min_group_size: int) -> dict[int, float]:
    members: dict[str, set[str]] = defaultdict(set)
    for participant, group, _, _ in rows:
        members[group].add(participant)
    per_group: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for _, group, topic_id, score in rows:
        counted = group if len(members[group]) >= min_group_size else "other"
        per_group[topic_id][counted].append(score)
    return {
        t: float(sum(Fraction(sum(r), len(r)) for r in groups.values()) / len(groups))
        for t, groups in per_group.items()
    }


def zscore(rows: Sequence[Rating]) -> dict[int, float]:
    own: dict[str, list[int]] = defaultdict(list)
    for participant, _, _, score in rows:
        own[participant].append(score)
    z: dict[int, list[float]] = defaultdict(list)
    for participant, _, topic_id, score in rows:
        x = own[participant]
        sd = statistics.pstdev(x) if len(x) >= 2 else 0.0
        z[topic_id].append(0.0 if sd == 0 else (score - statistics.fmean(x)) / sd)
    return {t: math.fsum(values) / len(values) for t, values in z.items()}


def wilson_lower_bound(k: int, n: int) -> float:
    """The smaller root in p of (k/n - p)² = z² p (1 - p) / n: the score test's boundary."""
    z2 = statistics.NormalDist().inv_cdf(0.975) ** 2
    phat = k / n
    a = 1 + z2 / n
    b = -(2 * phat + z2 / n)
    c = phat * phat
    return (-b - math.sqrt(b * b - 4 * a * c)) / (2 * a)


def top_box(rows: Sequence[Rating], scale: Scale) -> dict[int, float]:
    return {
        t: wilson_lower_bound(sum(1 for x in r if x >= scale.hi - 1), len(r))
        for t, r in by_topic(rows).items()
    }


def majority_judgment(rows: Sequence[Rating]) -> dict[int, float]:
    grades = {}
    for t, r in by_topic(rows).items():
        ordered = sorted(r)
        a = ordered[(len(r) - 1) // 2]
        p = Fraction(sum(1 for x in r if x > a), len(r))
        q = Fraction(sum(1 for x in r if x < a), len(r))
        grades[t] = float(a + p if p > q else a - q)
    return grades


def consensus(rows: Sequence[Rating], scale: Scale, min_group_size: int) -> dict[int, float]:
    """The product of the groups' (k + 1/2) / (n + 1) in exact fractions, then its root."""
    members: dict[str, set[str]] = defaultdict(set)
    for participant, group, _, _ in rows:
        members[group].add(participant)

    def counted(group: str) -> str:
        return group if len(members[group]) >= min_group_size else "other"

    groups = {counted(group) for group in members}
    per_group: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for _, group, topic_id, score in rows:
        per_group[topic_id][counted(group)].append(score)
    scores = {}
    for t, rated in per_group.items():
        product = Fraction(1)
        for group in groups:
            r = rated.get(group, [])
            product *= Fraction(2 * sum(1 for x in r if x >= scale.hi - 1) + 1, 2 * len(r) + 2)
        log = math.log(product.numerator) - math.log(product.denominator)
        scores[t] = math.exp(log / len(groups))
    return scores
