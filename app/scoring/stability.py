"""How firmly each topic holds its place: the ranking recomputed on resampled participants.

Each draw picks as many participants as took part, uniformly and with replacement (one picked
twice counts twice, in their own group), and scores the topics with the chosen method exactly as
`ranking.rank` would score that resampled consultation; `balanced` folds small groups by the
draw's own group sizes. Draws come from numpy's default Generator seeded with `seed`, so the same
ratings, settings and seed always give the same report. It is an estimate, not a guarantee.

Per topic:
- rank in a draw: its competition rank (1, 2, 2, 4), scores compared to 12 decimals as in the
  ranking; a topic that no one in the draw rated ranks just after the draw's last ranked topic.
- `p_top`: the share of draws in which the topic is rated and its rank is <= `top`. A tie across
  the cut therefore counts as in for every tied topic (they share a rank <= `top`), the same tie
  the committee sees, so the probabilities can sum to more than `top`.
- `rank_interval`: the 5th and 95th percentiles of its rank over the draws, each the smallest rank
  r such that at least 5% (95%) of draws rank the topic r or better (numpy's "inverted_cdf"), so
  both ends are ranks that occurred. None for a topic that no one rated.

The input is a `RatingMatrix`: a participants x topics matrix of scores with a separate boolean
mask of which cells are rated, since a scale may include 0 or negative levels and no score value
can stand for "not rated". The heavy part, counting every draw's ratings, is a few matrix
products of the draws' weights (how often each participant was picked) with indicator matrices;
only the per-draw scoring of the small tallies runs in Python, through the same `score_topics`.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.scoring.methods import Scores, method_named, score_topics
from app.scoring.ranking import competition_ranks, in_rank_order
from app.scoring.tallies import Rating, Scale, Tallies, TopicRef, checked_ratings

MIN_DRAWS = 200
PERCENTILES = (0.05, 0.95)
# Bounds the memory of one batch of draws (draws x participants weights) and of one block of
# pairwise indicators (participants x topics²), whatever the consultation's size.
BATCH_CELLS = 1 << 22

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class RatingMatrix:
    """Every participant's ratings: row i is participant i, column j is `topics[j]`.

    `scores[i, j]` is meaningful only where `rated[i, j]`; `groups[i]` is participant i's group.
    """

    scale: Scale
    topics: Sequence[TopicRef]
    groups: Sequence[str]
    scores: IntArray
    rated: BoolArray

    def __post_init__(self) -> None:
        shape = (len(self.groups), len(self.topics))
        if self.scores.shape != shape or self.rated.shape != shape:
            raise ValueError(f"scores and rated must both have shape {shape}")
        if shape[0] and not self.rated.any(axis=1).all():
            raise ValueError("every participant must have at least one rating")
        cast = self.scores[self.rated]
        if cast.size and (cast.min() < self.scale.lo or cast.max() > self.scale.hi):
            raise ValueError(f"a rated score is outside the scale {self.scale.lo}..{self.scale.hi}")


@dataclass(frozen=True)
class TopicStability:
    topic: TopicRef
    rank: int | None
    p_top: float
    rank_interval: tuple[int, int] | None


def rating_matrix(
    ratings: Iterable[Rating], scale: Scale, topics: Sequence[TopicRef]
) -> RatingMatrix:
    """The matrix of rows (participant_key, group, topic_id, score), checked as for tallies."""
    column = {topic.id: j for j, topic in enumerate(topics)}
    row_of: dict[str, int] = {}
    groups: list[str] = []
    cells: list[tuple[int, int, int]] = []
    for participant, group, topic_id, score in checked_ratings(ratings, scale, topics):
        if participant not in row_of:
            row_of[participant] = len(groups)
            groups.append(group)
        cells.append((row_of[participant], column[topic_id], score))
    scores = np.zeros((len(groups), len(topics)), dtype=np.int64)
    rated = np.zeros((len(groups), len(topics)), dtype=np.bool_)
    if cells:
        rows, columns, values = np.array(cells, dtype=np.int64).T
        scores[rows, columns] = values
        rated[rows, columns] = True
    return RatingMatrix(scale, tuple(topics), tuple(groups), scores, rated)


def resample_weights(rng: np.random.Generator, participants: int, draws: int) -> Iterator[IntArray]:
    """Batches of draws: how many times each participant is picked in each draw."""
    batch = max(1, BATCH_CELLS // max(participants, 1))
    uniform = np.full(participants, 1 / participants)
    for start in range(0, draws, batch):
        yield rng.multinomial(participants, uniform, size=min(batch, draws - start))


def draw_scores(
    method: str,
    matrix: RatingMatrix,
    weights: IntArray,
    *,
    prior_weight: float,
    min_group_size: int,
) -> list[Scores]:
    """The method's scores in each draw; `weights[d, i]` counts participant i in draw d."""
    needs = method_named(method).needs
    if needs == "profiles":
        return _zscore_draws(matrix, weights)
    histograms, group_sizes = _draw_histograms(matrix, weights)
    pairwise = _draw_pairwise(matrix, weights) if needs == "pairwise" else None
    ids = [topic.id for topic in matrix.topics]
    results = []
    for d in range(weights.shape[0]):
        tallies = Tallies(
            scale=matrix.scale,
            topics=matrix.topics,
            histograms={
                (topic_id, group): tuple(counts)
                for group, by_topic in histograms.items()
                for topic_id, counts in zip(ids, by_topic[d].tolist(), strict=True)
                if any(counts)
            },
            group_sizes={group: int(sizes[d]) for group, sizes in group_sizes.items() if sizes[d]},
            participants=int(weights[d].sum()),
            pairwise=None if pairwise is None else _pairs(ids, pairwise[d]),
        )
        results.append(
            score_topics(method, tallies, prior_weight=prior_weight, min_group_size=min_group_size)
        )
    return results


