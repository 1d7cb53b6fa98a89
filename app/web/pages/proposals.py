"""The call for topics: the call with its public list of proposals, the proposal form (with a
"check for similar topics" step, no JavaScript), "my proposals", and the committee's review
queue with bulk accept and reject. The same services as the API (app.proposals.service)."""

from typing import Annotated

from fastapi import Query, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.auth.dependencies import MailerDep
from app.consultations import lifecycle
from app.consultations import service as consultations
from app.consultations.dependencies import Access, participating_consultation
from app.deps import PathId, SessionDep
from app.errors import Invalid, Unauthorized
from app.proposals import service
from app.proposals.models import ProposalStatus
from app.proposals.schemas import ProposalCreate, Reject
from app.translations import PROPOSAL_FIELDS
from app.web.forms import FieldErrors
from app.web.pages.common import (
    administered_for,
    consultation_for,
    form_address,
    managed_for,
    other_languages,
    page_router,
    render_consultation,
    submitted_texts,
    translations_payload,
)
from app.web.rendering import redirect
from app.web.visitors import CheckedForm, CurrentViewer, Viewer, text, ticked

router = page_router()
StatusFilter = Annotated[ProposalStatus | None, Query()]
ALL = 1000  # a call's proposals fit one page


def _participant(session: Session, slug: str, viewer: Viewer) -> Access:
    if viewer.account is None:
        raise Unauthorized("Sign in to take part.")
    return participating_consultation(consultation_for(session, slug, viewer))


@router.get("/c/{slug}/proposals")
def call_page(
    slug: str, viewer: CurrentViewer, session: SessionDep, status: StatusFilter = None
) -> Response:
    """The call: what is asked and until when, and every proposal with its status and
    support (never who made it)."""
    access = consultation_for(session, slug, viewer)
    consultation = access.consultation
    rows, total = service.list_proposals(session, consultation, status=status, limit=ALL, offset=0)
    supported = (
        service.supported_by(session, viewer.account, [p.id for p in rows])
        if viewer.account
        else set()
    )
    mine = {p.id for p in rows if viewer.account and p.account_id == viewer.account.id}
    return render_consultation(
        viewer,
        access,
        "proposals.html",
        proposals=service.public(session, consultation, rows),
        total=total,
        chosen=status.value if status else "",
        statuses=[s.value for s in ProposalStatus],
        accepting=lifecycle.accepts_proposals(consultation.state),
        supported=supported,
        mine=mine,
        reviewer=access.can_manage,
    )


def _form(
    viewer: Viewer,
    session: Session,
    access: Access,
    values: dict[str, str],
    *,
    errors: FieldErrors | None = None,
    checked: bool = False,
    status: int = 200,
) -> Response:
    similar = []
    if checked:
        query = f"{values['title']} {values['description']}"
        similar = service.similar(session, access.consultation, query)
    errors = errors or FieldErrors()
    # The translations stay folded away unless something is in them.
    translating = any(
        key.startswith("translations-") and (value or key in errors)
        for key, value in values.items()
    )
    return render_consultation(
        viewer,
        access,
        "proposal_form.html",
        status=status,
        values=values,
        others=other_languages(access.consultation),
        translating=translating,
        errors=errors,
        checked=checked,
        similar=similar,
    )


@router.get("/c/{slug}/proposals/new")
def new_proposal(slug: str, viewer: CurrentViewer, session: SessionDep) -> Response:
    access = _participant(session, slug, viewer)
    return _form(viewer, session, access, {"title": "", "description": ""})


@router.post("/c/{slug}/proposals/new")
def submit_proposal(
    slug: str, viewer: CurrentViewer, form: CheckedForm, session: SessionDep
) -> Response:
    """`step=check` shows similar topics and proposals (nothing stored); `step=submit`
    proposes."""
    access = _participant(session, slug, viewer)
    values = submitted_texts(form, access.consultation, PROPOSAL_FIELDS)
    if text(form, "step") == "check":
        return _form(viewer, session, access, values, checked=True)
    try:
        data = ProposalCreate.model_validate(
            {
                "title": values["title"],
                "description": values["description"],
                "translations": translations_payload(values, PROPOSAL_FIELDS),
            }
        )
    except ValidationError as exc:
        errors = FieldErrors.from_validation(exc)
        return _form(viewer, session, access, values, errors=errors, status=422)
    service.submit(session, consultation=access.consultation, account=access.actor, data=data)
    return redirect(viewer, f"/c/{slug}/proposals/mine", flash="proposal-submitted")


@router.get("/c/{slug}/proposals/mine")
def my_proposals(slug: str, viewer: CurrentViewer, session: SessionDep) -> Response:
    access = _participant(session, slug, viewer)
    rows, _ = service.list_proposals(
        session, access.consultation, account=access.actor, limit=ALL, offset=0
    )
    return render_consultation(
        viewer,
        access,
        "my_proposals.html",
        proposals=service.public(session, access.consultation, rows),
        reasons={p.id: p.reason for p in rows},
        accepting=lifecycle.accepts_proposals(access.consultation.state),
        limit=access.consultation.max_proposals_per_participant,
    )


