"""What a ballot write needs, as one pure rule. The grouped writer (app.ballots.writer), the
general path (app.ballots.service) and the import (app.ballots.imports) all ask `refusal`, so
a new rule is one change here, and the paths cannot disagree on what they refuse.

Online, a consultation takes ratings while it is open and before its `closes_at`, from
accounts whose email is verified where it requires that; an import (ratings collected
elsewhere, by the secretariat) also once it is closed, whoever cast them."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.consultations import lifecycle
from app.errors import (
    Conflict,
    DomainError,
    EmailNotVerified,
    Invalid,
    NotFound,
    WrongState,
)
from app.vocabulary import ConsultationState


@dataclass(frozen=True)
class Rate:
    """PUT /ballot/{topic_id}: one rating."""

    topic_id: int
    score: int


@dataclass(frozen=True)
class Replace:
    """PUT /ballot (and a participant's rows of an import): the whole ballot."""

    scores: Sequence[tuple[int, int]]  # (topic_id, score)


@dataclass(frozen=True)
class Withdraw:
    """DELETE /ballot/{topic_id}."""

    topic_id: int


Ballot = Rate | Replace | Withdraw


class Channel(StrEnum):
    online = "online"  # a participant, through the API or the pages
    imported = "imported"  # `consulta import-ratings`: ratings collected elsewhere


@dataclass(frozen=True)
class Facts:
    """What the rule needs to know of the consultation, and of who writes (online)."""

    state: ConsultationState
    scale_min: int
    scale_max: int
    topics: frozenset[int]
    closes_at: datetime | None = None
    require_verified_email: bool = False
    email_verified: bool = True


def refusal(
    facts: Facts,
    ballot: Ballot,
    channel: Channel = Channel.online,
    *,
    now: datetime | None = None,
) -> DomainError | None:
    """Why this write cannot be stored, as the error its caller gets; None when it can. `now`
    is when the write happens (needed online, for the deadline)."""
    refused = not_accepting(facts, channel)
    if refused is None and channel is Channel.online:
        refused = past_deadline(facts, now) or unverified(facts)
    if refused is not None:
        return refused
    match ballot:
        case Rate(topic_id, score):
            if topic_id not in facts.topics:
                return NotFound(f"No topic {topic_id} in this consultation.")
            return off_scale(facts, score, ("body", "score"))
        case Withdraw(topic_id):
            if topic_id not in facts.topics:
                return NotFound(f"No topic {topic_id} in this consultation.")
            return None
        case Replace(scores):
            counts = Counter(topic_id for topic_id, _ in scores)
            repeated = sorted(topic_id for topic_id, n in counts.items() if n > 1)
            if repeated:
                return Invalid(f"Topics rated more than once: {repeated}.", loc=("body", "ratings"))
            for i, (topic_id, score) in enumerate(scores):
                if topic_id not in facts.topics:
                    return Invalid(
                        f"No topic {topic_id} in this consultation.",
                        loc=("body", "ratings", i, "topic_id"),
                    )
                off = off_scale(facts, score, ("body", "ratings", i, "score"))
                if off is not None:
                    return off
    return None


def not_accepting(facts: Facts, channel: Channel) -> DomainError | None:
    """A consultation takes ratings while open; an import also once closed (paper ballots are
    counted after the online vote ends)."""
    accepts = (
        lifecycle.accepts_ballots(facts.state)
        if channel is Channel.online
        else lifecycle.accepts_imports(facts.state)
    )
    if accepts:
        return None
    if channel is Channel.online:
        detail = f"Ratings are accepted only while the consultation is open; it is {facts.state}."
    else:
        detail = (
            f"Ratings can be imported while the consultation is open or closed; it is "
            f"{facts.state}."
        )
    return WrongState(detail, state=facts.state.value)


def past_deadline(facts: Facts, now: datetime | None) -> DomainError | None:
    if facts.closes_at is None:
        return None
    if now is None:
        raise ValueError("an online write needs the time it happens, for the deadline")
    if now < facts.closes_at:
        return None
    closed = facts.closes_at.strftime("%Y-%m-%d %H:%M UTC")
    return Conflict(f"Ratings were accepted until {closed}.", closes_at=facts.closes_at.isoformat())


def unverified(facts: Facts) -> DomainError | None:
    if facts.require_verified_email and not facts.email_verified:
        return EmailNotVerified()
    return None


def off_scale(facts: Facts, score: int, loc: tuple[str | int, ...]) -> DomainError | None:
    lo, hi = facts.scale_min, facts.scale_max
    if lo <= score <= hi:
        return None
    return Invalid(f"The score must be a whole number from {lo} to {hi}.", loc=loc)
