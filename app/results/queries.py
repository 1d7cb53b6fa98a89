"""The aggregate queries that turn stored ratings into the scoring package's sufficient
statistics. Ratings are never loaded one object per row to rank them."""

import math
from collections.abc import Iterable, Iterator
from itertools import chain

import numpy as np
from sqlalchemy import String, case, cast, func, select
from sqlalchemy.orm import Session

from app.ballots.models import Participant, Rating
from app.consultations.models import Consultation, Topic
from app.db import driver_sql
from app.results import tally
from app.scoring import OTHER, RatingMatrix, Scale, Tallies, TopicRef

STREAM_ROWS = 10_000
PACKED_LIMIT = 2**63  # profile keys are packed into one int64 when they fit
PARTICIPANT_ORDER = """
SELECT r.participant_id, r.topic_id, r.score
FROM participants p JOIN ratings r ON r.participant_id = p.id
WHERE p.consultation_id = :consultation_id
ORDER BY r.participant_id
"""


def scale_of(consultation: Consultation) -> Scale:
    return Scale(consultation.scale_min, consultation.scale_max)


def topic_refs(session: Session, consultation: Consultation) -> list[TopicRef]:
    rows = session.execute(
        select(Topic.id, Topic.title)
        .where(Topic.consultation_id == consultation.id)
        .order_by(Topic.position, Topic.id)
    )
    return [TopicRef(row.id, row.title) for row in rows]


def tally_version(session: Session, consultation_id: int) -> int:
    return tally.current(session, consultation_id)


def histograms(session: Session, consultation: Consultation) -> dict[tuple[int, str], list[int]]:
    """Count per (topic, group, level): one GROUP BY over the covering index."""
    lo = consultation.scale_min
    width = consultation.scale_max - lo + 1
    result: dict[tuple[int, str], list[int]] = {}
    rows = session.execute(
        select(Rating.topic_id, Rating.stakeholder_group, Rating.score, func.count())
        .where(Rating.consultation_id == consultation.id)
        .group_by(Rating.topic_id, Rating.stakeholder_group, Rating.score)
    )
    for topic_id, group, score, count in rows:
        result.setdefault((topic_id, group), [0] * width)[score - lo] = count
    return result


def group_sizes(session: Session, consultation_id: int) -> dict[str, int]:
    """Distinct participants with at least one rating, per group: the active participants,
    counted on their own small index rather than by a second scan of the ratings."""
    rows = session.execute(
        select(Participant.stakeholder_group, func.count())
        .where(Participant.consultation_id == consultation_id, Participant.active)
        .group_by(Participant.stakeholder_group)
    )
    return dict(rows.all())


Profile = tuple[int, int, int, int, int, int]
Pairwise = dict[tuple[int, int], int]


def ordered_scan(
    session: Session, consultation: Consultation, *, with_profiles: bool, with_pairwise: bool
) -> tuple[list[Profile] | None, Pairwise | None]:
    """For zscore, the profiles: ratings counted by (topic, score, the rater's count, sum and
    sum of squares); for schulze, d[a][b]: participants who rated both and a strictly higher.

    One scan of the ratings in participant order, counted a block of participants at a time
    with numpy, so memory stays flat however many ratings there are, and both come from the
    same reading. It reads each rating once where a self-join pairs every two ratings of a
    participant, and where the profiles' GROUP BY joins every rating to its rater's totals:
    faster on both databases (bench/RESULTS.md)."""
    ids = np.array([topic.id for topic in topic_refs(session, consultation)], dtype=np.int64)
    ids.sort()
    counts = np.zeros((len(ids), len(ids)), dtype=np.int64)
    profiles = _ProfileCounts(ids, scale_of(consultation))

    def count(block: np.ndarray) -> None:
        if len(block) == 0:
            return
        people = block[:, 0]
        row = np.concatenate([[0], np.cumsum(people[1:] != people[:-1])])
        column = np.searchsorted(ids, block[:, 1])
        if with_pairwise:
            counts[...] += _preferences(block, row, column, len(ids))
        if with_profiles:
            profiles.add(block[:, 2], row, column)

    # Plain integers, read straight from the driver (SQLAlchemy's per-row work would double
    # the time), through a server-side cursor on PostgreSQL.
    connection = session.connection()
    dialect = connection.dialect.name
    cursor = connection.connection.cursor(*(["ordered_scan"] if dialect == "postgresql" else []))
    try:
        cursor.execute(driver_sql(PARTICIPANT_ORDER, dialect), {"consultation_id": consultation.id})
        carry = np.empty((0, 3), dtype=np.int64)
        while part := cursor.fetchmany(STREAM_ROWS):
            flat = np.fromiter(chain.from_iterable(part), dtype=np.int64, count=3 * len(part))
            block = np.concatenate([carry, flat.reshape(-1, 3)])
            # The last participant's ratings may go on in the next part.
            cut = int(np.searchsorted(block[:, 0], block[-1, 0]))
            carry = block[cut:]
            count(block[:cut])
        count(carry)
    finally:
        cursor.close()
    pairwise = {
        (int(ids[a]), int(ids[b])): int(counts[a, b])
        for a, b in zip(*np.nonzero(counts), strict=True)
    }
    return (profiles.rows() if with_profiles else None), (pairwise if with_pairwise else None)


