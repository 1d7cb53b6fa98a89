from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app import ordering
from app.agenda import checks, cutline, report
from app.agenda.models import AgendaSession, SessionPerson
from app.agenda.schemas import (
    ENDS_BEFORE_START,
    AgendaChecks,
    AgendaPublic,
    CheckProblem,
    FromRanking,
    Origin,
    OriginAgreement,
    PanelBalance,
    Person,
    SessionCreate,
    SessionPublic,
    SessionUpdate,
)
from app.audit import service as audit
from app.auth.models import Account
from app.committee import service as committee
from app.consultations import lifecycle
from app.consultations import service as consultations
from app.consultations.models import Consultation, Topic
from app.errors import Blocked, Invalid, NotFound, Tied, WrongState
from app.proposals.models import Proposal
from app.results import service as results
from app.results.schemas import Agreement
from app.translations import (
    CONSULTATION_FIELDS,
    SESSION_FIELDS,
    TOPIC_FIELDS,
    shown_in,
    shown_language,
    text_in,
    updated,
)


def sessions(session: Session, consultation: Consultation) -> list[AgendaSession]:
    return list(
        session.scalars(
            select(AgendaSession)
            .where(AgendaSession.consultation_id == consultation.id)
            .options(selectinload(AgendaSession.people))
            .order_by(AgendaSession.position, AgendaSession.id)
        )
    )


def to_public(
    row: AgendaSession, original_language: str = "en", lang: str | None = None
) -> SessionPublic:
    """The session; with `lang`, its texts in that language where translated."""
    origin = None
    if row.origin_method is not None:
        assert row.origin_rank is not None
        assert row.origin_score is not None
        assert row.origin_computed_at is not None
        origin = Origin(
            method=row.origin_method,
            rank=row.origin_rank,
            score=row.origin_score,
            computed_at=row.origin_computed_at,
            agreement=None
            if row.origin_agreement is None
            else OriginAgreement.model_validate(row.origin_agreement),
        )
    stored = row.translations or {}
    texts = {"title": row.title, "description": row.description, "questions": list(row.questions)}
    shown = {f: text_in(texts[f], f, stored, lang) for f in SESSION_FIELDS}
    return SessionPublic(
        id=row.id,
        title=shown["title"],
        topic_id=row.topic_id,
        format=row.format,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        room=row.room,
        description=shown["description"],
        questions=list(shown["questions"]),
        people=[Person.model_validate(p) for p in row.people],
        position=row.position,
        origin=origin,
        language=shown_language(original_language, stored, SESSION_FIELDS, texts, lang),
        translations=stored,
    )


def agenda(session: Session, consultation: Consultation, lang: str | None = None) -> AgendaPublic:
    return AgendaPublic(
        state=consultation.state,
        sessions=[
            to_public(s, consultation.language, lang) for s in sessions(session, consultation)
        ],
    )


def is_public(consultation: Consultation) -> bool:
    return lifecycle.agenda_final(consultation.state)


def _require_editable(consultation: Consultation) -> None:
    if lifecycle.agenda_final(consultation.state):
        raise WrongState(
            "The agenda is finalized and can no longer change.", state=consultation.state
        )


def _event(consultation: Consultation) -> checks.Event:
    return checks.Event(consultation.starts_on, consultation.ends_on, consultation.timezone)


def outside_event(
    consultation: Consultation, starts_at: datetime | None, ends_at: datetime | None
) -> bool:
    """Whether a session at these times would fall outside the event's dates."""
    slot = checks.SessionSlot(0, "", starts_at, ends_at, ())
    return checks.outside_event(slot, _event(consultation))


def _check_times(
    consultation: Consultation, starts_at: datetime | None, ends_at: datetime | None
) -> None:
    if starts_at and ends_at and ends_at <= starts_at:
        raise Invalid(ENDS_BEFORE_START, loc=("body", "ends_at"))
    if outside_event(consultation, starts_at, ends_at):
        raise Invalid(
            f"The session must fall within the event's dates, {consultation.starts_on} to "
            f"{consultation.ends_on} ({consultation.timezone}).",
            loc=("body", "starts_at"),
        )


def _check_topic(session: Session, consultation: Consultation, topic_id: int | None) -> None:
    if topic_id is None:
        return
    topic = session.get(Topic, topic_id)
    if topic is None or topic.consultation_id != consultation.id:
        raise Invalid(f"No topic {topic_id} in this consultation.", loc=("body", "topic_id"))


def _people(people: list[Person]) -> list[SessionPerson]:
    return [SessionPerson(**p.model_dump(mode="json"), position=i) for i, p in enumerate(people)]


