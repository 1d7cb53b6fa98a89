"""ballots.csv: the anonymised ballots, deterministic to the byte, and its digest; and the one
rule for every text cell of a CSV export."""

import hashlib
from collections.abc import Iterator

from sqlalchemy.orm import Session

from app.consultations.models import Consultation
from app.results import queries
from app.scoring import folded_group

HEADER = ("ballot", "stakeholder_group", "topic_id", "score")
CHUNK_ROWS = 5_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str | None) -> str:
    """A text cell that a spreadsheet would run as a formula is prefixed with `'` (OWASP's
    advice against CSV injection); None is an empty cell. Numbers are written as numbers,
    never through here."""
    if value is None:
        return ""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def ballots_csv(session: Session, consultation: Consultation) -> Iterator[bytes]:
    """UTF-8, `\n` line endings, sorted by ballot key then topic; groups with fewer than
    `min_group_size` participants appear as `other`, exactly as the scoring folds them."""
    sizes = queries.group_sizes(session, consultation.id)
    small = [g for g in sizes if folded_group(g, sizes, consultation.min_group_size) != g]
    yield (",".join(HEADER) + "\n").encode()
    chunk: list[str] = []
    for line in queries.ballot_lines(session, consultation.id, small):
        chunk.append(line)
        if len(chunk) == CHUNK_ROWS:
            yield "".join(chunk).encode()
            chunk.clear()
    yield "".join(chunk).encode()


def digest(chunks: Iterator[bytes]) -> str:
    sha = hashlib.sha256()
    for chunk in chunks:
        sha.update(chunk)
    return sha.hexdigest()
