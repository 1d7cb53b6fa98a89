"""A participant's ratings: read, replace, set one, withdraw one. Every write is a single
upsert or delete, correct under concurrency on SQLite and PostgreSQL."""

import hashlib
import hmac
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import cast

from sqlalchemy import Connection, Insert, Table, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.auth.models import Account
from app.ballots.models import Participant, Rating
from app.ballots.schemas import BallotPublic, RatingIn, RatingPublic
from app.consultations import lifecycle
from app.consultations import service as consultations
from app.consultations.models import Consultation, Topic
from app.db import utcnow
from app.errors import Conflict, Invalid, NotFound
from app.results import tally
from app.vocabulary import ConsultationState


def ballot_key(secret: str, *, consultation_id: int, account_id: int) -> str:
    """The participant's anonymous key: a keyed hash, so it is stable before the first rating
    (GET /ballot shows it) without storing anything, and unlinkable without the secret."""
    message = f"ballot:{consultation_id}:{account_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def _require_open(session: Session, consultation: Consultation) -> None:
    consultations.lock(session, consultation, shared=True)
    if not lifecycle.accepts_ballots(ConsultationState(consultation.state)):
        raise Conflict(
            f"Ratings are accepted only while the consultation is open; it is "
            f"{consultation.state}.",
            state=consultation.state,
        )


def _check_score(consultation: Consultation, score: int, loc: tuple[str | int, ...]) -> None:
    lo, hi = consultation.scale_min, consultation.scale_max
    if not lo <= score <= hi:
        raise Invalid(f"The score must be a whole number from {lo} to {hi}.", loc=loc)


def _participant(
    session: Session, consultation: Consultation, account_id: int
) -> Participant | None:
    return session.scalar(
        select(Participant).where(
            Participant.consultation_id == consultation.id, Participant.account_id == account_id
        )
    )


def read(
    session: Session, *, consultation: Consultation, account: Account, secret: str
) -> BallotPublic:
    participant = _participant(session, consultation, account.id)
    if participant is None:
        key = ballot_key(secret, consultation_id=consultation.id, account_id=account.id)
        return BallotPublic(ballot_key=key, ratings=[])
    ratings = session.scalars(
        select(Rating).where(Rating.participant_id == participant.id).order_by(Rating.topic_id)
    )
    return BallotPublic(
        ballot_key=participant.ballot_key,
        ratings=[RatingPublic.model_validate(r) for r in ratings],
    )


@dataclass(frozen=True)
class Upserts:
    """The write path's statements, built once per dialect (compiling them per request was a
    measurable share of a ballot write)."""

    join: Insert
    rate: Insert


@lru_cache(maxsize=2)
def upserts(dialect: str) -> Upserts:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    people = cast(Table, Participant.__table__)
    ratings = cast(Table, Rating.__table__)
    rate = insert(ratings)
    return Upserts(
        join=insert(people)
        .on_conflict_do_update(
            index_elements=[people.c.consultation_id, people.c.account_id],
            set_={"ballot_writes": people.c.ballot_writes + 1, "active": bindparam("reactivate")},
        )
        .returning(people.c.id, people.c.stakeholder_group),
        rate=rate.on_conflict_do_update(
            index_elements=[ratings.c.participant_id, ratings.c.topic_id],
            set_={"score": rate.excluded.score, "updated_at": rate.excluded.updated_at},
        ),
    )


def _statements(session: Session) -> tuple[Connection, Upserts]:
    connection = session.connection()
    return connection, upserts(connection.dialect.name)


def _join(
    session: Session,
    consultation: Consultation,
    account: Account,
    secret: str,
    *,
    active: bool = True,
) -> tuple[int, str]:
    """Gets or creates the participant and counts one ballot write, in one statement that also
    locks the participant's row until commit, so one participant's writes never interleave.
    The group is fixed here, at the first rating."""
    connection, statements = _statements(session)
    row = connection.execute(
        statements.join,
        {
            "consultation_id": consultation.id,
            "account_id": account.id,
            "stakeholder_group": account.stakeholder_group,
            "ballot_key": ballot_key(
                secret, consultation_id=consultation.id, account_id=account.id
            ),
            "ballot_writes": 1,
            "active": active,
            "reactivate": active,
            "created_at": utcnow(),
        },
    ).one()
    return row.id, row.stakeholder_group


