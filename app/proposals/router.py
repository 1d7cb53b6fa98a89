from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from app.auth.dependencies import MailerDep
from app.consultations import service as consultations
from app.consultations.dependencies import (
    ManagedConsultation,
    ParticipatingConsultation,
    VisibleConsultation,
)
from app.consultations.models import Consultation
from app.deps import ContentLanguage, PageWindow, PathId, SessionDep
from app.errors import Unauthorized
from app.openapi import problems
from app.pagination import Page
from app.proposals import service
from app.proposals.models import Proposal, ProposalStatus
from app.proposals.schemas import (
    Accepted,
    Merge,
    ProposalCreate,
    ProposalCreated,
    ProposalPublic,
    ProposalUpdate,
    Reject,
    Similar,
)

router = APIRouter(prefix="/consultations/{slug}/proposals", tags=["proposals"])

SimilarQuery = Annotated[str, Query(max_length=2000, description="The text being written")]


def _public(
    session: Session, consultation: Consultation, proposal: Proposal, lang: str | None
) -> ProposalPublic:
    """One proposal as the API shows it (service.public works on lists)."""
    [shown] = service.public(session, consultation, [proposal], lang)
    return shown


@router.get("", responses=problems(401, 403, 404, 422))
def list_proposals(
    access: VisibleConsultation,
    session: SessionDep,
    page: PageWindow,
    lang: ContentLanguage,
    status: Annotated[ProposalStatus | None, Query()] = None,
    mine: Annotated[bool, Query(description="Only your own (signed in)")] = False,
) -> Page[ProposalPublic]:
    """The proposals of the call for topics, oldest first, with their status and how many
    support each; with Accept-Language, their texts in that language where translated. Who
    proposed what is never shown."""
    if mine and access.account is None:
        raise Unauthorized("Sign in to see your own proposals.")
    rows, total = service.list_proposals(
        session,
        access.consultation,
        status=status,
        account=access.account if mine else None,
        limit=page.limit,
        offset=page.offset,
    )
    return Page(items=service.public(session, access.consultation, rows, lang), total=total)


@router.get("/similar", responses=problems(401, 403, 404, 422))
def similar_proposals(access: VisibleConsultation, session: SessionDep, q: SimilarQuery) -> Similar:
    """At most 5 topics or proposals of this consultation whose text is close to `q`,
    ignoring case and accents: for the proposal form, before submitting."""
    return Similar(similar=service.similar(session, access.consultation, q))


@router.post("", status_code=201, responses=problems(400, 401, 403, 404, 409, 413, 422))
def propose(
    data: ProposalCreate,
    access: ParticipatingConsultation,
    session: SessionDep,
    lang: ContentLanguage,
) -> ProposalCreated:
    """Propose a topic during the call (`proposals` state), up to the consultation's
    `max_proposals_per_participant` (then 409). The answer lists similar topics and
    proposals."""
    submitted = service.submit(
        session, consultation=access.consultation, account=access.actor, data=data
    )
    shown = _public(session, access.consultation, submitted.proposal, lang)
    return ProposalCreated(**shown.model_dump(), similar=submitted.similar)


@router.patch("/{id}", responses=problems(400, 401, 403, 404, 409, 413, 422))
def edit_proposal(
    id: PathId,
    data: ProposalUpdate,
    access: ParticipatingConsultation,
    session: SessionDep,
    lang: ContentLanguage,
) -> ProposalPublic:
    """Edit your own proposal while it is `submitted` and the call lasts; a language given
    in `translations` replaces that language's, null removes it."""
    proposal = service.get(session, access.consultation, id)
    service.edit(
        session,
        consultation=access.consultation,
        proposal=proposal,
        account=access.actor,
        data=data,
    )
    return _public(session, access.consultation, proposal, lang)


@router.post("/{id}/support", status_code=204, responses=problems(401, 403, 404, 409, 422))
def support_proposal(
    id: PathId, access: ParticipatingConsultation, session: SessionDep
) -> Response:
    """Support someone else's proposal, once (again: 409)."""
    proposal = service.get(session, access.consultation, id)
    service.support(
        session, consultation=access.consultation, proposal=proposal, account=access.actor
    )
    return Response(status_code=204)


@router.delete("/{id}/support", status_code=204, responses=problems(401, 403, 404, 409, 422))
def withdraw_support(
    id: PathId, access: ParticipatingConsultation, session: SessionDep
) -> Response:
    """Withdraw your support (while the proposal is undecided)."""
    proposal = service.get(session, access.consultation, id)
    service.withdraw_support(
        session, consultation=access.consultation, proposal=proposal, account=access.actor
    )
    return Response(status_code=204)


@router.post("/{id}/accept", status_code=201, responses=problems(401, 403, 404, 409, 422))
def accept_proposal(
    id: PathId,
    access: ManagedConsultation,
    session: SessionDep,
    mailer: MailerDep,
    lang: ContentLanguage,
) -> Accepted:
    """Accept a proposal (committee or admin, while `draft` or `proposals`): a new candidate
    topic carries its text and translations, and the proposal points to it. The proposer is
    mailed."""
    proposal = service.get(session, access.consultation, id)
    topic = service.accept(
        session,
        consultation=access.consultation,
        proposal=proposal,
        actor=access.actor,
        mailer=mailer,
    )
    return Accepted(
        topic=consultations.topics_public(session, access.consultation, [topic], lang)[0],
        proposal=_public(session, access.consultation, proposal, lang),
    )


@router.post("/{id}/reject", responses=problems(400, 401, 403, 404, 409, 413, 422))
def reject_proposal(
    id: PathId,
    data: Reject,
    access: ManagedConsultation,
    session: SessionDep,
    mailer: MailerDep,
    lang: ContentLanguage,
) -> ProposalPublic:
    """Reject a proposal with a reason, which is mailed to the proposer."""
    proposal = service.get(session, access.consultation, id)
    service.reject(
        session,
        consultation=access.consultation,
        proposal=proposal,
        reason=data.reason,
        actor=access.actor,
        mailer=mailer,
    )
    return _public(session, access.consultation, proposal, lang)


@router.post("/{id}/merge", responses=problems(400, 401, 403, 404, 409, 413, 422))
def merge_proposal(
    id: PathId,
    data: Merge,
    access: ManagedConsultation,
    session: SessionDep,
    mailer: MailerDep,
    lang: ContentLanguage,
) -> ProposalPublic:
    """Merge a proposal into another proposal or a candidate topic: its supporters carry
    over (each counted once), both texts stay readable, and it points to its target."""
    proposal = service.get(session, access.consultation, id)
    service.merge(
        session,
        consultation=access.consultation,
        proposal=proposal,
        into_proposal_id=data.into_proposal_id,
        into_topic_id=data.into_topic_id,
        actor=access.actor,
        mailer=mailer,
    )
    return _public(session, access.consultation, proposal, lang)