def _next_position(session: Session, consultation: Consultation) -> int:
    last = session.scalar(
        select(func.max(AgendaSession.position)).where(
            AgendaSession.consultation_id == consultation.id
        )
    )
    return 0 if last is None else last + 1


def get_session(session: Session, consultation: Consultation, session_id: int) -> AgendaSession:
    row = session.scalar(
        select(AgendaSession)
        .where(AgendaSession.id == session_id, AgendaSession.consultation_id == consultation.id)
        .options(selectinload(AgendaSession.people))
    )
    if row is None:
        raise NotFound(f"No session {session_id} in this agenda.")
    return row


def create_session(
    session: Session, *, consultation: Consultation, data: SessionCreate, actor: Account
) -> AgendaSession:
    _require_editable(consultation)
    _check_times(consultation, data.starts_at, data.ends_at)
    _check_topic(session, consultation, data.topic_id)
    row = AgendaSession(
        consultation_id=consultation.id,
        **data.model_dump(exclude={"people", "position", "translations"}, mode="python"),
        translations=updated(None, data.translations),
        people=_people(data.people),
        position=_next_position(session, consultation) if data.position is None else data.position,
    )
    session.add(row)
    session.flush()
    audit.item_event(session, consultation, "session", "create", row, actor=actor)
    return row


NOT_NULL = frozenset({"title", "format", "questions", "people", "position"})


def update_session(
    session: Session,
    *,
    consultation: Consultation,
    row: AgendaSession,
    data: SessionUpdate,
    actor: Account,
) -> AgendaSession:
    _require_editable(consultation)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True, mode="python")
    for field in NOT_NULL & changes.keys():
        if changes[field] is None:
            raise Invalid(f"{field} cannot be null.", loc=("body", field))
    _check_times(
        consultation,
        changes.get("starts_at", row.starts_at),
        changes.get("ends_at", row.ends_at),
    )
    _check_topic(session, consultation, changes.get("topic_id"))
    if "people" in changes:
        row.people = _people(data.people or [])
        del changes["people"]
    if "translations" in changes:
        changes["translations"] = updated(row.translations, data.translations)
    for field, value in changes.items():
        setattr(row, field, value)
    session.flush()
    audit.item_event(
        session, consultation, "session", "update", row, actor=actor, fields=data.model_fields_set
    )
    return row


def reorder_sessions(
    session: Session, *, consultation: Consultation, order: list[int], actor: Account
) -> None:
    """Puts the sessions in `order` (every session's id, once): each whose place changes gets
    its new position through update_session, so each move is checked and audited."""
    for row, position in ordering.moves(sessions(session, consultation), order, noun="session"):
        update_session(
            session,
            consultation=consultation,
            row=row,
            data=SessionUpdate(position=position),
            actor=actor,
        )


def delete_session(
    session: Session, *, consultation: Consultation, row: AgendaSession, actor: Account
) -> None:
    _require_editable(consultation)
    session.delete(row)
    audit.item_event(session, consultation, "session", "delete", row, actor=actor)


def from_ranking(
    session: Session, *, consultation: Consultation, data: FromRanking, actor: Account
) -> list[AgendaSession]:
    """One draft session per top-ranked topic that has none yet, in rank order, each recording
    the ranking that put it there and which methods had it in the top then. A tie across the
    cut line is refused unless included."""
    if not lifecycle.sessions_from_ranking(consultation.state):
        raise WrongState(
            "Sessions come from the ranking once the consultation is closed.",
            state=consultation.state,
        )
    method = results.method_or_default(consultation, data.method, loc=("body", "method"))
    top = data.top or consultation.agenda_size
    ranking = results.ranking(session, consultation, method=method)
    ranked = [e for e in ranking.entries if e.rank is not None]
    line = cutline.cut(ranked, top)
    chosen = ranked[:top]
    if line.tied_rank is not None:
        tied = [e for e in ranked if line.straddles(e)]
        if not data.include_ties:
            raise Tied(
                f"Topics tied at rank {line.tied_rank} straddle the cut at {top}: "
                + ", ".join(e.topic.title for e in tied)
                + ". Choose with include_ties, another method or another size.",
                tied=[{"id": e.topic.id, "title": e.topic.title} for e in tied],
            )
        chosen = [e for e in ranked if e.rank is not None and e.rank <= line.tied_rank]
    have_session = set(
        session.scalars(
            select(AgendaSession.topic_id).where(
                AgendaSession.consultation_id == consultation.id,
                AgendaSession.topic_id.is_not(None),
            )
        )
    )
    new = [entry for entry in chosen if entry.topic.id not in have_session]
    agreement = results.agreement(session, consultation, top=top) if new else None
    position = _next_position(session, consultation)
    created = []
    for entry in new:
        assert agreement is not None
        assert entry.rank is not None
        assert entry.score is not None
        row = AgendaSession(
            consultation_id=consultation.id,
            topic_id=entry.topic.id,
            title=entry.topic.title,
            position=position,
            questions=[],
            people=[],
            origin_method=method,
            origin_rank=entry.rank,
            origin_score=entry.score,
            origin_computed_at=ranking.computed_at,
            origin_agreement=_origin_agreement(agreement, entry.topic.id).model_dump(),
        )
        session.add(row)
        position += 1
        created.append(row)
    session.flush()
    if created:
        audit.consultation_event(
            session,
            consultation,
            "agenda.from_ranking",
            actor=actor,
            target=("agenda", None),
            detail={
                "method": method,
                "top": top,
                "sessions": [r.id for r in created],
                "ballot_digest": ranking.ballot_digest,
            },
        )
    return created


