from datetime import datetime
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from app.text import Description, Name, Organization, Question, Title
from app.translations import Lang, SessionTexts
from app.vocabulary import (
    ConsultationState,
    CountryCode,
    Id,
    Moment,
    PersonRole,
    SessionFormat,
    StakeholderGroup,
)


class Person(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="forbid")

    role: PersonRole
    name: Name
    organization: Organization | None = None
    country: CountryCode | None = None
    stakeholder_group: StakeholderGroup | None = None


class OriginAgreement(BaseModel):
    """Which scoring methods had the topic in the top when the session was created."""

    top: int = Field(description="The cut line at which the methods were compared")
    methods: list[str] = Field(description="Every method compared")
    in_top: list[str] = Field(description="The methods under which the topic was in the top")


class Origin(BaseModel):
    method: str
    rank: int
    score: float
    computed_at: datetime
    agreement: OriginAgreement | None = Field(
        default=None, description="The method agreement then; null for older sessions"
    )


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
    language: str | None = Field(
        default=None, description="The language of the texts shown (see the consultation's)"
    )
    translations: dict[str, dict[str, Any]] = Field(default_factory=dict)


class AgendaPublic(BaseModel):
    state: ConsultationState
    sessions: list[SessionPublic]


Room = Name


SessionTime = Moment


ENDS_BEFORE_START = "A session must end after it starts."


def _ends_after_start(ends_at: datetime | None, info: ValidationInfo) -> datetime | None:
    """A field validator, not a model one: it runs even when other fields are invalid, so one
    answer reports every error."""
    starts_at = info.data.get("starts_at")
    if ends_at is not None and starts_at is not None and ends_at <= starts_at:
        raise ValueError(ENDS_BEFORE_START)
    return ends_at


class SessionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    topic_id: Id | None = None
    format: SessionFormat = SessionFormat.panel
    starts_at: SessionTime | None = None
    ends_at: SessionTime | None = None
    room: Room | None = None
    description: Description | None = None
    questions: list[Question] = Field(default_factory=list, max_length=50)
    people: list[Person] = Field(default_factory=list, max_length=100)
    position: int | None = Field(default=None, ge=0, le=100_000)
    translations: dict[Lang, SessionTexts | None] | None = Field(
        default=None, description="{lang: {title, description, questions}}"
    )

    _ends = field_validator("ends_at")(_ends_after_start)


class SessionUpdate(BaseModel):
    """Only the fields given change; `people` and `questions` replace the whole list."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    topic_id: Id | None = None
    format: SessionFormat | None = None
    starts_at: SessionTime | None = None
    ends_at: SessionTime | None = None
    room: Room | None = None
    description: Description | None = None
    questions: list[Question] | None = Field(default=None, max_length=50)
    people: list[Person] | None = Field(default=None, max_length=100)
    position: int | None = Field(default=None, ge=0, le=100_000)
    translations: dict[Lang, SessionTexts | None] | None = Field(
        default=None,
        description="Replaces the given languages' translations; null for a language removes it",
    )

    _ends = field_validator("ends_at")(_ends_after_start)


class FromRanking(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: str | None = Field(default=None, description="Default: the consultation's method")
    top: int | None = Field(default=None, ge=1, le=1000, description="Default: agenda_size")
    include_ties: bool = False


class SessionPage(BaseModel):
    items: list[SessionPublic]
    total: int


class CheckProblem(BaseModel):
    code: str
    message: str
    session_ids: list[int]


class PanelBalance(BaseModel):
    session_id: int
    groups_covered: list[str]
    groups_missing: list[str]
    countries_covered: list[str]
    countries_missing: list[str]


class AgendaChecks(BaseModel):
    finalizable: bool
    blocking: list[CheckProblem]
    balance: list[PanelBalance]
    busy_people: dict[str, list[int]] = Field(
        description="People in three sessions or more, with the sessions' ids"
    )
    advice: list[CheckProblem] = Field(
        default_factory=list,
        description="Problems that never block, e.g. two sessions on the same topic at "
        "overlapping times (`topic_in_overlapping_sessions`)",
    )


class FrabSchedule(BaseModel):
    """The agenda in the frab/pretalx schedule format, as c3voc's schema.json (its address in
    `$schema`) defines it: the conference, its days, and each day's rooms and events."""

    model_config = ConfigDict(extra="allow")

    generator: dict[str, str]
    schedule: dict[str, Any]
