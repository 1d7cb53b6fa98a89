from fastapi import APIRouter

from app.committee import service
from app.committee.schemas import CommitteePublic
from app.consultations.dependencies import VisibleConsultation
from app.deps import SessionDep
from app.openapi import problems

router = APIRouter(prefix="/consultations/{slug}/committee", tags=["committee"])


@router.get("", responses=problems(401, 404))
def read_committee(access: VisibleConsultation, session: SessionDep) -> CommitteePublic:
    """The program committee by stakeholder group, with the vacancies of each group."""
    return service.committee(session, access.consultation)
