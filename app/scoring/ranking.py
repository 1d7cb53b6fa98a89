"""From scores to the published ranking: competition ranks, visible ties, per-topic figures."""

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from app.scoring.methods import rating_sum, score_topics, top_box_count, wilson_interval
from app.scoring.tallies import (
    Histograms,
    Scale,
    Tallies,
    TopicRef,
    fold_small_groups,
    topic_histograms,
)

TIE_DECIMALS = 12
NORMAL_95 = 1.96
MEAN_INTERVAL_METHODS = frozenset({"mean", "bayesian", "balanced"})


@dataclass(frozen=True)
class GroupStat:
    n: int
    mean: float


@dataclass(frozen=True)
class Entry:
    rank: int | None
    tied: bool
    topic: TopicRef
    score: float | None
    n: int
    histogram: dict[int, int]
    spread: float | None
    interval: tuple[float, float] | None
    groups: dict[str, GroupStat]


def competition_ranks(scores: Mapping[int, float]) -> dict[int, int]:
    """1 + the number of strictly higher scores (1, 2, 2, 4), comparing scores to 12 decimals."""
    keys = {topic_id: round(score, TIE_DECIMALS) for topic_id, score in scores.items()}
    first_place: dict[float, int] = {}
    for place, key in enumerate(sorted(keys.values(), reverse=True), start=1):
        first_place.setdefault(key, place)
    return {topic_id: first_place[key] for topic_id, key in keys.items()}


class Placed(Protocol):
    """A topic's line in a ranking: a rank, or None where the topic is not ranked."""

    @property
    def rank(self) -> int | None: ...

    @property
    def topic(self) -> TopicRef: ...


P = TypeVar("P", bound=Placed)


def in_rank_order(lines: Sequence[P]) -> list[P]:
    """By rank, the unranked last; tied or unranked topics by title, then id."""
    unranked = len(lines) + 1
    return sorted(
        lines,
        key=lambda line: (
            unranked if line.rank is None else line.rank,
            line.topic.title,
            line.topic.id,
        ),
    )


def sample_sd(counts: Sequence[int], scale: Scale) -> float | None:
    """The sample standard deviation of the ratings a histogram counts (None below 2 ratings)."""
    n = sum(counts)
    if n < 2:
        return None
    total = rating_sum(counts, scale)
    squares = sum(level * level * count for level, count in zip(scale.levels, counts, strict=True))
    # n(n-1) times the sample variance, in exact integers.
    return math.sqrt((n * squares - total * total) / (n * (n - 1)))


def group_breakdown(histograms: Histograms, scale: Scale) -> dict[int, dict[str, GroupStat]]:
    """Per topic, the number of ratings and their mean in each group that rated it."""
    breakdown: dict[int, dict[str, GroupStat]] = {}
    for (topic_id, group), counts in sorted(histograms.items()):
        if n := sum(counts):
            breakdown.setdefault(topic_id, {})[group] = GroupStat(n, rating_sum(counts, scale) / n)
    return breakdown


def score_interval(
    method: str, score: float, counts: Sequence[int], scale: Scale
) -> tuple[float, float] | None:
    if method == "top_box":
        return wilson_interval(top_box_count(counts), sum(counts))
    if method in MEAN_INTERVAL_METHODS and (spread := sample_sd(counts, scale)) is not None:
        half_width = NORMAL_95 * spread / math.sqrt(sum(counts))
        return score - half_width, score + half_width
    return None


def rank(
    method: str, tallies: Tallies, *, prior_weight: float, min_group_size: int, fold_groups: bool
) -> list[Entry]:
    """The ranking of `scoring.md`: ranked topics by score, then unrated topics by title.

    `fold_groups` folds groups smaller than `min_group_size` into `other` in the per-group
    breakdown (public output); `balanced` folds them in its score whatever it says.
    Raises `UnknownMethod`, or ValueError when the tallies lack what the method needs.
    """
    scores = score_topics(method, tallies, prior_weight=prior_weight, min_group_size=min_group_size)
    ranks = competition_ranks(scores)
    places = Counter(ranks.values())
    histograms = topic_histograms(tallies)
    by_group = tallies.histograms
    if fold_groups:
        by_group, _ = fold_small_groups(by_group, tallies.group_sizes, min_group_size)
    breakdown = group_breakdown(by_group, tallies.scale)

    entries = []
    for topic in tallies.topics:
        counts = histograms[topic.id]
        score = scores.get(topic.id)
        place = ranks.get(topic.id)
        entries.append(
            Entry(
                rank=place,
                tied=place is not None and places[place] > 1,
                topic=topic,
                score=score,
                n=sum(counts),
                histogram=dict(zip(tallies.scale.levels, counts, strict=True)),
                spread=sample_sd(counts, tallies.scale),
                interval=None
                if score is None
                else score_interval(method, score, counts, tallies.scale),
                groups=breakdown.get(topic.id, {}),
            )
        )
    return in_rank_order(entries)
