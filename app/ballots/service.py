"""A participant's ratings: read, replace, set one, withdraw one (the general path).

Every write asks the one ballot rule (app.ballots.rules) and runs the ballot statements
(app.ballots.statements), the same ones the grouped writer runs on the driver: this path takes
every write the grouped writer leaves to it (anything not ordinary) and the pages' writes.
"""

import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.auth.models import Account
from app.ballots import rules, statements
from app.ballots.models import Participant, Rating
from app.ballots.schemas import BallotPublic, RatingIn, RatingPublic
from app.consultations import service as consultations
from app.consultations.models import Consultation, Topic
from app.db import bound_time, utcnow
from app.errors import DomainError
from app.results import tally


def ballot_key(secret: str, *, consultation_id: int, account_id: int) -> str:
    """The participant's anonymous key: a keyed hash, so it is stable before the first rating
    (GET /ballot shows it) without storing anything, and unlinkable without the secret."""
    message = f"ballot:{consultation_id}:{account_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def facts(
    session: Session, consultation: Consultation, account: Account | None = None
) -> rules.Facts:
    """What the ballot rule needs to know (of the consultation, and of the account writing
    online), read under the consultation's shared lock, so that a close waits for this write
    (app.consultations.service.lock)."""
    consultations.lock(session, consultation, shared=True)
    topics = session.scalars(select(Topic.id).where(Topic.consultation_id == consultation.id))
    return _facts(consultation, account, frozenset(topics))


def _facts(
    consultation: Consultation, account: Account | None, topics: frozenset[int]
) -> rules.Facts:
    return rules.Facts(
        state=consultation.state,
        scale_min=consultation.scale_min,
        scale_max=consultation.scale_max,
        topics=topics,
        closes_at=consultation.closes_at,
        require_verified_email=consultation.require_verified_email,
        email_verified=account is None or account.email_verified,
    )


def why_not_now(consultation: Consultation, account: Account) -> DomainError | None:
    """Why `account` cannot rate in `consultation` now (its state, its deadline, an email not
    verified), as the ballot rule says; None when it can. The ballot page asks it, so that it
    offers no form whose every save would be refused."""
    return rules.refusal(
        _facts(consultation, account, frozenset()), rules.Replace(()), now=utcnow()
    )


def check(
    session: Session, consultation: Consultation, account: Account, ballot: rules.Ballot
) -> rules.Facts:
    """The ballot rule's verdict on an online write: its error raised, or the facts it read."""
    known = facts(session, consultation, account)
    refusal = rules.refusal(known, ballot, now=utcnow())
    if refusal is not None:
        raise refusal
    return known


def read(
    session: Session, *, consultation: Consultation, account: Account, secret: str
) -> BallotPublic:
    participant = session.scalar(
        select(Participant).where(
            Participant.consultation_id == consultation.id, Participant.account_id == account.id
        )
    )
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


def _stamp(session: Session, now: datetime) -> object:
    return bound_time(session.get_bind().dialect)(now)


def _join(
    session: Session, consultation: Consultation, account: Account, secret: str, *, active: bool
) -> tuple[int, str]:
    """Gets or creates the participant (the group is fixed at the first rating) and counts
    one ballot write, in one statement that also locks the participant's row until commit."""
    row = session.execute(
        text(statements.JOIN),
        {
            "consultation_id": consultation.id,
            "account_id": account.id,
            "stakeholder_group": account.stakeholder_group,
            "ballot_key": ballot_key(
                secret, consultation_id=consultation.id, account_id=account.id
            ),
            "active": active,
            "now": _stamp(session, utcnow()),
        },
    ).one()
    return row.id, row.stakeholder_group


def _rate(
    session: Session,
    consultation: Consultation,
    participant: tuple[int, str],
    scores: Sequence[tuple[int, int]],
    now: datetime,
) -> None:
    participant_id, group = participant
    stamp = _stamp(session, now)
    session.execute(
        text(statements.RATE),
        [
            {
                "participant_id": participant_id,
                "topic_id": topic_id,
                "consultation_id": consultation.id,
                "stakeholder_group": group,
                "score": score,
                "now": stamp,
            }
            for topic_id, score in scores
        ],
    )


def rate(
    session: Session,
    *,
    consultation: Consultation,
    account: Account,
    topic_id: int,
    score: int,
    secret: str,
) -> RatingPublic:
    check(session, consultation, account, rules.Rate(topic_id, score))
    participant = _join(session, consultation, account, secret, active=True)
    now = utcnow()
    _rate(session, consultation, participant, [(topic_id, score)], now)
    tally.bump(session, consultation.id)
    return RatingPublic(topic_id=topic_id, score=score, updated_at=now)


def replace(
    session: Session,
    *,
    consultation: Consultation,
    account: Account,
    ratings: Sequence[RatingIn],
    secret: str,
) -> BallotPublic:
    """Replaces the whole ballot: checked in full first, so it is all or nothing; the topics
    it leaves out are no longer rated."""
    scores = [(r.topic_id, r.score) for r in ratings]
    known = check(session, consultation, account, rules.Replace(scores))
    participant = _join(session, consultation, account, secret, active=bool(scores))
    left_out = known.topics - {topic_id for topic_id, _ in scores}
    if left_out:
        session.execute(
            text(statements.UNRATE),
            [{"participant_id": participant[0], "topic_id": t} for t in sorted(left_out)],
        )
    if scores:
        _rate(session, consultation, participant, scores, utcnow())
    tally.bump(session, consultation.id)
    return read(session, consultation=consultation, account=account, secret=secret)


def withdraw(
    session: Session, *, consultation: Consultation, account: Account, topic_id: int
) -> None:
    check(session, consultation, account, rules.Withdraw(topic_id))
    participant_id = session.scalar(
        text(statements.COUNT_WRITE),
        {"consultation_id": consultation.id, "account_id": account.id},
    )
    if participant_id is None:
        return
    session.execute(
        text(statements.UNRATE), {"participant_id": participant_id, "topic_id": topic_id}
    )
    session.execute(text(statements.REFRESH_ACTIVE), {"participant_id": participant_id})
    tally.bump(session, consultation.id)
