"""The session editor: one form for a session's title, format, slot, room, questions and
people, validated by the API's SessionUpdate and saved by agenda.service.update_session; and
sessions added, deleted and reordered by hand. Read-only once the agenda is finalized."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from app.agenda import service as agenda
from app.agenda.schemas import SessionCreate, SessionPublic, SessionUpdate
from app.consultations.dependencies import Access
from app.deps import PathId, SessionDep
from app.errors import Invalid
from app.translations import SESSION_FIELDS
from app.vocabulary import ConsultationState, PersonRole, SessionFormat, StakeholderGroup
from app.web.forms import FieldErrors, Message
from app.web.i18n import N_
from app.web.pages.committee import workspace
from app.web.pages.common import (
    datetime_local,
    form_address,
    lines,
    managed_for,
    moved,
    other_languages,
    page_router,
    render_consultation,
    submitted_translations,
    translation_values,
    translations_payload,
)
from app.web.rendering import redirect
from app.web.visitors import CheckedForm, CurrentViewer, Viewer, text

router = page_router()
BLANK_ROWS = 3
PERSON_FIELDS = ("role", "name", "organization", "country", "stakeholder_group")
MAX_ROWS = 100


def _values(public: SessionPublic, zone: str) -> dict[str, Any]:
    return {
        "title": public.title,
        "format": public.format.value,
        "starts_at": datetime_local(public.starts_at, zone),
        "ends_at": datetime_local(public.ends_at, zone),
        "room": public.room or "",
        "description": public.description or "",
        "questions": "\n".join(public.questions),
        "people": [
            {k: ("" if v is None else str(v)) for k, v in p.model_dump(mode="json").items()}
            for p in public.people
        ],
    }


def _editor(
    viewer: Viewer,
    access: Access,
    public: SessionPublic,
    values: dict[str, Any],
    *,
    errors: FieldErrors | None = None,
    status: int = 200,
    saved: bool = False,
) -> Response:
    people = values["people"] + [dict.fromkeys(PERSON_FIELDS, "") for _ in range(BLANK_ROWS)]
    return render_consultation(
        viewer,
        access,
        "session.html",
        status=status,
        item=public,
        values=values,
        others=other_languages(access.consultation),
        people=people,
        errors=errors,
        saved=saved,
        editable=access.consultation.state != ConsultationState.finalized,
        formats=[f.value for f in SessionFormat],
        roles=[r.value for r in PersonRole],
        groups=[g.value for g in StakeholderGroup],
    )


@router.get("/c/{slug}/committee/sessions/{session_id}")
def session_page(
    slug: str, session_id: PathId, viewer: CurrentViewer, session: SessionDep, saved: int = 0
) -> Response:
    access = managed_for(session, slug, viewer)
    public = agenda.to_public(agenda.get_session(session, access.consultation, session_id))
    values = _values(public, access.consultation.timezone)
    values |= translation_values(access.consultation, public.translations, SESSION_FIELDS)
    return _editor(viewer, access, public, values, saved=bool(saved))


def _submitted(form: FormData) -> dict[str, Any]:
    rows = []
    for i in range(MAX_ROWS):
        if f"people-{i}-name" not in form:
            break
        rows.append({f: text(form, f"people-{i}-{f}") for f in PERSON_FIELDS})
    values: dict[str, Any] = {
        f: text(form, f)
        for f in ("title", "format", "starts_at", "ends_at", "room", "description", "questions")
    }
    values["people"] = [row for row in rows if row["name"]]
    return values | submitted_translations(form, SESSION_FIELDS)


def _payload(values: dict[str, Any], zone: str, errors: FieldErrors) -> dict[str, Any]:
    """The form's values in the API's shape; times are read in the event's time zone (a time
    that does not parse is left out of the payload and reported here)."""
    payload: dict[str, Any] = {
        "title": values["title"],
        "format": values["format"],
        "room": values["room"] or None,
        "description": values["description"] or None,
        "questions": lines(values["questions"]),
        "people": [{k: v or None for k, v in row.items()} for row in values["people"]],
    }
    translations = translations_payload(values, SESSION_FIELDS, lists={"questions"})
    if translations:
        payload["translations"] = translations
    for name in ("starts_at", "ends_at"):
        payload[name] = None
        if values[name]:
            try:
                payload[name] = datetime.fromisoformat(values[name]).replace(tzinfo=ZoneInfo(zone))
            except ValueError:
                errors.add(name, Message(N_("Enter a date and time.")))
    return payload


def _every_error(access: Access, payload: dict[str, Any], errors: FieldErrors) -> SessionUpdate:
    """Field errors and rule errors in one answer: the schema's (with its own rules), then
    the event's dates, checked on whatever times could be read."""
    consultation = access.consultation
    data = None
    try:
        data = SessionUpdate.model_validate(payload)
    except ValidationError as exc:
        errors.merge(FieldErrors.from_validation(exc))
    starts_at, ends_at = payload["starts_at"], payload["ends_at"]
    if agenda.outside_event(consultation, starts_at, ends_at) and not errors.get("starts_at"):
        errors.add(
            "starts_at",
            Message(
                N_("The session must fall within the event's dates, %(first)s to %(last)s."),
                {"first": str(consultation.starts_on), "last": str(consultation.ends_on)},
            ),
        )
    return data if data is not None else SessionUpdate()