def _preferences(block: np.ndarray, row: np.ndarray, column: np.ndarray, topics: int) -> np.ndarray:
    """Pairwise counts over rows (participant, topic, score) sorted by participant; `row`
    numbers the block's participants from 0, `column` is each rating's topic index."""
    scores = np.zeros((int(row[-1]) + 1, topics), dtype=np.int64)
    rated = np.zeros(scores.shape, dtype=np.bool_)
    scores[row, column] = block[:, 2]
    rated[row, column] = True
    higher = scores[:, :, None] > scores[:, None, :]
    both = rated[:, :, None] & rated[:, None, :]
    return np.asarray((higher & both).sum(axis=0))


class _ProfileCounts:
    """The zscore profiles of the blocks seen so far, counted by distinct key and merged
    whenever the unmerged keys outgrow the merged ones.

    Nearly every rater has a profile of their own, so there are almost as many keys as ratings:
    each key (topic index, level, n, sum - lo * n, sum of squares) is packed into one int64 in
    mixed radix, which numpy sorts some twenty times faster than rows of five. A scale and
    topic count too large to pack (over about a thousand topics) fall back to rows."""

    def __init__(self, ids: np.ndarray, scale: Scale) -> None:
        topics, width, most = len(ids), scale.hi - scale.lo, max(abs(scale.lo), abs(scale.hi))
        self.ids, self.lo = ids, scale.lo
        self.radices = (
            max(topics, 1),
            width + 1,
            topics + 1,
            width * topics + 1,
            most * most * topics + 1,
        )
        self.packed = math.prod(self.radices) < PACKED_LIMIT
        self.parts: list[tuple[np.ndarray, np.ndarray]] = []
        self.merged = self.pending = 0

    def add(self, scores: np.ndarray, row: np.ndarray, column: np.ndarray) -> None:
        # Sums of whole numbers far below 2**53: exact in float64, rint only drops the ".0".
        n = np.bincount(row)
        total = np.rint(np.bincount(row, weights=scores)).astype(np.int64)
        squares = np.rint(np.bincount(row, weights=scores * scores)).astype(np.int64)
        n_row = n[row]
        columns = (column, scores - self.lo, n_row, total[row] - self.lo * n_row, squares[row])
        if self.packed:
            keys = np.zeros(len(scores), dtype=np.int64)
            for values, radix in zip(columns, self.radices, strict=True):
                keys = keys * radix + values
        else:
            keys = np.column_stack(columns)
        unique, times = np.unique(keys, axis=_rows(keys), return_counts=True)
        self.parts.append((unique, times))
        self.pending += len(unique)
        if self.pending > max(STREAM_ROWS, 2 * self.merged):
            self.parts = [_merge(self.parts)]
            self.merged = self.pending = len(self.parts[0][0])

    def rows(self) -> list[Profile]:
        if not self.parts:
            return []
        keys, times = _merge(self.parts)
        if self.packed:
            columns = []
            for radix in reversed(self.radices):
                keys, values = np.divmod(keys, radix)
                columns.append(values)
            keys = np.column_stack(columns[::-1])
        topic, level, n, offset, squares = keys.T
        return list(
            zip(
                self.ids[topic].tolist(),
                (level + self.lo).tolist(),
                n.tolist(),
                (offset + self.lo * n).tolist(),
                squares.tolist(),
                times.tolist(),
                strict=True,
            )
        )


