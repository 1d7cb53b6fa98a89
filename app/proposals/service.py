"""The call for topics: participants propose and support while the consultation is in its
`proposals` state; the committee (or an admin) accepts, rejects or merges each proposal until
the rating opens. Every decision is audited and mailed to the proposer through the outbox.

Support on merge: a merged proposal's supporters, and its proposer, become supporters of the
proposal it joined (a merge into a topic: of the proposal accepted as that topic, if any),
each counted once; the merged proposal keeps its own rows, so its count stays as it was."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import search, translations
from app.audit import service as audit
from app.auth.models import Account
from app.consultations import lifecycle
from app.consultations import service as consultations
from app.consultations.models import Consultation, Topic
from app.consultations.schemas import TopicCreate
from app.db import utcnow
from app.errors import (
    Conflict,
    Duplicate,
    EmailNotVerified,
    Forbidden,
    Invalid,
    NotFound,
    WrongState,
    conflict_on_duplicate,
)
from app.mail.service import Mailer
from app.proposals.models import Proposal, ProposalStatus, Support
from app.proposals.schemas import (
    MergedInto,
    ProposalCreate,
    ProposalPublic,
    ProposalUpdate,
    SimilarItem,
)
from app.vocabulary import fits
from app.webhooks import service as webhooks
from app.webhooks.events import WebhookEvent

Status = ProposalStatus
FIELDS = translations.PROPOSAL_FIELDS


def get(session: Session, consultation: Consultation, proposal_id: int) -> Proposal:
    proposal = session.get(Proposal, proposal_id) if fits(proposal_id) else None
    if proposal is None or proposal.consultation_id != consultation.id:
        raise NotFound(f"No proposal {proposal_id} in this consultation.")
    return proposal


def supporter_counts(session: Session, ids: Sequence[int]) -> dict[int, int]:
    rows = session.execute(
        select(Support.proposal_id, func.count())
        .where(Support.proposal_id.in_(ids))
        .group_by(Support.proposal_id)
    )
    found: dict[int, int] = dict(rows.all())
    return {i: found.get(i, 0) for i in ids}


def _merged_into_of(proposal: Proposal) -> MergedInto | None:
    if proposal.merged_into_proposal_id is not None:
        return MergedInto(kind="proposal", id=proposal.merged_into_proposal_id)
    if proposal.merged_into_topic_id is not None:
        return MergedInto(kind="topic", id=proposal.merged_into_topic_id)
    return None


def public(
    session: Session,
    consultation: Consultation,
    proposals: Sequence[Proposal],
    lang: str | None = None,
) -> list[ProposalPublic]:
    """The proposals as the API shows them: texts in `lang` where translated (the original,
    in the consultation's language, otherwise), and which language that is."""
    counts = supporter_counts(session, [p.id for p in proposals])
    items = []
    for p in proposals:
        stored = p.translations or {}
        texts = {"title": p.title, "description": p.description}
        items.append(
            ProposalPublic(
                id=p.id,
                **{f: translations.text_in(texts[f], f, stored, lang) for f in FIELDS},
                status=Status(p.status),
                supporters=counts[p.id],
                merged_into=_merged_into_of(p),
                topic_id=p.topic_id,
                created_at=p.created_at,
                decided_at=p.decided_at,
                language=translations.shown_language(
                    consultation.language, stored, FIELDS, texts, lang
                ),
                translations=stored,
            )
        )
    return items


def list_proposals(
    session: Session,
    consultation: Consultation,
    *,
    status: Status | None = None,
    account: Account | None = None,
    limit: int,
    offset: int,
) -> tuple[Sequence[Proposal], int]:
    """Oldest first; only `status` ones, or only `account`'s own, when given."""
    query = select(Proposal).where(Proposal.consultation_id == consultation.id)
    if status is not None:
        query = query.where(Proposal.status == status.value)
    if account is not None:
        query = query.where(Proposal.account_id == account.id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Proposal.id).limit(limit).offset(offset)).all()
    return rows, total


