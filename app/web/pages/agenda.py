"""The published agenda: sessions in order, with their people by role and key questions."""

from fastapi import Response

from app.agenda import service as agenda
from app.deps import SessionDep
from app.web.i18n import N_
from app.web.pages.common import consultation_for, not_yet, page_router, render_consultation, tabs
from app.web.visitors import CurrentViewer

router = page_router()


@router.get("/c/{slug}/agenda")
def agenda_page(slug: str, viewer: CurrentViewer, session: SessionDep) -> Response:
    access = consultation_for(session, slug, viewer)
    consultation = access.consultation
    if not tabs(access).agenda:  # the same rule as its tab
        return not_yet(
            viewer,
            access,
            current="agenda",
            heading=N_("Agenda"),
            message=N_("The agenda is published when the committee finalizes it."),
        )
    return render_consultation(
        viewer,
        access,
        "agenda.html",
        sessions=[
            agenda.to_public(row, consultation.language, viewer.lang)
            for row in agenda.sessions(session, consultation)
        ],
        published=agenda.is_public(consultation),
    )
