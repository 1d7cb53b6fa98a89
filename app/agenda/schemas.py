from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from app.vocabulary import (
    ConsultationState,
    CountryCode,
    PersonRole,
    SessionFormat,
    StakeholderGroup,
)

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Organization = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)
]


class Person(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="forbid")

    role: PersonRole
    name: Name
    organization: Organization | None = None
    country: CountryCode | None = None
    stakeholder_group: StakeholderGroup | None = None


class Origin(BaseModel):
    method: str
    rank: int
    score: float
    computed_at: datetime


class SessionPublic(BaseModel):
    id: int
    title: str
    topic_id: int | None
    format: SessionFormat
    starts_at: datetime | None
    ends_at: datetime | None
    room: str | None
    description: str | None
    questions: list[str]
    people: list[Person]
    position: int
    origin: Origin | None


class AgendaPublic(BaseModel):
    state: ConsultationState
    sessions: list[SessionPublic]
