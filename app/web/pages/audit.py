"""The audit log of a consultation, oldest first, a page at a time (audit.service.entries)."""

from fastapi import Response

from app.audit import service as audit
from app.deps import SessionDep
from app.web.pages.common import managed_for, page_router, render_consultation
from app.web.visitors import CurrentViewer

router = page_router()
PER_PAGE = 50


@router.get("/c/{slug}/audit")
def audit_page(slug: str, viewer: CurrentViewer, session: SessionDep, page: int = 1) -> Response:
    access = managed_for(session, slug, viewer)
    page = max(page, 1)
    rows, total = audit.entries(
        session,
        consultation_id=access.consultation.id,
        limit=PER_PAGE,
        offset=(page - 1) * PER_PAGE,
    )
    return render_consultation(
        viewer,
        access,
        "audit.html",
        entries=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
    )
