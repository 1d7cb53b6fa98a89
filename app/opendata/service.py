"""open-data.zip: one consultation as a Frictionless Data Package (datapackage.json and one CSV
per table, each described by a Table Schema), for researchers.

Everything is read in the caller's one transaction, so the tables agree with each other:
each ranking's ballot_digest is the SHA-256 of the ballots.csv beside it, which is byte for
byte what GET …/ballots.csv serves. Rankings are the public ones (small groups folded),
computed exactly (no live-results age allowance). Sessions and people are published with the
agenda, once finalized; before that their tables are empty.
"""

import hashlib
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

from sqlalchemy.orm import Session

from app import scoring
from app.agenda import service as agenda
from app.agenda.models import AgendaSession
from app.committee import service as committee
from app.consultations import service as consultations
from app.consultations.models import Consultation
from app.opendata import tables
from app.opendata.tables import Table, write_csv
from app.results import exports
from app.results import service as results

# Fixed entry times make the same data give the same bytes (as reproducible builds do).
ENTRY_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass
class Written:
    table: Table
    size: int
    sha256: str


def _entry(archive: zipfile.ZipFile, path: str) -> IO[bytes]:
    info = zipfile.ZipInfo(path, date_time=ENTRY_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return archive.open(info, "w")


def _write(archive: zipfile.ZipFile, table: Table, chunks: Iterable[bytes]) -> Written:
    sha = hashlib.sha256()
    size = 0
    with _entry(archive, table.path) as entry:
        for chunk in chunks:
            entry.write(chunk)
            sha.update(chunk)
            size += len(chunk)
    return Written(table, size, sha.hexdigest())


def _utc(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _topics(session: Session, consultation: Consultation) -> Iterator[bytes]:
    rows = consultations.list_topics(session, consultation)
    yield write_csv(
        tables.TOPICS.header,
        (
            [t.id, t.position, exports.csv_text(t.title), exports.csv_text(t.description)]
            for t in rows
        ),
    )


def _committee(session: Session, consultation: Consultation) -> Iterator[bytes]:
    rows = committee.seats(session, consultation)
    yield write_csv(
        tables.COMMITTEE.header,
        (
            [
                s.id,
                s.stakeholder_group,
                s.seat_number,
                exports.csv_text(s.name),
                exports.csv_text(s.organization),
                s.country,
            ]
            for s in rows
        ),
    )


def _session_row(row: AgendaSession) -> list[Any]:
    return [
        row.id,
        row.position,
        exports.csv_text(row.title),
        row.format,
        row.topic_id,
        _utc(row.starts_at),
        _utc(row.ends_at),
        exports.csv_text(row.room),
        exports.csv_text(row.description),
        exports.csv_text("\n".join(row.questions)) if row.questions else None,
        row.origin_method,
        row.origin_rank,
        row.origin_score,
    ]


def _person_rows(rows: list[AgendaSession]) -> Iterator[list[Any]]:
    for row in rows:
        for position, p in enumerate(row.people):
            yield [
                row.id,
                position,
                p.role,
                exports.csv_text(p.name),
                exports.csv_text(p.organization),
                p.country,
                p.stakeholder_group,
            ]


def _resource(written: Written) -> dict[str, Any]:
    table = written.table
    return {
        "name": table.name,
        "path": table.path,
        "title": table.title,
        "description": table.description,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "lineTerminator": "\n", "header": True},
        "bytes": written.size,
        "hash": f"sha256:{written.sha256}",
        "schema": table.schema(),
    }


def descriptor(consultation: Consultation, written: list[Written], homepage: str) -> dict[str, Any]:
    return {
        "profile": "tabular-data-package",
        "name": consultation.slug,
        "title": f"{consultation.title}: open data",
        "description": (
            f"The public consultation by which {consultation.forum} {consultation.edition} "
            "set its agenda: the candidate topics, the anonymised ballots, the ranking under "
            "every scoring method, the program committee and the agenda's sessions and people."
        ),
        "homepage": homepage,
        "keywords": ["public consultation", "agenda setting", "multistakeholder", "ratings"],
        "resources": [_resource(w) for w in written],
    }


def write_package(
    session: Session, consultation: Consultation, into: IO[bytes], *, homepage: str
) -> None:
    """Writes the package, as a zip archive, into `into`."""
    levels = range(consultation.scale_min, consultation.scale_max + 1)
    sessions = agenda.sessions(session, consultation) if agenda.is_public(consultation) else []
    with zipfile.ZipFile(into, "w") as archive:
        written = [
            _write(archive, tables.TOPICS, _topics(session, consultation)),
            _write(
                archive,
                tables.ballots(consultation.scale_min, consultation.scale_max),
                exports.ballots_csv(session, consultation),
            ),
        ]
        for name, method in scoring.METHODS.items():
            ranking = results.ranking(session, consultation, method=name)
            body = results.ranking_csv(ranking, levels).encode()
            written.append(_write(archive, tables.ranking(name, method.title, levels), [body]))
        written += [
            _write(archive, tables.COMMITTEE, _committee(session, consultation)),
            _write(
                archive,
                tables.SESSIONS,
                [write_csv(tables.SESSIONS.header, (_session_row(r) for r in sessions))],
            ),
            _write(
                archive, tables.PEOPLE, [write_csv(tables.PEOPLE.header, _person_rows(sessions))]
            ),
        ]
        package = descriptor(consultation, written, homepage)
        with _entry(archive, "datapackage.json") as entry:
            entry.write(json.dumps(package, indent=2, ensure_ascii=False).encode() + b"\n")