def rank_interval(ranks: IntArray) -> tuple[IntArray, IntArray]:
    """Each topic's 90% rank interval over the draws (one row a draw): the 5th and 95th
    percentile ranks, always ranks some draw gave (never an interpolation between two)."""
    low, high = np.quantile(ranks, PERCENTILES, axis=0, method="inverted_cdf")
    return low.astype(np.int64), high.astype(np.int64)


def stability(
    method: str,
    matrix: RatingMatrix,
    *,
    top: int,
    prior_weight: float,
    min_group_size: int,
    draws: int = MIN_DRAWS,
    seed: int = 0,
) -> list[TopicStability]:
    """Per topic, in ranking order: P(in the top `top`) and the 90% rank interval."""
    method_named(method)
    if draws < MIN_DRAWS:
        raise ValueError(f"the stability report needs at least {MIN_DRAWS} draws, got {draws}")
    if top < 1:
        raise ValueError(f"top must be at least 1, got {top}")
    participants = len(matrix.groups)
    topics = len(matrix.topics)

    def ranks_of(weights: IntArray) -> tuple[IntArray, BoolArray]:
        scores = draw_scores(
            method, matrix, weights, prior_weight=prior_weight, min_group_size=min_group_size
        )
        return _rank_draws(matrix, scores)

    point_ranks, _ = ranks_of(np.ones((1, participants), dtype=np.int64))
    p_top = np.zeros(topics)
    low = high = np.zeros(topics, dtype=np.int64)
    if participants:
        rng = np.random.default_rng(seed)
        batches = [ranks_of(weights) for weights in resample_weights(rng, participants, draws)]
        ranks = np.concatenate([ranks for ranks, _ in batches])
        ranked = np.concatenate([ranked for _, ranked in batches])
        p_top = ((ranks <= top) & ranked).mean(axis=0)
        low, high = rank_interval(ranks)

    report = []
    for j, topic in enumerate(matrix.topics):
        in_full = bool(matrix.rated[:, j].any())
        report.append(
            TopicStability(
                topic=topic,
                rank=int(point_ranks[0, j]) if in_full else None,
                p_top=float(p_top[j]),
                rank_interval=(int(low[j]), int(high[j])) if in_full else None,
            )
        )
    return in_rank_order(report)