def supported_by(session: Session, account: Account, ids: Sequence[int]) -> set[int]:
    """Which of these proposals `account` supports."""
    return set(
        session.scalars(
            select(Support.proposal_id).where(
                Support.account_id == account.id, Support.proposal_id.in_(ids)
            )
        )
    )


def similar(
    session: Session, consultation: Consultation, query: str, *, but: int | None = None
) -> list[SimilarItem]:
    hits = search.similar(
        session, consultation_id=consultation.id, query=query, exclude_proposal=but
    )
    return [
        SimilarItem(kind="topic" if h.kind == "topic" else "proposal", id=h.id, title=h.title)
        for h in hits
    ]


# What a participant may do


def _require_call(consultation: Consultation) -> None:
    if not lifecycle.accepts_proposals(consultation.state):
        raise WrongState(
            f"Topics are proposed only during the call for topics; the consultation is "
            f"{consultation.state.value}.",
            state=consultation.state.value,
        )


def _require_verified(consultation: Consultation, account: Account) -> None:
    if consultation.require_verified_email and not account.email_verified:
        raise EmailNotVerified()


@dataclass(frozen=True)
class Submitted:
    proposal: Proposal
    similar: list[SimilarItem]


def submit(
    session: Session, *, consultation: Consultation, account: Account, data: ProposalCreate
) -> Submitted:
    """The one way a proposal comes to be (the API and the pages both call it)."""
    consultations.lock(session, consultation)  # the state and the count hold until commit
    _require_call(consultation)
    _require_verified(consultation, account)
    made = session.scalar(
        select(func.count()).where(
            Proposal.consultation_id == consultation.id, Proposal.account_id == account.id
        )
    )
    limit = consultation.max_proposals_per_participant
    if (made or 0) >= limit:
        raise Conflict(
            f"You have made the {limit} proposals one participant may make here.", limit=limit
        )
    proposal = Proposal(
        consultation_id=consultation.id,
        account_id=account.id,
        title=data.title,
        description=data.description,
        status=Status.submitted.value,
        translations=translations.updated(None, data.translations),
    )
    session.add(proposal)
    session.flush()
    audit.item_event(session, consultation, "proposal", "create", proposal, actor=account)
    shown = public(session, consultation, [proposal])[0].model_dump(mode="json")
    webhooks.emit(session, WebhookEvent.proposal_submitted, shown)
    found = similar(session, consultation, f"{data.title} {data.description}", but=proposal.id)
    return Submitted(proposal, found)


def edit(
    session: Session,
    *,
    consultation: Consultation,
    proposal: Proposal,
    account: Account,
    data: ProposalUpdate,
) -> Proposal:
    if proposal.account_id != account.id:
        raise Forbidden("Only its proposer can edit a proposal.")
    _require_call(consultation)
    session.refresh(proposal, with_for_update=True)
    if proposal.status != Status.submitted:
        raise Conflict(f"The proposal was {proposal.status}; it can no longer change.")
    changes = data.model_dump(exclude_unset=True, exclude={"translations"})
    for field, value in changes.items():
        if value is None:
            raise Invalid(f"{field} cannot be null.", loc=("body", field))
    if "translations" in data.model_fields_set:
        changes["translations"] = translations.updated(proposal.translations, data.translations)
    for field, value in changes.items():
        setattr(proposal, field, value)
    session.flush()
    audit.item_event(
        session, consultation, "proposal", "update", proposal, actor=account, fields=changes
    )
    return proposal


def support(
    session: Session, *, consultation: Consultation, proposal: Proposal, account: Account
) -> None:
    _require_call(consultation)
    _require_verified(consultation, account)
    if proposal.status != Status.submitted:
        raise Conflict(f"The proposal was {proposal.status}; it takes no more support.")
    if proposal.account_id == account.id:
        raise Conflict("Your own proposal counts you already; support someone else's.")
    already = "You support this proposal already."
    if session.get(Support, (proposal.id, account.id)) is not None:
        raise Duplicate(already)
    with conflict_on_duplicate(session, already):
        session.add(Support(proposal_id=proposal.id, account_id=account.id))
    audit.consultation_event(
        session, consultation, "proposal.support", actor=account, target=("proposal", proposal.id)
    )


