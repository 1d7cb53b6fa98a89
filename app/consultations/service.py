import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app import ordering
from app.audit import service as audit
from app.auth.models import Account
from app.auth.scopes import FULL, Grant, Scope
from app.ballots.models import Participant, Rating
from app.committee.models import Seat
from app.consultations import lifecycle
from app.consultations.models import Consultation, Topic
from app.consultations.schemas import (
    NULLABLE_FIELDS,
    RULE_FIELDS,
    ConsultationCreate,
    ConsultationPublic,
    ConsultationUpdate,
    Counts,
    TopicCreate,
    TopicOrigin,
    TopicPublic,
    TopicUpdate,
    check_dates,
    check_scale,
    check_translated_labels,
)
from app.errors import Conflict, Duplicate, Invalid, NotFound, WrongState, conflict_on_duplicate
from app.proposals.models import Proposal, ProposalStatus
from app.results import queries as results_queries
from app.results import service as results
from app.translations import updated
from app.vocabulary import ConsultationState, fits
from app.webhooks import service as webhooks
from app.webhooks.events import WebhookEvent


def get_by_slug(session: Session, slug: str) -> Consultation | None:
    return session.scalar(select(Consultation).where(Consultation.slug == slug))


def is_committee_member(session: Session, *, consultation_id: int, account: Account) -> bool:
    """Seated on this consultation's committee, with a verified email: an unverified account
    holds no committee powers."""
    if not account.email_verified:
        return False
    seat = session.scalar(
        select(Seat.id).where(
            Seat.consultation_id == consultation_id, Seat.account_id == account.id
        )
    )
    return seat is not None


def _visible_to(account: Account | None, grant: Grant) -> ColumnElement[bool]:
    public = Consultation.state != ConsultationState.draft
    if account is None:
        return public
    if account.is_admin and grant.allows(Scope.admin):
        return Consultation.id.is_not(None)
    if not grant.allows(Scope.committee) or not account.email_verified:
        return public
    seated = select(Seat.consultation_id).where(Seat.account_id == account.id)
    return or_(public, Consultation.id.in_(seated))


