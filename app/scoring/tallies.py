"""The sufficient statistics every scoring method reads, and how to build them from ballots.

The server fills `Tallies` with aggregate queries; `tallies_from_ballots` builds the same thing
row by row, for the offline `consulta rank` command and as the reference the tests check against.
"""

import operator
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

OTHER = "other"
MAX_LEVELS = 11

Rating = tuple[str, str, int, int]
"""(participant_key, stakeholder_group, topic_id, score): one row of `ballots.csv`."""
Histograms = Mapping[tuple[int, str], Sequence[int]]
Profile = tuple[int, int, int, int, int, int]


class BallotError(ValueError):
    """A rating that cannot be counted: off the scale, an unknown topic, a duplicate."""


@dataclass(frozen=True, slots=True)
class Scale:
    lo: int
    hi: int

    def __post_init__(self) -> None:
        if not self.lo < self.hi:
            raise ValueError(f"a scale needs lo < hi, got {self.lo}..{self.hi}")
        if self.hi - self.lo + 1 > MAX_LEVELS:
            raise ValueError(f"a scale has at most {MAX_LEVELS} levels, got {self.lo}..{self.hi}")

    @property
    def levels(self) -> range:
        return range(self.lo, self.hi + 1)


@dataclass(frozen=True, slots=True)
class TopicRef:
    id: int
    title: str


@dataclass(frozen=True)
class Tallies:
    """Compact sufficient statistics of one consultation's ratings.

    `histograms[(topic_id, group)]` counts the ratings at each level `lo..hi`; `group_sizes` and
    `participants` count distinct participants with at least one rating. `profiles` (for
    `zscore`) are rows `(topic_id, score, n_p, sum_p, sumsq_p, count)`: `count` ratings of the
    topic with `score`, given by participants whose own ratings over all topics number `n_p`, sum
    to `sum_p` and have squares summing to `sumsq_p`. `pairwise[(a, b)]` (for `schulze`) is the
    number of participants who rated both topics and rated `a` strictly higher; absent means 0.
    """

    scale: Scale
    topics: Sequence[TopicRef]
    histograms: Histograms
    group_sizes: Mapping[str, int]
    participants: int
    profiles: Sequence[Profile] | None = None
    pairwise: Mapping[tuple[int, int], int] | None = None

    def __post_init__(self) -> None:
        ids = {topic.id for topic in self.topics}
        if len(ids) != len(self.topics):
            raise ValueError("topic ids must be unique")
        width = len(self.scale.levels)
        for (topic_id, group), counts in self.histograms.items():
            if topic_id not in ids:
                raise ValueError(f"histogram of topic {topic_id}, which is not a candidate")
            if len(counts) != width:
                raise ValueError(
                    f"histogram of topic {topic_id}, group {group!r} has {len(counts)} counts "
                    f"but the scale has {width} levels"
                )


def topic_histograms(tallies: Tallies) -> dict[int, list[int]]:
    """Each candidate topic's counts per level, all groups together (zeros when unrated)."""
    width = len(tallies.scale.levels)
    totals = {topic.id: [0] * width for topic in tallies.topics}
    for (topic_id, _), counts in tallies.histograms.items():
        total = totals[topic_id]
        for i, count in enumerate(counts):
            total[i] += count
    return totals


def folded_group(group: str, group_sizes: Mapping[str, int], min_group_size: int) -> str:
    """The group a participant of `group` counts in once small groups are folded."""
    return OTHER if group_sizes.get(group, 0) < min_group_size else group


def fold_small_groups(
    histograms: Histograms, group_sizes: Mapping[str, int], min_group_size: int
) -> tuple[dict[tuple[int, str], tuple[int, ...]], dict[str, int]]:
    """Merge every group with fewer than `min_group_size` participants into `other`.

    The merged `other` (with any real `other`) stays even if it is itself small: there is
    nowhere further to fold it.
    """

    def target(group: str) -> str:
        return folded_group(group, group_sizes, min_group_size)

    sizes: dict[str, int] = defaultdict(int)
    for group, size in group_sizes.items():
        sizes[target(group)] += size
    folded: dict[tuple[int, str], list[int]] = {}
    for (topic_id, group), counts in histograms.items():
        merged = folded.setdefault((topic_id, target(group)), [0] * len(counts))
        for i, count in enumerate(counts):
            merged[i] += count
    return {key: tuple(counts) for key, counts in folded.items()}, dict(sizes)


def checked_ratings(
    ratings: Iterable[Rating], scale: Scale, topics: Sequence[TopicRef]
) -> Iterator[Rating]:
    """The rows of `ratings`, each checked against the scale, the topics and the rows before it.

    Raises `BallotError` at the first rating that cannot be counted.
    """
    known = {topic.id for topic in topics}
    group_of: dict[str, str] = {}
    seen: set[tuple[str, int]] = set()
    for row, (participant, group, topic_id, raw_score) in enumerate(ratings, start=1):
        where = f"rating {row} (participant {participant!r}, topic {topic_id})"
        if isinstance(raw_score, bool):
            raise BallotError(f"{where}: score {raw_score!r} is not a whole number")
        try:
            score = operator.index(raw_score)
        except TypeError:
            raise BallotError(f"{where}: score {raw_score!r} is not a whole number") from None
        if not scale.lo <= score <= scale.hi:
            raise BallotError(f"{where}: score {score} is outside the scale {scale.lo}..{scale.hi}")
        if topic_id not in known:
            raise BallotError(f"{where}: topic {topic_id} is not a candidate topic")
        if not group:
            raise BallotError(f"{where}: the stakeholder group is empty")
        if group_of.setdefault(participant, group) != group:
            raise BallotError(
                f"{where}: group {group!r}, but earlier ratings put this participant "
                f"in {group_of[participant]!r}"
            )
        if (participant, topic_id) in seen:
            raise BallotError(f"{where}: this participant already rated this topic")
        seen.add((participant, topic_id))
        yield participant, group, topic_id, score


def tallies_from_ballots(
    ratings: Iterable[Rating], scale: Scale, topics: Sequence[TopicRef]
) -> Tallies:
    """Every field of `Tallies`, counted one rating at a time (raises `BallotError`)."""
    width = len(scale.levels)
    histograms: dict[tuple[int, str], list[int]] = {}
    group_of: dict[str, str] = {}
    ballots: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for participant, group, topic_id, score in checked_ratings(ratings, scale, topics):
        histograms.setdefault((topic_id, group), [0] * width)[score - scale.lo] += 1
        group_of[participant] = group
        ballots[participant].append((topic_id, score))

    profiles: Counter[tuple[int, int, int, int, int]] = Counter()
    pairwise: Counter[tuple[int, int]] = Counter()
    for ballot in ballots.values():
        scores = [score for _, score in ballot]
        own = (len(scores), sum(scores), sum(score * score for score in scores))
        for topic_id, score in ballot:
            profiles[(topic_id, score, *own)] += 1
        for (a, score_a), (b, score_b) in combinations(ballot, 2):
            if score_a > score_b:
                pairwise[(a, b)] += 1
            elif score_b > score_a:
                pairwise[(b, a)] += 1

    return Tallies(
        scale=scale,
        topics=tuple(topics),
        histograms={key: tuple(counts) for key, counts in sorted(histograms.items())},
        group_sizes=dict(sorted(Counter(group_of.values()).items())),
        participants=len(group_of),
        profiles=[(*key, count) for key, count in sorted(profiles.items())],
        pairwise=dict(sorted(pairwise.items())),
    )
