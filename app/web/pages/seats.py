"""The program committee: seats by stakeholder group with their vacancies; admins seat and
unseat members (committee.service, validated by the API's SeatCreate)."""

from fastapi import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.auth.dependencies import MailerDep
from app.committee import service as committee
from app.committee.schemas import SeatCreate
from app.consultations.dependencies import Access
from app.deps import PathId, SessionDep
from app.errors import Conflict, Invalid
from app.vocabulary import COMMITTEE_GROUPS
from app.web.forms import FieldErrors, Message
from app.web.pages.common import (
    administered_for,
    form_address,
    managed_for,
    page_router,
    render_consultation,
)
from app.web.rendering import redirect
from app.web.visitors import CheckedForm, CurrentViewer, Viewer, text

router = page_router()
FIELDS = ("name", "stakeholder_group", "organization", "country", "email")


def _page(
    viewer: Viewer,
    session: Session,
    access: Access,
    *,
    values: dict[str, str] | None = None,
    errors: FieldErrors | None = None,
    status: int = 200,
) -> Response:
    return render_consultation(
        viewer,
        access,
        "seats.html",
        status=status,
        committee=committee.committee(session, access.consultation),
        groups=[g.value for g in COMMITTEE_GROUPS],
        is_admin=access.is_admin,
        values=values or dict.fromkeys(FIELDS, ""),
        errors=errors,
    )


@router.get("/c/{slug}/seats")
def seats_page(slug: str, viewer: CurrentViewer, session: SessionDep) -> Response:
    return _page(viewer, session, managed_for(session, slug, viewer))


@router.post("/c/{slug}/seats")
def seat_member(
    slug: str, viewer: CurrentViewer, form: CheckedForm, session: SessionDep, mailer: MailerDep
) -> Response:
    access = administered_for(session, slug, viewer)
    values = {name: text(form, name) for name in FIELDS}
    errors = FieldErrors()
    invited = False
    try:
        data = SeatCreate.model_validate({k: v for k, v in values.items() if v})
        seat = committee.seat(
            session,
            consultation=access.consultation,
            data=data,
            actor=access.actor,
            mailer=mailer,
            language=viewer.lang,
        )
        invited = seat.invited_email is not None
    except ValidationError as exc:
        errors = FieldErrors.from_validation(exc)
    except Invalid as exc:
        errors = FieldErrors.from_invalid(exc, fallback="form")
    except Conflict as exc:  # a full group, or an account seated twice
        errors.add("form", Message(exc.detail))
    if errors:
        return _page(viewer, session, access, values=values, errors=errors, status=422)
    return redirect(viewer, f"/c/{slug}/seats", flash="invited" if invited else "seated")


@router.post("/c/{slug}/seats/{member_id}/unseat")
def unseat_member(
    slug: str, member_id: PathId, viewer: CurrentViewer, _: CheckedForm, session: SessionDep
) -> Response:
    access = administered_for(session, slug, viewer)
    committee.unseat(
        session, consultation=access.consultation, member_id=member_id, actor=access.actor
    )
    return redirect(viewer, f"/c/{slug}/seats", flash="unseated")


form_address(router, "/c/{slug}/seats/{member_id}/unseat", lambda slug, **_: f"/c/{slug}/seats")