@router.post("/c/{slug}/committee/sessions/{session_id}")
def save_session(
    slug: str, session_id: PathId, viewer: CurrentViewer, form: CheckedForm, session: SessionDep
) -> Response:
    access = managed_for(session, slug, viewer)
    row = agenda.get_session(session, access.consultation, session_id)
    public = agenda.to_public(row)
    values = _submitted(form)
    errors = FieldErrors()
    payload = _payload(values, access.consultation.timezone, errors)
    data = _every_error(access, payload, errors)
    if not errors:
        try:
            agenda.update_session(
                session, consultation=access.consultation, row=row, data=data, actor=access.actor
            )
        except Invalid as exc:
            errors = FieldErrors.from_invalid(exc, fallback="form")
    if errors:
        return _editor(viewer, access, public, values, errors=errors, status=422)
    return redirect(viewer, f"/c/{slug}/committee/sessions/{session_id}?saved=1")


@router.post("/c/{slug}/committee/sessions")
def add_session(
    slug: str, viewer: CurrentViewer, form: CheckedForm, session: SessionDep
) -> Response:
    """A session by hand: a title and a format here, the rest in its editor."""
    access = managed_for(session, slug, viewer)
    title = text(form, "new-title")
    try:
        data = SessionCreate.model_validate({"title": title, "format": text(form, "new-format")})
    except ValidationError as exc:
        errors = FieldErrors(
            {f"new-{key}": messages for key, messages in FieldErrors.from_validation(exc).items()}
        )
        return workspace(viewer, session, access, status=422, errors=errors, new_title=title)
    row = agenda.create_session(
        session, consultation=access.consultation, data=data, actor=access.actor
    )
    return redirect(viewer, f"/c/{slug}/committee/sessions/{row.id}", flash="session-added")


@router.post("/c/{slug}/committee/sessions/{session_id}/delete")
def delete_session(
    slug: str, session_id: PathId, viewer: CurrentViewer, _: CheckedForm, session: SessionDep
) -> Response:
    access = managed_for(session, slug, viewer)
    row = agenda.get_session(session, access.consultation, session_id)
    agenda.delete_session(session, consultation=access.consultation, row=row, actor=access.actor)
    return redirect(viewer, f"/c/{slug}/committee#sessions", flash="session-deleted")


@router.post("/c/{slug}/committee/sessions/{session_id}/move")
def move_session(
    slug: str, session_id: PathId, viewer: CurrentViewer, form: CheckedForm, session: SessionDep
) -> Response:
    """One place up or down; the first cannot go up nor the last down (nothing changes)."""
    access = managed_for(session, slug, viewer)
    order = [r.id for r in agenda.sessions(session, access.consultation)]
    agenda.get_session(session, access.consultation, session_id)  # 404 for another's
    new = moved(order, session_id, text(form, "direction"))
    if new is not None:
        agenda.reorder_sessions(
            session, consultation=access.consultation, order=new, actor=access.actor
        )
    return redirect(viewer, f"/c/{slug}/committee#session-{session_id}", flash="session-moved")


for _path in (
    "/c/{slug}/committee/sessions",
    "/c/{slug}/committee/sessions/{session_id}/delete",
    "/c/{slug}/committee/sessions/{session_id}/move",
):
    form_address(router, _path, lambda slug, **_: f"/c/{slug}/committee#sessions")
