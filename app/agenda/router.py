from fastapi import APIRouter

from app.agenda import service
from app.agenda.schemas import AgendaPublic
from app.consultations.dependencies import VisibleConsultation
from app.deps import SessionDep
from app.openapi import problems

router = APIRouter(prefix="/consultations/{slug}", tags=["agenda"])


@router.get("/agenda", responses=problems(401, 403, 404))
def read_agenda(access: VisibleConsultation, session: SessionDep) -> AgendaPublic:
    """The agenda in order: public once finalized; the committee and admins see it any time."""
    if not (service.is_public(access.consultation) or access.can_manage):
        raise access.deny("The agenda is published when the consultation is finalized.")
    return service.agenda(session, access.consultation)
