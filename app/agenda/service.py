from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.agenda.models import AgendaSession
from app.agenda.schemas import AgendaPublic, Origin, Person, SessionPublic
from app.consultations.models import Consultation
from app.vocabulary import ConsultationState


def sessions(session: Session, consultation: Consultation) -> list[AgendaSession]:
    return list(
        session.scalars(
            select(AgendaSession)
            .where(AgendaSession.consultation_id == consultation.id)
            .options(selectinload(AgendaSession.people))
            .order_by(AgendaSession.position, AgendaSession.id)
        )
    )


def to_public(row: AgendaSession) -> SessionPublic:
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
        )
    return SessionPublic(
        id=row.id,
        title=row.title,
        topic_id=row.topic_id,
        format=row.format,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        room=row.room,
        description=row.description,
        questions=list(row.questions),
        people=[Person.model_validate(p) for p in row.people],
        position=row.position,
        origin=origin,
    )


def agenda(session: Session, consultation: Consultation) -> AgendaPublic:
    return AgendaPublic(
        state=ConsultationState(consultation.state),
        sessions=[to_public(s) for s in sessions(session, consultation)],
    )


def is_public(consultation: Consultation) -> bool:
    return consultation.state == ConsultationState.finalized
