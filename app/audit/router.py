from fastapi import APIRouter

from app.audit import service
from app.audit.schemas import AuditEntryPublic
from app.consultations.dependencies import ManagedConsultation
from app.deps import PageWindow, SessionDep
from app.openapi import problems
from app.pagination import Page

router = APIRouter(prefix="/consultations/{slug}", tags=["audit"])


@router.get("/audit", responses=problems(401, 403, 404, 422))
def read_audit(
    access: ManagedConsultation, session: SessionDep, page: PageWindow
) -> Page[AuditEntryPublic]:
    """Every state-changing action on the consultation, oldest first; each entry carries the
    hash of the one before, so a removed or edited entry is detectable. Ballot writes are
    counted (in the close entry), never itemised."""
    rows, total = service.entries(
        session, consultation_id=access.consultation.id, limit=page.limit, offset=page.offset
    )
    return Page(items=[AuditEntryPublic.model_validate(r) for r in rows], total=total)