def _rows(keys: np.ndarray) -> int | None:
    # With an axis numpy compares whole rows, slowly, even of one column.
    return 0 if keys.ndim == 2 else None


def _merge(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    keys = np.concatenate([keys for keys, _ in parts])
    unique, inverse = np.unique(keys, axis=_rows(keys), return_inverse=True)
    times = np.bincount(
        inverse.ravel(), weights=np.concatenate([t for _, t in parts]), minlength=len(unique)
    )
    return unique, np.rint(times).astype(np.int64)


def tallies(
    session: Session, consultation: Consultation, *, with_profiles: bool, with_pairwise: bool
) -> Tallies:
    sizes = group_sizes(session, consultation.id)
    profiles, pairwise = (None, None)
    if with_profiles or with_pairwise:
        profiles, pairwise = ordered_scan(
            session, consultation, with_profiles=with_profiles, with_pairwise=with_pairwise
        )
    return Tallies(
        scale=scale_of(consultation),
        topics=topic_refs(session, consultation),
        histograms=histograms(session, consultation),
        group_sizes=sizes,
        participants=sum(sizes.values()),
        profiles=profiles,
        pairwise=pairwise,
    )


def ballot_lines(session: Session, consultation_id: int, folded: Iterable[str]) -> Iterator[str]:
    """The rows of ballots.csv, one text line each (`key,group,topic,score\n`), in ballot-key
    then topic order, streamed. The lines are built by the database: keys are hex and groups
    come from a fixed vocabulary, so nothing ever needs CSV quoting. Groups in `folded` are
    written as `other`."""
    small = list(folded)
    group = case((Rating.stakeholder_group.in_(small), OTHER), else_=Rating.stakeholder_group)
    line = (
        Participant.ballot_key
        + ","
        + group
        + ","
        + cast(Rating.topic_id, String)
        + ","
        + cast(Rating.score, String)
        + "\n"
    )
    rows = session.scalars(
        select(line)
        .select_from(Participant)
        .join(Rating, Rating.participant_id == Participant.id)
        .where(Participant.consultation_id == consultation_id)
        .order_by(Participant.ballot_key, Rating.topic_id)
        .execution_options(yield_per=STREAM_ROWS)
    )
    yield from rows


def rating_matrix(session: Session, consultation: Consultation) -> RatingMatrix:
    """Every participant's ratings as a dense participants x topics matrix, for resampling."""
    topics = topic_refs(session, consultation)
    column = {topic.id: j for j, topic in enumerate(topics)}
    # Rows in ballot-key order, as in ballots.csv, so that a seeded resampling can be
    # repeated from the published file.
    rows = session.execute(
        select(Rating.participant_id, Rating.stakeholder_group, Rating.topic_id, Rating.score)
        .join(Participant, Participant.id == Rating.participant_id)
        .where(Rating.consultation_id == consultation.id)
        .order_by(Participant.ballot_key, Rating.topic_id)
        .execution_options(yield_per=STREAM_ROWS)
    )
    row_of: dict[int, int] = {}
    groups: list[str] = []
    cells: list[tuple[int, int, int]] = []
    for participant_id, group, topic_id, score in rows:
        i = row_of.get(participant_id)
        if i is None:
            i = row_of[participant_id] = len(groups)
            groups.append(group)
        cells.append((i, column[topic_id], score))
    scores = np.zeros((len(groups), len(topics)), dtype=np.int64)
    rated = np.zeros((len(groups), len(topics)), dtype=np.bool_)
    if cells:
        index = np.array(cells, dtype=np.int64)
        scores[index[:, 0], index[:, 1]] = index[:, 2]
        rated[index[:, 0], index[:, 1]] = True
    return RatingMatrix(scale_of(consultation), topics, groups, scores, rated)