def _origin_agreement(agreement: Agreement, topic_id: int) -> OriginAgreement:
    if topic_id in agreement.in_all:
        in_top = list(agreement.methods)
    else:
        in_top = next((d.methods for d in agreement.in_some if d.topic_id == topic_id), [])
    return OriginAgreement(top=agreement.top, methods=agreement.methods, in_top=in_top)


def _slots(rows: list[AgendaSession]) -> list[checks.SessionSlot]:
    return [
        checks.SessionSlot(
            r.id,
            r.title,
            r.starts_at,
            r.ends_at,
            [checks.PersonSlot(p.role, p.name, p.country, p.stakeholder_group) for p in r.people],
            r.topic_id,
        )
        for r in rows
    ]


def _problems(found: list[checks.Problem]) -> list[CheckProblem]:
    return [
        CheckProblem(code=p.code, message=p.message, session_ids=list(p.session_ids)) for p in found
    ]


def agenda_checks(session: Session, consultation: Consultation) -> AgendaChecks:
    report = checks.check(_slots(sessions(session, consultation)), _event(consultation))
    return AgendaChecks(
        finalizable=not report.blocking,
        blocking=_problems(report.blocking),
        balance=[PanelBalance(**vars(b)) for b in report.balance],
        busy_people=report.busy_people,
        advice=_problems(report.advice),
    )


def finalize(session: Session, *, consultation: Consultation, actor: Account) -> AgendaPublic:
    consultations.lock(session, consultation)
    try:
        lifecycle.next_state(consultation.state, lifecycle.Move.finalize)
    except lifecycle.IllegalMove as exc:
        raise WrongState(str(exc), state=consultation.state) from exc
    report = agenda_checks(session, consultation)
    if report.blocking:
        raise Blocked(
            f"The agenda has {len(report.blocking)} blocking problem(s).",
            problems=[p.model_dump() for p in report.blocking],
        )
    consultations.move(
        session, consultation=consultation, move=lifecycle.Move.finalize, actor=actor
    )
    return agenda(session, consultation)


def final_report(session: Session, consultation: Consultation, lang: str | None = None) -> str:
    """report.md: with the ranking the sessions came from (else the default method's); with
    `lang`, the texts in that language where translated."""
    topics = {
        t.id: shown_in(t, TOPIC_FIELDS, lang)
        for t in consultations.list_topics(session, consultation)
    }
    rows = [shown_in(r, SESSION_FIELDS, lang) for r in sessions(session, consultation)]
    counts = consultations.counts(session, [consultation.id])[consultation.id]
    ranking = None
    if counts.ratings:
        origin = next((r.origin_method for r in rows if r.origin_method), None)
        method = results.method_or_default(consultation, origin)
        ranking = results.ranking(session, consultation, method=method)
    seats = committee.seats(session, consultation)
    origins = consultations.topic_origins(session, list(topics.values()))
    proposals = proposal_counts(session, consultation)
    shown = shown_in(consultation, CONSULTATION_FIELDS, lang)
    return report.report_md(
        shown, seats, rows, topics, counts, ranking, origins=origins, proposals=proposals
    )


def proposal_counts(session: Session, consultation: Consultation) -> dict[str, int]:
    """How many proposals the call for topics received, by status."""
    rows = session.execute(
        select(Proposal.status, func.count())
        .where(Proposal.consultation_id == consultation.id)
        .group_by(Proposal.status)
    )
    return dict(rows.all())
