"""Ranking an exported ballots.csv without the server: the `consulta rank` command."""

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from app import scoring
from app.results.exports import HEADER
from app.scoring import Scale, TopicRef


def read_ballots(file: TextIO) -> list[scoring.Rating]:
    reader = csv.reader(file)
    header = next(reader, None)
    if header is None or tuple(header) != HEADER:
        raise ValueError(f"expected the header {','.join(HEADER)}")
    ratings = []
    for line, row in enumerate(reader, start=2):
        if len(row) != len(HEADER):
            raise ValueError(f"line {line}: expected {len(HEADER)} fields, got {len(row)}")
        key, group, topic_id, score = row
        try:
            ratings.append((key, group, int(topic_id), int(score)))
        except ValueError as exc:
            raise ValueError(f"line {line}: topic_id and score must be whole numbers") from exc
    return ratings


def rank_ballots(
    ratings: Iterable[scoring.Rating],
    *,
    method: str,
    scale: Scale,
    prior_weight: float,
    min_group_size: int,
) -> list[scoring.Entry]:
    rows = list(ratings)
    topics = [TopicRef(t, f"Topic {t}") for t in sorted({topic for _, _, topic, _ in rows})]
    tallies = scoring.tallies_from_ballots(rows, scale, topics)
    return scoring.rank(
        method,
        tallies,
        prior_weight=prior_weight,
        min_group_size=min_group_size,
        fold_groups=False,
    )


def as_table(entries: list[scoring.Entry]) -> str:
    lines = [f"{'rank':>5}  {'topic':>8}  {'score':>14}  {'n':>7}"]
    for e in entries:
        rank = "-" if e.rank is None else f"{e.rank}{'=' if e.tied else ''}"
        score = "-" if e.score is None else f"{e.score:.6f}"
        lines.append(f"{rank:>5}  {e.topic.id:>8}  {score:>14}  {e.n:>7}")
    return "\n".join(lines)


def as_json(entries: list[scoring.Entry], method: str) -> str:
    return json.dumps(
        {
            "method": method,
            "entries": [
                {"rank": e.rank, "tied": e.tied, "topic_id": e.topic.id, "score": e.score, "n": e.n}
                for e in entries
            ],
        },
        indent=2,
    )
