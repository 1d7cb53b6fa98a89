from fastapi import APIRouter, Request, Response

from app.auth.dependencies import MailerDep
from app.committee import service
from app.committee.schemas import CommitteePublic, MemberPublic, SeatCreate
from app.consultations.dependencies import AdministeredConsultation, VisibleConsultation
from app.deps import PathId, SessionDep
from app.openapi import problems
from app.web.i18n import request_language

router = APIRouter(prefix="/consultations/{slug}/committee", tags=["committee"])


@router.get("", responses=problems(401, 403, 404, 422))
def read_committee(access: VisibleConsultation, session: SessionDep) -> CommitteePublic:
    """The program committee by stakeholder group, with the vacancies of each group."""
    return service.committee(session, access.consultation)


@router.post("", status_code=201, responses=problems(400, 401, 403, 404, 409, 413, 422))
def seat_member(
    data: SeatCreate,
    request: Request,
    access: AdministeredConsultation,
    session: SessionDep,
    mailer: MailerDep,
) -> MemberPublic:
    """Seat a member. With `email`: linked at once to the account with that verified email,
    which gains committee powers on this consultation only; otherwise `invited: true`, an
    invitation is mailed, and the seat links when that email registers and is verified.
    Without `email` the seat is a record."""
    member = service.seat(
        session,
        consultation=access.consultation,
        data=data,
        actor=access.actor,
        mailer=mailer,
        language=request_language(request),
    )
    return service.member_public(member)


@router.delete("/{member_id}", status_code=204, responses=problems(401, 403, 404, 422))
def unseat_member(
    member_id: PathId, access: AdministeredConsultation, session: SessionDep
) -> Response:
    """Unseat a member; a linked account loses its committee powers here."""
    service.unseat(
        session, consultation=access.consultation, member_id=member_id, actor=access.actor
    )
    return Response(status_code=204)