def withdraw_support(
    session: Session, *, consultation: Consultation, proposal: Proposal, account: Account
) -> None:
    _require_call(consultation)
    row = session.get(Support, (proposal.id, account.id))
    if row is None:
        raise NotFound("You do not support this proposal.")
    if proposal.status != Status.submitted:
        raise Conflict(f"The proposal was {proposal.status}; its support is on record.")
    session.delete(row)
    session.flush()
    audit.consultation_event(
        session,
        consultation,
        "proposal.unsupport",
        actor=account,
        target=("proposal", proposal.id),
    )


# What the committee decides


def _require_undecided(session: Session, consultation: Consultation, proposal: Proposal) -> None:
    if not lifecycle.proposals_decidable(consultation.state):
        raise WrongState(
            f"Proposals are decided before the rating opens; the consultation is "
            f"{consultation.state.value}.",
            state=consultation.state.value,
        )
    session.refresh(proposal, with_for_update=True)  # two deciders at once: one wins
    if proposal.status != Status.submitted:
        raise Conflict(f"Proposal {proposal.id} was {proposal.status} already.")


def _decided(
    session: Session,
    *,
    consultation: Consultation,
    proposal: Proposal,
    actor: Account,
    mailer: Mailer,
    action: str,
    detail: dict[str, Any],
    **mail: Any,
) -> None:
    proposal.decided_at = utcnow()
    session.flush()
    audit.consultation_event(
        session,
        consultation,
        f"proposal.{action}",
        actor=actor,
        target=("proposal", proposal.id),
        detail=detail,
    )
    proposer = session.get(Account, proposal.account_id)
    if proposer is None:  # pragma: no cover - the foreign key keeps it
        return
    mailer.queue(
        session,
        to=proposer.email,
        lang=proposer.language,
        template="proposal_decision",
        name=proposer.display_name,
        # The titles as the proposer reads them: in their language where translated.
        consultation=translations.text_in(
            consultation.title, "title", consultation.translations, proposer.language
        ),
        proposal=translations.text_in(
            proposal.title, "title", proposal.translations, proposer.language
        ),
        decision=action,
        link=f"{mailer.public_url.rstrip('/')}/c/{consultation.slug}/proposals/mine",
        **{"reason": None, "target": None} | mail,
    )


def _merged_into(session: Session, proposal: Proposal) -> list[Proposal]:
    """Every proposal merged into this one, directly or through others."""
    found: list[Proposal] = []
    frontier = [proposal.id]
    while frontier:
        rows = session.scalars(
            select(Proposal).where(Proposal.merged_into_proposal_id.in_(frontier))
        ).all()
        found.extend(rows)
        frontier = [p.id for p in rows]
    return found


def accept(
    session: Session,
    *,
    consultation: Consultation,
    proposal: Proposal,
    actor: Account,
    mailer: Mailer,
) -> Topic:
    """A new candidate topic carrying the proposal's text and its translations; the proposal
    (and those merged into it) point to it."""
    _require_undecided(session, consultation, proposal)
    topic = consultations.add_topic(
        session,
        consultation=consultation,
        data=TopicCreate.model_validate(
            {
                "title": proposal.title,
                "description": proposal.description,
                "translations": proposal.translations,
            }
        ),
        actor=actor,
    )
    proposal.status = Status.accepted.value
    proposal.topic_id = topic.id
    for merged in _merged_into(session, proposal):
        merged.topic_id = topic.id
    _decided(
        session,
        consultation=consultation,
        proposal=proposal,
        actor=actor,
        mailer=mailer,
        action="accept",
        detail={"topic_id": topic.id},
        target=topic.title,
    )
    return topic


