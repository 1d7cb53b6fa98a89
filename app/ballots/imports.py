"""Bulk import of ratings collected elsewhere (paper, another survey tool): all or nothing.

Two CSV layouts, told apart by their header:
- `email,topic,score`: ratings by registered accounts (their group as on their profile);
- `participant_key,stakeholder_group,topic,score`: anonymous participants, keyed by the other
  tool's identifier (stored only as a keyed hash, so it is never published).
`topic` is a topic id or its exact title. Every row is checked before anything is written; one
bad row refuses the whole file and the report names every bad row by line.
"""

import csv
import hashlib
import hmac
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.models import Account
from app.ballots import rules, service, statements
from app.ballots.models import Participant, Rating
from app.ballots.service import ballot_key
from app.consultations.models import Consultation, Topic
from app.db import bound_time, dialect_insert, utcnow
from app.results import tally
from app.vocabulary import StakeholderGroup

BY_EMAIL = ("email", "topic", "score")
BY_KEY = ("participant_key", "stakeholder_group", "topic", "score")
BATCH = 20_000

Progress = Callable[[int], None]


@dataclass
class ImportReport:
    rows: int = 0
    participants: int = 0
    new_participants: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Voter:
    """Who cast a row: an account, or an outside participant key."""

    ballot_key: str
    group: str
    account_id: int | None


class ImportRefused(ValueError):
    pass


def imported_key(secret: str, consultation_id: int, participant_key: str) -> str:
    message = f"import:{consultation_id}:{participant_key}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def _topics(session: Session, consultation: Consultation) -> dict[str, int]:
    rows = session.execute(
        select(Topic.id, Topic.title).where(Topic.consultation_id == consultation.id)
    )
    lookup: dict[str, int] = {}
    for topic_id, title in rows:
        lookup[str(topic_id)] = topic_id
        lookup.setdefault(title, topic_id)
    return lookup


def parse(
    session: Session,
    consultation: Consultation,
    lines: Iterable[str],
    *,
    secret: str,
    progress: Progress | None = None,
) -> tuple[ImportReport, list[tuple[Voter, int, int]]]:
    """Checks every row; returns the report and, when it is clean, the ratings to write."""
    report = ImportReport()
    reader = csv.reader(lines)
    header = tuple(h.strip() for h in next(reader, ()))
    if header not in (BY_EMAIL, BY_KEY):
        report.errors.append((1, f"the header must be {','.join(BY_EMAIL)} or {','.join(BY_KEY)}"))
        return report, []
    topics = _topics(session, consultation)
    accounts: dict[str, Voter | None] = {}
    groups = {g.value for g in StakeholderGroup}
    facts = rules.Facts(
        state=consultation.state,
        scale_min=consultation.scale_min,
        scale_max=consultation.scale_max,
        topics=frozenset(topics.values()),
    )
    seen: dict[tuple[str, int], int] = {}
    group_of: dict[str, str] = {}
    ratings: list[tuple[Voter, int, int]] = []
    for line, row in enumerate(reader, start=2):
        report.rows += 1
        if progress and report.rows % BATCH == 0:
            progress(BATCH)
        if len(row) != len(header):
            report.errors.append((line, f"expected {len(header)} fields, got {len(row)}"))
            continue
        fields = dict(zip(header, (value.strip() for value in row), strict=True))
        problems = []
        voter: Voter | None = None
        if header == BY_EMAIL:
            email = fields["email"].lower()
            if email not in accounts:
                accounts[email] = _account_voter(session, consultation, email, secret)
            voter = accounts[email]
            if voter is None:
                problems.append(f"no account with the email {fields['email']!r}")
        else:
            key, group = fields["participant_key"], fields["stakeholder_group"]
            if not key:
                problems.append("participant_key is empty")
            elif group not in groups:
                problems.append(f"unknown stakeholder_group {group!r}")
            elif group_of.setdefault(key, group) != group:
                problems.append(f"participant {key!r} appears with two groups")
            else:
                voter = Voter(imported_key(secret, consultation.id, key), group, None)
        topic_id = topics.get(fields["topic"])
        if topic_id is None:
            problems.append(f"no topic {fields['topic']!r} (an id or an exact title)")
        try:
            score = int(fields["score"])
            if rules.off_scale(facts, score, ()) is not None:
                problems.append(
                    f"score {score} is outside the scale {facts.scale_min}..{facts.scale_max}"
                )
        except ValueError:
            problems.append(f"score {fields['score']!r} is not a whole number")
        if voter is not None and topic_id is not None:
            first = seen.setdefault((voter.ballot_key, topic_id), line)
            if first != line:
                problems.append(f"the same participant rated this topic on line {first}")
        if problems:
            report.errors.append((line, "; ".join(problems)))
        elif voter is not None and topic_id is not None:
            ratings.append((voter, topic_id, score))
    report.participants = len({v.ballot_key for v, _, _ in ratings})
    return report, ratings if report.ok else []


