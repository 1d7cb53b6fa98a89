from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.responses import JSONResponse

from app.agenda import calendar, schedule, service
from app.agenda.schemas import (
    AgendaChecks,
    AgendaPublic,
    FrabSchedule,
    FromRanking,
    SessionCreate,
    SessionPage,
    SessionPublic,
    SessionUpdate,
)
from app.consultations import service as consultations
from app.consultations.dependencies import Access, ManagedConsultation, VisibleConsultation
from app.deps import ContentLanguage, PathId, SessionDep
from app.downloads import attachment, file_route, inline
from app.openapi import problems
from app.translations import (
    CONSULTATION_FIELDS,
    SESSION_FIELDS,
    TOPIC_FIELDS,
    Lang,
    shown_in,
)

router = APIRouter(prefix="/consultations/{slug}", tags=["agenda"])


ExportLanguage = Annotated[
    Lang | None, Query(description="The texts in this language where translated")
]


def _require_agenda(access: Access) -> None:
    if not (service.is_public(access.consultation) or access.can_manage):
        raise access.deny("The agenda is published when the consultation is finalized.")


@router.get("/agenda", responses=problems(401, 403, 404, 422))
def read_agenda(
    access: VisibleConsultation, session: SessionDep, lang: ContentLanguage
) -> AgendaPublic:
    """The agenda in order: public once finalized; the committee and admins see it any time.
    With Accept-Language, the sessions' texts in that language where translated."""
    _require_agenda(access)
    return service.agenda(session, access.consultation, lang)


@router.post(
    "/agenda/from-ranking",
    status_code=201,
    response_model=SessionPage,
    responses={200: {"model": SessionPage}, **problems(400, 401, 403, 404, 409, 413, 422)},
)
def sessions_from_ranking(
    access: ManagedConsultation,
    session: SessionDep,
    lang: ContentLanguage,
    data: Annotated[FromRanking, Body(default_factory=FromRanking)],
) -> SessionPage | JSONResponse:
    """One draft session per top-ranked topic without a session, in rank order, each recording
    its origin. Only once closed; a tie across the cut is 409 unless `include_ties`."""
    created = service.from_ranking(
        session, consultation=access.consultation, data=data, actor=access.actor
    )
    if not created:
        return JSONResponse(SessionPage(items=[], total=0).model_dump(), status_code=200)
    original = access.consultation.language
    items = [service.to_public(row, original, lang) for row in created]
    return SessionPage(items=items, total=len(items))


@router.post(
    "/agenda/sessions", status_code=201, responses=problems(400, 401, 403, 404, 409, 413, 422)
)
def add_session(
    data: SessionCreate, access: ManagedConsultation, session: SessionDep, lang: ContentLanguage
) -> SessionPublic:
    """Add a session by hand."""
    row = service.create_session(
        session, consultation=access.consultation, data=data, actor=access.actor
    )
    return service.to_public(row, access.consultation.language, lang)


@router.patch("/agenda/sessions/{id}", responses=problems(400, 401, 403, 404, 409, 413, 422))
def edit_session(
    id: PathId,
    data: SessionUpdate,
    access: ManagedConsultation,
    session: SessionDep,
    lang: ContentLanguage,
) -> SessionPublic:
    """Edit a session (title, format, slot, room, questions, people…) until finalized."""
    row = service.get_session(session, access.consultation, id)
    service.update_session(
        session, consultation=access.consultation, row=row, data=data, actor=access.actor
    )
    return service.to_public(row, access.consultation.language, lang)


@router.delete(
    "/agenda/sessions/{id}", status_code=204, responses=problems(401, 403, 404, 409, 422)
)
def remove_session(id: PathId, access: ManagedConsultation, session: SessionDep) -> Response:
    """Remove a session until finalized."""
    row = service.get_session(session, access.consultation, id)
    service.delete_session(session, consultation=access.consultation, row=row, actor=access.actor)
    return Response(status_code=204)


@router.get("/agenda/checks", responses=problems(401, 403, 404, 422))
def check_agenda(access: ManagedConsultation, session: SessionDep) -> AgendaChecks:
    """Blocking problems (they keep finalize at 409) and advice on each panel's balance."""
    return service.agenda_checks(session, access.consultation)


@router.post("/agenda/finalize", responses=problems(401, 403, 404, 409, 422))
def finalize_agenda(access: ManagedConsultation, session: SessionDep) -> AgendaPublic:
    """Finalize: from `closed` with no blocking problem; the agenda becomes public and
    immutable. A 409 lists every blocking problem."""
    return service.finalize(session, consultation=access.consultation, actor=access.actor)


@file_route(router, "/agenda.ics", "text/calendar")
def agenda_calendar(
    access: VisibleConsultation, session: SessionDep, lang: ExportLanguage = None
) -> Response:
    """The sessions that have times, as iCalendar (RFC 5545); `lang` for the texts in that
    language where translated."""
    _require_agenda(access)
    consultation = access.consultation
    rows = [shown_in(r, SESSION_FIELDS, lang) for r in service.sessions(session, consultation)]
    body = calendar.agenda_ics(shown_in(consultation, CONSULTATION_FIELDS, lang), rows)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers=attachment(f"{consultation.slug}.ics"),
    )


@file_route(router, "/report.md", "text/markdown")
def final_report(
    access: VisibleConsultation, session: SessionDep, lang: ExportLanguage = None
) -> Response:
    """The final report in the shape of the 2017 report, as Markdown; `lang` for the texts in
    that language where translated (the ranking's numbers and the topic ids do not change)."""
    _require_agenda(access)
    body = service.final_report(session, access.consultation, lang)
    return Response(body, media_type="text/markdown; charset=utf-8")


def _schedule(
    access: Access, session: SessionDep, request: Request, lang: str | None
) -> schedule.Schedule:
    _require_agenda(access)
    consultation = access.consultation
    topics = {
        t.id: shown_in(t, TOPIC_FIELDS, lang).title
        for t in consultations.list_topics(session, consultation)
    }
    rows = [shown_in(r, SESSION_FIELDS, lang) for r in service.sessions(session, consultation)]
    return schedule.build(
        shown_in(consultation, CONSULTATION_FIELDS, lang), rows, topics, str(request.base_url)
    )


@file_route(router, "/schedule.json", "application/json", model=FrabSchedule)
def schedule_json(
    access: VisibleConsultation, session: SessionDep, request: Request, lang: ExportLanguage = None
) -> Response:
    """The agenda in the frab/pretalx schedule format (c3voc's schema.json), for conference
    apps: days, rooms and one event per session that has times, in the event's time zone,
    with guids that stay the same across exports. Visible as the agenda."""
    body = schedule.as_json(_schedule(access, session, request, lang))
    return JSONResponse(body, headers=inline("schedule.json"))


@file_route(router, "/schedule.xml", "application/xml")
def schedule_xml(
    access: VisibleConsultation, session: SessionDep, request: Request, lang: ExportLanguage = None
) -> Response:
    """The same schedule as frab/pretalx XML (c3voc's schedule.xml.xsd)."""
    body = schedule.as_xml(_schedule(access, session, request, lang))
    return Response(
        body,
        media_type="application/xml; charset=utf-8",
        headers=inline("schedule.xml"),
    )
