"""Loads the editions in seed/ (one JSON file each) idempotently: an edition whose slug already
exists is left exactly as it is."""

import json
from collections import Counter
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.agenda.models import AgendaSession, SessionPerson
from app.agenda.schemas import Person
from app.audit import service as audit
from app.committee.models import Seat
from app.committee.schemas import SeatCreate
from app.consultations.models import Consultation, Topic
from app.consultations.schemas import Background, Slug
from app.vocabulary import COMMITTEE_GROUPS, ConsultationState, SessionFormat


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SeedConsultation(Background, _Strict):
    slug: Slug
    state: ConsultationState
    starts_on: date
    ends_on: date


class SeedTopic(_Strict):
    title: str
    description: str | None = None


class SeedSession(_Strict):
    title: str
    topic: str | None
    format: SessionFormat
    description: str | None = None
    questions: list[str]
    people: list[Person]


class Edition(_Strict):
    source: str
    consultation: SeedConsultation
    topics: list[SeedTopic]
    committee: list[SeatCreate]
    sessions: list[SeedSession]


def read_edition(path: Path) -> Edition:
    edition = Edition.model_validate(json.loads(path.read_text(encoding="utf-8")))
    titles = {t.title for t in edition.topics}
    unknown = [s.topic for s in edition.sessions if s.topic is not None and s.topic not in titles]
    if unknown:
        raise ValueError(f"{path.name}: sessions name unknown topics: {unknown}")
    if any(s.stakeholder_group not in COMMITTEE_GROUPS for s in edition.committee):
        raise ValueError(f"{path.name}: a committee seat outside the four committee groups")
    return edition


def load_edition(session: Session, edition: Edition) -> bool:
    """Adds the edition if its slug is absent; returns whether anything was added."""
    data = edition.consultation
    exists = session.scalar(select(Consultation.id).where(Consultation.slug == data.slug))
    if exists is not None:
        return False
    consultation = Consultation(**data.model_dump())
    session.add(consultation)
    session.flush()
    topic_ids: dict[str, int] = {}
    for position, item in enumerate(edition.topics):
        topic = Topic(
            consultation_id=consultation.id,
            title=item.title,
            description=item.description,
            position=position,
        )
        session.add(topic)
        session.flush()
        topic_ids[item.title] = topic.id
    seat_numbers: Counter[str] = Counter()
    for member in edition.committee:
        seat_numbers[member.stakeholder_group] += 1
        session.add(
            Seat(
                consultation_id=consultation.id,
                stakeholder_group=member.stakeholder_group.value,
                seat_number=seat_numbers[member.stakeholder_group],
                name=member.name,
                organization=member.organization,
                country=member.country,
            )
        )
    for position, entry in enumerate(edition.sessions):
        session.add(
            AgendaSession(
                consultation_id=consultation.id,
                topic_id=topic_ids[entry.topic] if entry.topic else None,
                title=entry.title,
                format=entry.format.value,
                description=entry.description,
                questions=entry.questions,
                position=position,
                people=[
                    SessionPerson(**person.model_dump(mode="json"), position=i)
                    for i, person in enumerate(entry.people)
                ],
            )
        )
    session.flush()
    audit.consultation_event(
        session,
        consultation,
        "consultation.seed",
        actor=None,
        detail={
            "source": edition.source,
            "topics": len(edition.topics),
            "committee_seats": len(edition.committee),
            "sessions": len(edition.sessions),
        },
    )
    return True


def seed_files(seed_dir: Path) -> list[Path]:
    return sorted(seed_dir.glob("*.json"))


def load_all(session: Session, seed_dir: Path) -> list[str]:
    """Loads every edition in `seed_dir`; returns the slugs that were added."""
    added = []
    for path in seed_files(seed_dir):
        edition = read_edition(path)
        if load_edition(session, edition):
            added.append(edition.consultation.slug)
    return added