@router.post("/c/{slug}/proposals/{proposal_id}/support")
def support(
    slug: str, proposal_id: PathId, viewer: CurrentViewer, form: CheckedForm, session: SessionDep
) -> Response:
    access = _participant(session, slug, viewer)
    proposal = service.get(session, access.consultation, proposal_id)
    if text(form, "withdraw"):
        service.withdraw_support(
            session, consultation=access.consultation, proposal=proposal, account=access.actor
        )
    else:
        service.support(
            session, consultation=access.consultation, proposal=proposal, account=access.actor
        )
    return redirect(viewer, f"/c/{slug}/proposals#proposal-{proposal_id}", flash="support-saved")


@router.post("/c/{slug}/proposals/open")
def open_call(slug: str, viewer: CurrentViewer, _: CheckedForm, session: SessionDep) -> Response:
    access = administered_for(session, slug, viewer)
    consultations.move(
        session,
        consultation=access.consultation,
        move=lifecycle.Move.open_proposals,
        actor=access.actor,
    )
    return redirect(viewer, f"/c/{slug}/proposals", flash="proposals-opened")


@router.get("/c/{slug}/proposals/review")
def review_queue(
    slug: str, viewer: CurrentViewer, session: SessionDep, status: StatusFilter = None
) -> Response:
    """The committee's queue: undecided first by default; filter by status."""
    access = managed_for(session, slug, viewer)
    shown = status or ProposalStatus.submitted
    rows, _ = service.list_proposals(
        session, access.consultation, status=shown, limit=ALL, offset=0
    )
    open_rows, _ = service.list_proposals(
        session, access.consultation, status=ProposalStatus.submitted, limit=ALL, offset=0
    )
    return render_consultation(
        viewer,
        access,
        "proposals_review.html",
        proposals=service.public(session, access.consultation, rows),
        chosen=shown.value,
        statuses=[s.value for s in ProposalStatus],
        decidable=lifecycle.proposals_decidable(access.consultation.state),
        targets=service.public(session, access.consultation, open_rows),
        topics=consultations.list_topics(session, access.consultation),
        errors=FieldErrors(),
    )


@router.post("/c/{slug}/proposals/review")
def decide(
    slug: str,
    viewer: CurrentViewer,
    form: CheckedForm,
    session: SessionDep,
    mailer: MailerDep,
) -> Response:
    """Bulk: accept or reject (with one reason) every proposal ticked, all or none."""
    access = managed_for(session, slug, viewer)
    ids = [int(v) for v in ticked(form, "proposal") if v.isdigit()]
    if not ids:
        raise Invalid("Tick at least one proposal.", loc=("body", "proposal"))
    action = text(form, "action")
    reason = None
    if action == "reject":
        try:
            reason = Reject.model_validate({"reason": text(form, "reason")}).reason
        except ValidationError as exc:
            raise Invalid("Give the reason for the rejection.", loc=("body", "reason")) from exc
    elif action != "accept":
        raise Invalid("Choose accept or reject.", loc=("body", "action"))
    for proposal_id in ids:
        proposal = service.get(session, access.consultation, proposal_id)
        if reason is None:
            service.accept(
                session,
                consultation=access.consultation,
                proposal=proposal,
                actor=access.actor,
                mailer=mailer,
            )
        else:
            service.reject(
                session,
                consultation=access.consultation,
                proposal=proposal,
                reason=reason,
                actor=access.actor,
                mailer=mailer,
            )
    return redirect(viewer, f"/c/{slug}/proposals/review", flash="proposals-decided")


@router.post("/c/{slug}/proposals/{proposal_id}/merge")
def merge(
    slug: str,
    proposal_id: PathId,
    viewer: CurrentViewer,
    form: CheckedForm,
    session: SessionDep,
    mailer: MailerDep,
) -> Response:
    """`into` is `p<id>` (a proposal) or `t<id>` (a topic)."""
    access = managed_for(session, slug, viewer)
    proposal = service.get(session, access.consultation, proposal_id)
    into = text(form, "into")
    if len(into) < 2 or into[0] not in "pt" or not into[1:].isdigit():
        raise Invalid("Choose the proposal or topic to merge into.", loc=("body", "into"))
    target = int(into[1:])
    service.merge(
        session,
        consultation=access.consultation,
        proposal=proposal,
        into_proposal_id=target if into[0] == "p" else None,
        into_topic_id=target if into[0] == "t" else None,
        actor=access.actor,
        mailer=mailer,
    )
    return redirect(viewer, f"/c/{slug}/proposals/review", flash="proposals-decided")


for _path in (
    "/c/{slug}/proposals/{proposal_id}/support",
    "/c/{slug}/proposals/{proposal_id}/merge",
):
    form_address(router, _path, lambda slug, **_: f"/c/{slug}/proposals")
form_address(router, "/c/{slug}/proposals/open", lambda slug, **_: f"/c/{slug}/manage")