def _account_voter(
    session: Session, consultation: Consultation, email: str, secret: str
) -> Voter | None:
    account = session.scalar(select(Account).where(Account.email == email))
    if account is None:
        return None
    existing = session.execute(
        select(Participant.ballot_key, Participant.stakeholder_group).where(
            Participant.consultation_id == consultation.id,
            Participant.account_id == account.id,
        )
    ).first()
    if existing is not None:  # the group stays the one fixed at the first rating
        return Voter(existing.ballot_key, existing.stakeholder_group, account.id)
    key = ballot_key(secret, consultation_id=consultation.id, account_id=account.id)
    return Voter(key, account.stakeholder_group, account.id)


def write(
    session: Session,
    consultation: Consultation,
    ratings: Sequence[tuple[Voter, int, int]],
    *,
    progress: Progress | None = None,
) -> int:
    """Upserts the participants and their ratings in bulk; returns how many participants are
    new. One transaction: the caller commits or nothing is written."""
    refusal = rules.refusal(
        service.facts(session, consultation), rules.Replace(()), rules.Channel.imported
    )
    if refusal is not None:
        raise ImportRefused(refusal.detail)
    voters = {v.ballot_key: v for v, _, _ in ratings}
    known = set(
        session.scalars(
            select(Participant.ballot_key).where(Participant.consultation_id == consultation.id)
        )
    )
    now = utcnow()
    fresh = [
        {
            "consultation_id": consultation.id,
            "account_id": v.account_id,
            "stakeholder_group": v.group,
            "ballot_key": key,
            "ballot_writes": 0,
            "active": True,
            "created_at": now,
        }
        for key, v in voters.items()
        if key not in known
    ]
    if fresh:
        session.execute(dialect_insert(session)(Participant), fresh)
    ids = dict(
        session.execute(
            select(Participant.ballot_key, Participant.id).where(
                Participant.consultation_id == consultation.id
            )
        ).all()
    )
    groups = dict(
        session.execute(
            select(Participant.ballot_key, Participant.stakeholder_group).where(
                Participant.consultation_id == consultation.id
            )
        ).all()
    )
    stamp = bound_time(session.get_bind().dialect)(now)
    rows = [
        (ids[v.ballot_key], topic_id, consultation.id, groups[v.ballot_key], score, stamp)
        for v, topic_id, score in ratings
    ]
    _upsert_ratings(session, rows, progress)
    has_rating = select(Rating.topic_id).where(Rating.participant_id == Participant.id).exists()
    session.execute(
        update(Participant)
        .where(Participant.consultation_id == consultation.id, ~Participant.active, has_rating)
        .values(active=True)
    )
    tally.bump(session, consultation.id)
    return len(fresh)


def _upsert_ratings(
    session: Session, rows: Sequence[tuple[object, ...]], progress: Progress | None
) -> None:
    """The ballot statements' rating upsert, in bulk: from a COPY on PostgreSQL, executemany
    on SQLite."""
    connection = session.connection()
    cursor = connection.connection.cursor()
    if connection.dialect.name == "postgresql":
        cursor.execute(statements.CREATE_IMPORT_TABLE)
        with cursor.copy(f"COPY {statements.IMPORT_TABLE} FROM STDIN") as copy:
            for i, row in enumerate(rows, start=1):
                copy.write_row(row)
                if progress and i % BATCH == 0:
                    progress(BATCH)
        cursor.execute(statements.RATE_FROM_IMPORT)
        return
    columns = ("participant_id", "topic_id", "consultation_id", "stakeholder_group", "score", "now")
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        cursor.executemany(statements.RATE, [dict(zip(columns, r, strict=True)) for r in batch])
        if progress:
            progress(len(batch))


def record(session: Session, consultation: Consultation, report: ImportReport) -> None:
    audit.consultation_event(
        session,
        consultation,
        "ratings.import",
        actor=None,
        detail={
            "rows": report.rows,
            "participants": report.participants,
            "new_participants": report.new_participants,
        },
    )