def _rank_draws(matrix: RatingMatrix, scores: list[Scores]) -> tuple[IntArray, BoolArray]:
    """Each draw's rank of every topic, and whether it was ranked at all in that draw."""
    ranks = np.zeros((len(scores), len(matrix.topics)), dtype=np.int64)
    ranked = np.zeros(ranks.shape, dtype=np.bool_)
    for d, draw in enumerate(scores):
        places = competition_ranks(draw)
        for j, topic in enumerate(matrix.topics):
            place = places.get(topic.id)
            ranked[d, j] = place is not None
            ranks[d, j] = len(places) + 1 if place is None else place
    return ranks, ranked


def _group_rows(matrix: RatingMatrix) -> dict[str, IntArray]:
    groups = np.asarray(matrix.groups, dtype=object)
    return {group: np.flatnonzero(groups == group) for group in sorted(set(matrix.groups))}


def _draw_histograms(
    matrix: RatingMatrix, weights: IntArray
) -> tuple[dict[str, IntArray], dict[str, IntArray]]:
    """Per group: counts (draws, topics, levels) of the draws' ratings, and the draws' sizes."""
    n_topics = len(matrix.topics)
    n_levels = len(matrix.scale.levels)
    histograms = {}
    sizes = {}
    for group, rows in _group_rows(matrix).items():
        rated = matrix.rated[rows]
        who, topic = np.nonzero(rated)
        level = matrix.scores[rows][who, topic] - matrix.scale.lo
        indicator = np.zeros((len(rows), n_topics * n_levels))
        indicator[who, topic * n_levels + level] = 1.0
        group_weights = weights[:, rows]
        counts = group_weights.astype(np.float64) @ indicator
        histograms[group] = _exact(counts).reshape(-1, n_topics, n_levels)
        sizes[group] = group_weights.sum(axis=1)
    return histograms, sizes


def _draw_pairwise(matrix: RatingMatrix, weights: IntArray) -> IntArray:
    """d[a][b] in every draw, shape (draws, topics, topics)."""
    n_topics = len(matrix.topics)
    totals = np.zeros((weights.shape[0], n_topics * n_topics))
    rows = max(1, BATCH_CELLS // max(n_topics * n_topics, 1))
    for start in range(0, len(matrix.groups), rows):
        block = slice(start, start + rows)
        scores, rated = matrix.scores[block], matrix.rated[block]
        prefers = rated[:, :, None] & rated[:, None, :] & (scores[:, :, None] > scores[:, None, :])
        totals += weights[:, block].astype(np.float64) @ prefers.reshape(len(scores), -1)
    return _exact(totals).reshape(-1, n_topics, n_topics)


def _pairs(ids: Sequence[int], counts: IntArray) -> dict[tuple[int, int], int]:
    a, b = np.nonzero(counts)
    return {
        (ids[i], ids[j]): count
        for i, j, count in zip(a.tolist(), b.tolist(), counts[a, b].tolist(), strict=True)
    }


def _zscore_draws(matrix: RatingMatrix, weights: IntArray) -> list[Scores]:
    """`zscore` in each draw: a participant's z-scores do not depend on who else was drawn."""
    rated = matrix.rated
    scores = np.where(rated, matrix.scores, 0)
    n_p = rated.sum(axis=1)
    sum_p = scores.sum(axis=1)
    scatter = n_p * (scores * scores).sum(axis=1) - sum_p * sum_p
    defined = (n_p >= 2) & (scatter > 0)
    root = np.sqrt(np.where(defined, scatter, 1))
    z = np.where(
        rated & defined[:, None], (n_p[:, None] * scores - sum_p[:, None]) / root[:, None], 0.0
    )
    as_float = weights.astype(np.float64)
    z_sums = as_float @ z
    counts = _exact(as_float @ rated.astype(np.float64))
    ids = [topic.id for topic in matrix.topics]
    return [
        {
            topic_id: float(z_sum) / n
            for topic_id, z_sum, n in zip(ids, draw_z, draw_n.tolist(), strict=True)
            if n
        }
        for draw_z, draw_n in zip(z_sums, counts, strict=True)
    ]


def _exact(counts: FloatArray) -> IntArray:
    # Sums of whole numbers below 2**53 are exact in float64; rint only drops the ".0".
    return np.rint(counts).astype(np.int64)
