"""ballots.csv: the anonymised ballots, deterministic to the byte, and its digest."""

import csv
import hashlib
import io
from collections.abc import Iterator

from sqlalchemy.orm import Session

from app.consultations.models import Consultation
from app.results import queries
from app.scoring import folded_group

HEADER = ("ballot", "stakeholder_group", "topic_id", "score")
CHUNK_ROWS = 5_000


def ballots_csv(session: Session, consultation: Consultation) -> Iterator[bytes]:
    """UTF-8, `\\n` line endings, sorted by ballot key then topic; groups with fewer than
    `min_group_size` participants appear as `other`, exactly as the scoring folds them."""
    sizes = queries.group_sizes(session, consultation.id)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    ballots = queries.anonymised_ballots(session, consultation.id)
    for rows, (key, group, topic_id, score) in enumerate(ballots, start=1):
        writer.writerow(
            (key, folded_group(group, sizes, consultation.min_group_size), topic_id, score)
        )
        if rows % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def digest(chunks: Iterator[bytes]) -> str:
    sha = hashlib.sha256()
    for chunk in chunks:
        sha.update(chunk)
    return sha.hexdigest()