def _upsert(
    session: Session,
    consultation: Consultation,
    participant: tuple[int, str],
    scores: Sequence[tuple[int, int]],
) -> datetime:
    participant_id, group = participant
    now = utcnow()
    connection, statements = _statements(session)
    connection.execute(
        statements.rate,
        [
            {
                "participant_id": participant_id,
                "topic_id": topic_id,
                "consultation_id": consultation.id,
                "stakeholder_group": group,
                "score": score,
                "updated_at": now,
            }
            for topic_id, score in scores
        ],
    )
    tally.bump(session, consultation.id)
    return now


def _require_topic(session: Session, consultation: Consultation, topic_id: int) -> None:
    found = session.scalar(
        select(Topic.id).where(Topic.id == topic_id, Topic.consultation_id == consultation.id)
    )
    if found is None:
        raise NotFound(f"No topic {topic_id} in this consultation.")


def rate(
    session: Session,
    *,
    consultation: Consultation,
    account: Account,
    topic_id: int,
    score: int,
    secret: str,
) -> RatingPublic:
    _require_open(session, consultation)
    _require_topic(session, consultation, topic_id)
    _check_score(consultation, score, ("body", "score"))
    participant = _join(session, consultation, account, secret)
    updated_at = _upsert(session, consultation, participant, [(topic_id, score)])
    return RatingPublic(topic_id=topic_id, score=score, updated_at=updated_at)


def replace(
    session: Session,
    *,
    consultation: Consultation,
    account: Account,
    ratings: Sequence[RatingIn],
    secret: str,
) -> BallotPublic:
    """Replaces the whole ballot: validated in full first, so it is all or nothing."""
    _require_open(session, consultation)
    repeated = sorted(t for t, n in Counter(r.topic_id for r in ratings).items() if n > 1)
    if repeated:
        raise Invalid(f"Topics rated more than once: {repeated}.", loc=("body", "ratings"))
    known = set(session.scalars(select(Topic.id).where(Topic.consultation_id == consultation.id)))
    for i, rating in enumerate(ratings):
        if rating.topic_id not in known:
            raise Invalid(
                f"No topic {rating.topic_id} in this consultation.",
                loc=("body", "ratings", i, "topic_id"),
            )
        _check_score(consultation, rating.score, ("body", "ratings", i, "score"))
    participant = _join(session, consultation, account, secret, active=bool(ratings))
    kept = [r.topic_id for r in ratings]
    session.execute(
        delete(Rating).where(Rating.participant_id == participant[0], Rating.topic_id.not_in(kept))
    )
    tally.bump(session, consultation.id)
    if ratings:
        _upsert(session, consultation, participant, [(r.topic_id, r.score) for r in ratings])
    return read(session, consultation=consultation, account=account, secret=secret)


def withdraw(
    session: Session, *, consultation: Consultation, account: Account, topic_id: int
) -> None:
    _require_open(session, consultation)
    _require_topic(session, consultation, topic_id)
    participant_id = session.scalar(
        update(Participant)
        .where(Participant.consultation_id == consultation.id, Participant.account_id == account.id)
        .values(ballot_writes=Participant.ballot_writes + 1)
        .returning(Participant.id)
    )
    if participant_id is None:
        return
    session.execute(
        delete(Rating).where(Rating.participant_id == participant_id, Rating.topic_id == topic_id)
    )
    remaining = select(Rating.topic_id).where(Rating.participant_id == participant_id).exists()
    session.execute(
        update(Participant).where(Participant.id == participant_id).values(active=remaining)
    )
    tally.bump(session, consultation.id)