def list_visible(
    session: Session, *, account: Account | None, limit: int, offset: int, grant: Grant = FULL
) -> tuple[Sequence[Consultation], int]:
    """Drafts only for admins and their committee, as far as the token's scopes allow."""
    visible = _visible_to(account, grant)
    total = session.scalar(select(func.count()).select_from(Consultation).where(visible)) or 0
    rows = session.scalars(
        select(Consultation)
        .where(visible)
        .order_by(Consultation.starts_on.desc().nulls_last(), Consultation.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return rows, total


def counts(session: Session, consultation_ids: Sequence[int]) -> dict[int, Counts]:
    """Topics, participants (with at least one rating) and ratings, for several consultations
    in three queries."""

    def per_consultation(
        column: InstrumentedAttribute[int],
        *where: ColumnElement[bool] | InstrumentedAttribute[bool],
    ) -> dict[int, int]:
        rows = session.execute(
            select(column, func.count())
            .where(column.in_(consultation_ids), *where)
            .group_by(column)
        )
        return dict(rows.all())

    topics = per_consultation(Topic.consultation_id)
    ratings = per_consultation(Rating.consultation_id)
    participants = per_consultation(Participant.consultation_id, Participant.active)
    return {
        cid: Counts(
            topics=topics.get(cid, 0),
            participants=participants.get(cid, 0),
            ratings=ratings.get(cid, 0),
        )
        for cid in consultation_ids
    }


def create(session: Session, *, data: ConsultationCreate, actor: Account) -> Consultation:
    if get_by_slug(session, data.slug) is not None:
        raise Duplicate(f"The slug '{data.slug}' is taken.")
    source = None
    if data.copy_topics_from is not None:
        source = get_by_slug(session, data.copy_topics_from)
        if source is None:
            raise Invalid(
                f"No consultation '{data.copy_topics_from}' to copy topics from.",
                loc=("body", "copy_topics_from"),
            )
    consultation = Consultation(
        **data.model_dump(exclude={"copy_topics_from", "translations"}),
        translations=updated(None, data.translations),
    )
    with conflict_on_duplicate(session, f"The slug '{data.slug}' is taken."):
        session.add(consultation)
    copied = 0
    if source is not None:
        for topic in session.scalars(
            select(Topic).where(Topic.consultation_id == source.id).order_by(Topic.position)
        ):
            session.add(
                Topic(
                    consultation_id=consultation.id,
                    title=topic.title,
                    description=topic.description,
                    position=topic.position,
                    copied_from_id=topic.id,
                    translations=topic.translations,
                )
            )
            copied += 1
        session.flush()
    audit.consultation_event(
        session,
        consultation,
        "consultation.create",
        actor=actor,
        detail={"copy_topics_from": data.copy_topics_from, "topics_copied": copied},
    )
    return consultation


def update(
    session: Session, *, consultation: Consultation, data: ConsultationUpdate, actor: Account
) -> Consultation:
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    if "translations" in changes:
        changes["translations"] = updated(consultation.translations, data.translations)
    state = consultation.state
    if not lifecycle.descriptions_editable(state):
        raise WrongState("A finalized consultation cannot be changed.", state=state)
    frozen = sorted(RULE_FIELDS & changes.keys())
    if frozen and not lifecycle.rules_editable(state):
        raise WrongState(
            f"The rules freeze once the consultation opens: {', '.join(frozen)}.",
            state=consultation.state,
        )
    for field, value in changes.items():
        if value is None and field not in NULLABLE_FIELDS:
            raise Invalid(f"{field} cannot be null.", loc=("body", field))

    def after(field: str) -> Any:
        return changes.get(field, getattr(consultation, field))

    try:
        check_scale(after("scale_min"), after("scale_max"), after("scale_labels"))
        check_translated_labels(after("scale_min"), after("scale_max"), after("translations"))
        check_dates(after("starts_on"), after("ends_on"))
    except ValueError as exc:
        raise Invalid(str(exc), loc=("body",)) from exc
    for field, value in changes.items():
        setattr(consultation, field, value)
    audit.consultation_event(
        session,
        consultation,
        "consultation.update",
        actor=actor,
        detail={"fields": sorted(changes)},
    )
    return consultation


def lock(session: Session, consultation: Consultation, *, shared: bool = False) -> None:
    """Locks the consultation's row until commit and reloads it. Lifecycle moves take it
    exclusively; ballot writes share it. So on PostgreSQL a close waits for the ballot writes
    in flight, and a write that comes after the close sees it closed: the digest the close
    records is exact, and nothing commits after it. (On SQLite every write transaction holds
    the database's write lock already.)"""
    session.refresh(consultation, with_for_update={"read": True} if shared else True)


def move(
    session: Session, *, consultation: Consultation, move: lifecycle.Move, actor: Account
) -> Consultation:
    lock(session, consultation)
    try:
        new_state = lifecycle.next_state(consultation.state, move)
    except lifecycle.IllegalMove as exc:
        raise WrongState(str(exc), state=consultation.state) from exc
    if move is lifecycle.Move.open:  # from draft, or at the end of the call for topics
        has_topic = session.scalar(select(Topic.id).where(Topic.consultation_id == consultation.id))
        if has_topic is None:
            raise Conflict("Add at least one topic before opening the consultation.")
    detail: dict[str, Any] = {"from": consultation.state, "to": new_state.value}
    tally = counts(session, [consultation.id])[consultation.id]
    if move in (lifecycle.Move.close, lifecycle.Move.finalize):
        writes = session.scalar(
            select(func.coalesce(func.sum(Participant.ballot_writes), 0)).where(
                Participant.consultation_id == consultation.id
            )
        )
        version = results_queries.tally_version(session, consultation.id)
        detail |= {
            "participants": tally.participants,
            "ratings": tally.ratings,
            "ballot_writes": writes,
            "ballot_digest": results.ballot_digest(session, consultation, version),
        }
    consultation.state = new_state
    audit.consultation_event(
        session, consultation, f"consultation.{move.value}", actor=actor, detail=detail
    )
    event = MOVE_EVENTS.get(move)
    if event is not None:
        shown = ConsultationPublic.build(consultation, tally).model_dump(mode="json")
        webhooks.emit(session, event, shown)
    return consultation


# The webhook event each move sends (app.webhooks), in the move's own transaction; a test checks
# that every move has one.
MOVE_EVENTS: dict[lifecycle.Move, WebhookEvent] = {
    lifecycle.Move.open_proposals: WebhookEvent.consultation_proposals_opened,
    lifecycle.Move.open: WebhookEvent.consultation_opened,
    lifecycle.Move.close: WebhookEvent.consultation_closed,
    lifecycle.Move.reopen: WebhookEvent.consultation_reopened,
    lifecycle.Move.finalize: WebhookEvent.consultation_finalized,
}


# Topics


def topic_origins(session: Session, topics: Sequence[Topic]) -> dict[int, TopicOrigin]:
    """Where each topic came from, in one query over the proposals that point to them."""
    ids = [t.id for t in topics]
    accepted: dict[int, int] = {}
    merged: dict[int, list[int]] = {t: [] for t in ids}
    rows = session.execute(
        select(Proposal.id, Proposal.status, Proposal.topic_id)
        .where(Proposal.topic_id.in_(ids))
        .order_by(Proposal.id)
    )
    for proposal_id, status, topic_id in rows:
        if topic_id is None:  # pragma: no cover - the query asks for topics
            continue
        if status == ProposalStatus.accepted:
            accepted[topic_id] = proposal_id
        elif status == ProposalStatus.merged:
            merged[topic_id].append(proposal_id)
    origins = {}
    for topic in topics:
        if topic.id in accepted or merged[topic.id]:
            origins[topic.id] = TopicOrigin(
                kind="proposal",
                proposal_id=accepted.get(topic.id),
                merged_proposals=merged[topic.id],
            )
        elif topic.copied_from_id is not None:
            origins[topic.id] = TopicOrigin(
                kind="edition", copied_from_topic_id=topic.copied_from_id
            )
        else:
            origins[topic.id] = TopicOrigin(kind="secretariat")
    return origins


def topics_public(
    session: Session, consultation: Consultation, topics: Sequence[Topic], lang: str | None = None
) -> list[TopicPublic]:
    """The topics as the API shows them: texts in `lang` where translated, and their origin."""
    origins = topic_origins(session, topics)
    return [
        TopicPublic.shown(t, consultation.language, lang).model_copy(
            update={"origin": origins[t.id]}
        )
        for t in topics
    ]


def list_topics(session: Session, consultation: Consultation) -> list[Topic]:
    return list(
        session.scalars(
            select(Topic)
            .where(Topic.consultation_id == consultation.id)
            .order_by(Topic.position, Topic.id)
        )
    )


def shuffled(topics: Sequence[Topic], *, secret: str, account_id: int) -> list[Topic]:
    """The participant's own stable order: sorted by a keyed hash of (account, topic), so it is
    the same on every visit, differs between participants, and cannot be predicted."""

    def key(topic: Topic) -> bytes:
        material = f"{secret}:{topic.consultation_id}:{account_id}:{topic.id}"
        return hashlib.sha256(material.encode()).digest()

    return sorted(topics, key=key)


def get_topic(session: Session, consultation: Consultation, topic_id: int) -> Topic:
    topic = session.get(Topic, topic_id) if fits(topic_id) else None
    if topic is None or topic.consultation_id != consultation.id:
        raise NotFound(f"No topic {topic_id} in this consultation.")
    return topic


def _require_topics_editable(consultation: Consultation) -> None:
    if not lifecycle.topics_editable(consultation.state):
        raise WrongState(
            "Topics can only change while the consultation is a draft.", state=consultation.state
        )


def _title_taken(session: Session, consultation: Consultation, title: str, *, but: int = 0) -> bool:
    """Whether another of the consultation's topics has this title, ignoring case in every
    script: compared here, since SQLite's lower() folds ASCII letters only ("ACCÈS")."""
    wanted = title.casefold()
    titles = session.scalars(
        select(Topic.title).where(Topic.consultation_id == consultation.id, Topic.id != but)
    )
    return any(other.casefold() == wanted for other in titles)


def add_topic(
    session: Session, *, consultation: Consultation, data: TopicCreate, actor: Account
) -> Topic:
    _require_topics_editable(consultation)
    if _title_taken(session, consultation, data.title):
        raise Duplicate(f"A topic titled '{data.title}' already exists.")
    position = data.position
    if position is None:
        last = session.scalar(
            select(func.max(Topic.position)).where(Topic.consultation_id == consultation.id)
        )
        position = 0 if last is None else last + 1
    topic = Topic(
        consultation_id=consultation.id,
        title=data.title,
        description=data.description,
        position=position,
        translations=updated(None, data.translations),
    )
    with conflict_on_duplicate(session, f"A topic titled '{data.title}' already exists."):
        session.add(topic)
    audit.item_event(session, consultation, "topic", "create", topic, actor=actor)
    return topic


def update_topic(
    session: Session, *, consultation: Consultation, topic: Topic, data: TopicUpdate, actor: Account
) -> Topic:
    _require_topics_editable(consultation)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("title") is None and "title" in changes:
        raise Invalid("title cannot be null.", loc=("body", "title"))
    if changes.get("position", 0) is None:
        raise Invalid("position cannot be null.", loc=("body", "position"))
    if "title" in changes and _title_taken(session, consultation, changes["title"], but=topic.id):
        raise Duplicate(f"A topic titled '{changes['title']}' already exists.")
    if "translations" in changes:
        changes["translations"] = updated(topic.translations, data.translations)
    for field, value in changes.items():
        setattr(topic, field, value)
    with conflict_on_duplicate(session, "A topic with this title already exists."):
        session.flush()
    audit.item_event(session, consultation, "topic", "update", topic, actor=actor, fields=changes)
    return topic


def reorder_topics(
    session: Session, *, consultation: Consultation, order: list[int], actor: Account
) -> None:
    """Puts the topics in `order` (every topic's id, once): each whose place changes gets its
    new position through update_topic, so each move is checked (draft only) and audited."""
    for topic, position in ordering.moves(list_topics(session, consultation), order, noun="topic"):
        update_topic(
            session,
            consultation=consultation,
            topic=topic,
            data=TopicUpdate(position=position),
            actor=actor,
        )


def delete_topic(
    session: Session, *, consultation: Consultation, topic: Topic, actor: Account
) -> None:
    _require_topics_editable(consultation)
    session.delete(topic)
    audit.item_event(session, consultation, "topic", "delete", topic, actor=actor)