def reject(
    session: Session,
    *,
    consultation: Consultation,
    proposal: Proposal,
    reason: str,
    actor: Account,
    mailer: Mailer,
) -> Proposal:
    _require_undecided(session, consultation, proposal)
    proposal.status = Status.rejected.value
    proposal.reason = reason
    _decided(
        session,
        consultation=consultation,
        proposal=proposal,
        actor=actor,
        mailer=mailer,
        action="reject",
        detail={"reason": reason},
        reason=reason,
    )
    return proposal


def _carry_support(session: Session, source: Proposal, target: Proposal) -> int:
    """The source's supporters and proposer become the target's supporters, once each, and
    never its own proposer. Returns how many were added."""
    people = set(
        session.scalars(select(Support.account_id).where(Support.proposal_id == source.id))
    )
    people.add(source.account_id)
    people.discard(target.account_id)
    people -= set(
        session.scalars(select(Support.account_id).where(Support.proposal_id == target.id))
    )
    for account_id in sorted(people):
        session.add(
            Support(proposal_id=target.id, account_id=account_id, carried_from_id=source.id)
        )
    session.flush()
    return len(people)


def merge(
    session: Session,
    *,
    consultation: Consultation,
    proposal: Proposal,
    into_proposal_id: int | None,
    into_topic_id: int | None,
    actor: Account,
    mailer: Mailer,
) -> Proposal:
    """Merges the proposal into another proposal (still submitted, or accepted) or into a
    candidate topic. Into itself, or into one that (through its own merges) ends in this
    one, is 422."""
    carry_to: Proposal | None = None
    target_title: str
    if into_proposal_id is not None:
        loc = ("body", "into_proposal_id")
        if into_proposal_id == proposal.id:
            raise Invalid("A proposal cannot be merged into itself.", loc=loc)
        target = session.get(Proposal, into_proposal_id) if fits(into_proposal_id) else None
        if target is None or target.consultation_id != consultation.id:
            raise Invalid(f"No proposal {into_proposal_id} in this consultation.", loc=loc)
        seen = {target.id}
        step = target
        while step.merged_into_proposal_id is not None:
            if step.merged_into_proposal_id == proposal.id:
                raise Invalid(
                    f"Proposal {target.id} is merged into this one: that would be a cycle.",
                    loc=loc,
                )
            if step.merged_into_proposal_id in seen:  # pragma: no cover - never stored
                break
            seen.add(step.merged_into_proposal_id)
            following = session.get(Proposal, step.merged_into_proposal_id)
            if following is None:  # pragma: no cover - the foreign key keeps it
                break
            step = following
        if target.status not in (Status.submitted, Status.accepted):
            raise Invalid(
                f"Proposal {target.id} was {target.status}: merge into one that is submitted "
                "or accepted.",
                loc=loc,
            )
        _require_undecided(session, consultation, proposal)
        carry_to = target
        proposal.merged_into_proposal_id = target.id
        proposal.topic_id = target.topic_id
        target_title = target.title
    else:
        assert into_topic_id is not None
        topic = session.get(Topic, into_topic_id) if fits(into_topic_id) else None
        if topic is None or topic.consultation_id != consultation.id:
            raise Invalid(
                f"No topic {into_topic_id} in this consultation.", loc=("body", "into_topic_id")
            )
        _require_undecided(session, consultation, proposal)
        carry_to = session.scalar(
            select(Proposal).where(
                Proposal.topic_id == topic.id, Proposal.status == Status.accepted.value
            )
        )
        proposal.merged_into_topic_id = topic.id
        proposal.topic_id = topic.id
        target_title = topic.title
    proposal.status = Status.merged.value
    for merged in _merged_into(session, proposal):
        merged.topic_id = proposal.topic_id
    carried = 0 if carry_to is None else _carry_support(session, proposal, carry_to)
    _decided(
        session,
        consultation=consultation,
        proposal=proposal,
        actor=actor,
        mailer=mailer,
        action="merge",
        detail={
            "into_proposal_id": into_proposal_id,
            "into_topic_id": into_topic_id,
            "supporters_carried": carried,
        },
        target=target_title,
    )
    return proposal
