"""The committee workspace: the ranking with the cut line and each topic's stability, sessions
from the top of the ranking, the agenda's checks, and finalizing."""

from typing import Any

from fastapi import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.agenda import service as agenda
from app.agenda.cutline import cut
from app.agenda.schemas import FromRanking
from app.committee import service as committee
from app.consultations.dependencies import Access
from app.deps import SessionDep
from app.errors import Blocked, Tied
from app.results import service as results
from app.vocabulary import ConsultationState, SessionFormat
from app.web.agreement import DRAWS, agreement_view
from app.web.forms import FieldErrors
from app.web.pages.common import form_address, managed_for, page_router, render_consultation
from app.web.rendering import redirect
from app.web.visitors import CheckedForm, CurrentViewer, Viewer, text

router = page_router()


def workspace(
    viewer: Viewer,
    session: Session,
    access: Access,
    *,
    method: str | None = None,
    top: int | None = None,
    status: int = 200,
    **context: Any,
) -> Response:
    consultation = access.consultation
    name = results.method_or_default(consultation, method or None)
    top = top or consultation.agenda_size
    ranking = results.ranking(session, consultation, method=name)
    stability = None
    if ranking.participants:
        stability = results.stability(
            session, consultation, method=name, top=top, draws=DRAWS, seed=0
        )
    rows = agenda.sessions(session, consultation)
    context.setdefault("errors", FieldErrors())
    return render_consultation(
        viewer,
        access,
        "committee.html",
        status=status,
        ranking=ranking,
        method=name,
        methods=results.methods(),
        top=top,
        cut=cut(ranking.entries, top),
        p_top={e.topic.id: e for e in stability.entries} if stability else {},
        stability=stability,
        agreement=agreement_view(session, consultation, method=name, top=top, stability=stability),
        sessions=[agenda.to_public(r) for r in rows],
        checks=agenda.agenda_checks(session, consultation),
        closed=consultation.state == ConsultationState.closed,
        finalized=consultation.state == ConsultationState.finalized,
        formats=[f.value for f in SessionFormat],
        **context,
    )


@router.get("/c/{slug}/committee")
def committee_page(
    slug: str,
    viewer: CurrentViewer,
    session: SessionDep,
    method: str | None = None,
    created: int | None = None,
) -> Response:
    access = managed_for(session, slug, viewer)
    return workspace(viewer, session, access, method=method, created=created)


@router.post("/c/{slug}/committee/from-ranking")
def sessions_from_ranking(
    slug: str, viewer: CurrentViewer, form: CheckedForm, session: SessionDep
) -> Response:
    access = managed_for(session, slug, viewer)
    method = text(form, "method") or None
    raw = {
        "method": method,
        "top": text(form, "top") or None,
        "include_ties": "include_ties" in form,
    }
    try:
        data = FromRanking.model_validate(raw)
    except ValidationError as exc:
        return workspace(
            viewer,
            session,
            access,
            method=method,
            status=422,
            errors=FieldErrors.from_validation(exc),
        )
    try:
        created = agenda.from_ranking(
            session, consultation=access.consultation, data=data, actor=access.actor
        )
    except Tied as exc:
        return workspace(
            viewer,
            session,
            access,
            method=data.method,
            top=data.top,
            status=409,
            tie=exc.tied,
            tie_detail=exc.detail,
        )
    query = f"?created={len(created)}" + (f"&method={data.method}" if data.method else "")
    return redirect(viewer, f"/c/{slug}/committee{query}#sessions")


@router.get("/c/{slug}/committee/finalize")
def finalize_page(slug: str, viewer: CurrentViewer, session: SessionDep) -> Response:
    """What finalizing makes public, and the button; only the problems while any blocks it."""
    access = managed_for(session, slug, viewer)
    consultation = access.consultation
    if consultation.state == ConsultationState.finalized:
        return redirect(viewer, f"/c/{slug}/agenda")
    return render_consultation(
        viewer,
        access,
        "finalize.html",
        sessions=[agenda.to_public(r) for r in agenda.sessions(session, consultation)],
        checks=agenda.agenda_checks(session, consultation),
        closed=consultation.state == ConsultationState.closed,
        seats=committee.committee(session, consultation),
    )


@router.post("/c/{slug}/committee/finalize")
def finalize(slug: str, viewer: CurrentViewer, _: CheckedForm, session: SessionDep) -> Response:
    access = managed_for(session, slug, viewer)
    try:
        agenda.finalize(session, consultation=access.consultation, actor=access.actor)
    except Blocked as exc:
        return workspace(viewer, session, access, status=409, refused=exc.detail)
    return redirect(viewer, f"/c/{slug}/agenda", flash="finalized")


form_address(router, "/c/{slug}/committee/from-ranking", lambda slug: f"/c/{slug}/committee")
