from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal, Self
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from app.text import Description, Label, OneLine, Title
from app.translations import (
    CONSULTATION_FIELDS,
    TOPIC_FIELDS,
    ConsultationTexts,
    Lang,
    TopicTexts,
    shown_language,
    text_in,
)
from app.vocabulary import ConsultationState, CountryCode, Day, Moment

MAX_LEVELS = 11


def _known_method(name: str) -> str:
    from app.scoring import METHODS  # the registry is the single list of methods

    if name not in METHODS:
        raise ValueError(f"unknown scoring method; one of: {', '.join(METHODS)}")
    return name


def _known_timezone(name: str) -> str:
    if name not in available_timezones():
        raise ValueError("not an IANA time zone name (e.g. America/Panama)")
    return name


# Stored and answered in UTC, whatever offset it was given with.
UtcDatetime = Annotated[Moment, AfterValidator(lambda value: value.astimezone(UTC))]

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=2, max_length=100),
]
Text = Title
LongText = Description
MethodName = Annotated[
    str, AfterValidator(_known_method), Field(description="A name from GET /scoring/methods")
]
TimeZone = Annotated[str, AfterValidator(_known_timezone), Field(examples=["America/Panama"])]
Forum = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), OneLine
]
Edition = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50), OneLine
]


class Rules(BaseModel):
    """The settings that decide how ratings are cast and counted; they freeze at opening."""

    scale_min: int = Field(default=1, ge=-10, le=10)
    scale_max: int = Field(default=5, ge=-9, le=20)
    scale_labels: list[Label] | None = Field(
        default=None, description="One label per scale level, lowest first"
    )
    default_method: MethodName = "mean"
    prior_weight: float = Field(default=5, ge=0, le=1_000_000, allow_inf_nan=False)
    min_group_size: int = Field(default=5, ge=1, le=1_000_000)
    agenda_size: int = Field(default=6, ge=1, le=1000)
    seats_per_group: int = Field(default=3, ge=1, le=100)
    live_results: bool = False
    require_verified_email: bool = Field(
        default=True,
        description="Ballot writes and proposals need a verified email address",
    )
    max_proposals_per_participant: int = Field(
        default=3, ge=1, le=1000, description="How many topics one participant may propose"
    )

    # Field validators (they run even when other fields are invalid, so that one answer
    # reports every error); the model validator is the last word on the whole scale.
    @field_validator("scale_max")
    @classmethod
    def _levels(cls, scale_max: int, info: ValidationInfo) -> int:
        if "scale_min" in info.data:
            check_scale(info.data["scale_min"], scale_max, None)
        return scale_max

    @field_validator("scale_labels")
    @classmethod
    def _labels(cls, labels: list[str] | None, info: ValidationInfo) -> list[str] | None:
        if labels is not None and {"scale_min", "scale_max"} <= info.data.keys():
            lo, hi = info.data["scale_min"], info.data["scale_max"]
            if lo < hi and len(labels) != hi - lo + 1:
                raise ValueError(SCALE_LABELS_COUNT)
        return labels

    @model_validator(mode="after")
    def _scale(self) -> Self:
        check_scale(self.scale_min, self.scale_max, self.scale_labels)
        return self


SCALE_ORDER = "scale_min must be less than scale_max"
SCALE_SIZE = f"a scale has at most {MAX_LEVELS} levels"
SCALE_LABELS_COUNT = "scale_labels needs exactly one label per level"
DATES_ORDER = "ends_on must not be before starts_on"
MAX_EVENT_DAYS = 366  # the agenda and its schedules have a day each
DATES_SPAN = f"an event lasts at most {MAX_EVENT_DAYS} days"


def check_scale(lo: int, hi: int, labels: list[str] | None) -> None:
    if lo >= hi:
        raise ValueError(SCALE_ORDER)
    if hi - lo + 1 > MAX_LEVELS:
        raise ValueError(SCALE_SIZE)
    if labels is not None and len(labels) != hi - lo + 1:
        raise ValueError(SCALE_LABELS_COUNT)


def check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValueError(DATES_ORDER)
    if starts_on and ends_on and (ends_on - starts_on).days >= MAX_EVENT_DAYS:
        raise ValueError(DATES_SPAN)


class Background(BaseModel):
    """Descriptive fields, editable until the consultation is finalized."""

    title: Text
    forum: Forum
    edition: Edition
    city: Text | None = None
    country: CountryCode | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None
    timezone: TimeZone = "UTC"
    secretariat: Text | None = None
    description: LongText | None = None
    closes_at: UtcDatetime | None = Field(
        default=None, description="When ratings are due, shown to participants"
    )

    @field_validator("ends_on")
    @classmethod
    def _ends_on(cls, ends_on: date | None, info: ValidationInfo) -> date | None:
        check_dates(info.data.get("starts_on"), ends_on)
        return ends_on

    @model_validator(mode="after")
    def _dates(self) -> Self:
        check_dates(self.starts_on, self.ends_on)
        return self


class ConsultationCreate(Background, Rules):
    model_config = ConfigDict(extra="forbid")

    slug: Slug
    copy_topics_from: Slug | None = Field(
        default=None, description="Start the candidate topics from this earlier edition's"
    )
    language: Lang = Field(default="en", description="The language the texts are written in")
    translations: dict[Lang, ConsultationTexts | None] | None = Field(
        default=None, description="{lang: {title, description, scale_labels}}"
    )

    @model_validator(mode="after")
    def _translated_labels(self) -> Self:
        check_translated_labels(self.scale_min, self.scale_max, self.translations)
        return self


class ConsultationUpdate(BaseModel):
    """Only the fields given change. Rules (scale, method, sizes, live_results) only while
    draft; descriptive fields until finalized."""

    model_config = ConfigDict(extra="forbid")

    title: Text | None = None
    forum: Forum | None = None
    edition: Edition | None = None
    city: Text | None = None
    country: CountryCode | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None
    timezone: TimeZone | None = None
    secretariat: Text | None = None
    description: LongText | None = None
    closes_at: UtcDatetime | None = None
    scale_min: int | None = Field(default=None, ge=-10, le=10)
    scale_max: int | None = Field(default=None, ge=-9, le=20)
    scale_labels: list[Label] | None = None
    default_method: MethodName | None = None
    prior_weight: float | None = Field(default=None, ge=0, le=1_000_000, allow_inf_nan=False)
    min_group_size: int | None = Field(default=None, ge=1, le=1_000_000)
    agenda_size: int | None = Field(default=None, ge=1, le=1000)
    seats_per_group: int | None = Field(default=None, ge=1, le=100)
    live_results: bool | None = None
    require_verified_email: bool | None = None
    max_proposals_per_participant: int | None = Field(default=None, ge=1, le=1000)
    language: Lang | None = None
    translations: dict[Lang, ConsultationTexts | None] | None = Field(
        default=None,
        description="Replaces the given languages' translations; null for a language removes it",
    )


def check_translated_labels(
    scale_min: int, scale_max: int, translations: Mapping[Any, Any] | None
) -> None:
    """A translation of the scale's labels has one label per level, as the labels do."""
    for texts in (translations or {}).values():
        labels = (
            texts.get("scale_labels")
            if isinstance(texts, dict)
            else getattr(texts, "scale_labels", None)
        )
        if labels is not None and len(labels) != scale_max - scale_min + 1:
            raise ValueError(SCALE_LABELS_COUNT)


RULE_FIELDS = frozenset(Rules.model_fields)
NULLABLE_FIELDS = frozenset(
    {
        "city",
        "country",
        "starts_on",
        "ends_on",
        "secretariat",
        "description",
        "scale_labels",
        "closes_at",
        "translations",
    }
)


class Counts(BaseModel):
    topics: int
    participants: int
    ratings: int


class ConsultationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    slug: str
    title: str
    forum: str
    edition: str
    city: str | None
    country: str | None
    starts_on: date | None
    ends_on: date | None
    timezone: str
    secretariat: str | None
    description: str | None
    state: ConsultationState
    scale_min: int
    scale_max: int
    scale_labels: list[str] | None
    default_method: str
    prior_weight: float
    min_group_size: int
    agenda_size: int
    seats_per_group: int
    live_results: bool
    closes_at: datetime | None
    require_verified_email: bool
    max_proposals_per_participant: int
    created_at: datetime
    counts: Counts
    language: str = Field(
        description="The language of the texts shown: the original's, or the one asked for "
        "with Accept-Language when every text has a translation in it"
    )
    original_language: str
    translations: dict[str, dict[str, Any]]

    @classmethod
    def build(
        cls, consultation: Any, counts: Counts, lang: str | None = None
    ) -> "ConsultationPublic":
        skip = {"counts", "language", "original_language", "translations"}
        fields = {
            name: getattr(consultation, name) for name in cls.model_fields if name not in skip
        }
        stored = consultation.translations or {}
        shown = {f: text_in(fields[f], f, stored, lang) for f in CONSULTATION_FIELDS}
        language = shown_language(consultation.language, stored, CONSULTATION_FIELDS, fields, lang)
        return cls(
            **(fields | shown),
            counts=counts,
            language=language,
            original_language=consultation.language,
            translations=stored,
        )


TopicTitle = Text


class TopicCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: TopicTitle
    description: LongText | None = None
    position: int | None = Field(default=None, ge=0, le=100_000)
    translations: dict[Lang, TopicTexts | None] | None = Field(
        default=None, description="{lang: {title, description}}"
    )


class TopicUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: TopicTitle | None = None
    description: LongText | None = None
    position: int | None = Field(default=None, ge=0, le=100_000)
    translations: dict[Lang, TopicTexts | None] | None = Field(
        default=None,
        description="Replaces the given languages' translations; null for a language removes it",
    )


class TopicOrigin(BaseModel):
    """Where a candidate topic came from: typed in by the secretariat (or the committee), an
    accepted proposal (with the proposals merged into it), or an earlier edition's topic."""

    kind: Literal["secretariat", "proposal", "edition"]
    proposal_id: int | None = None
    merged_proposals: list[int] = Field(default_factory=list)
    copied_from_topic_id: int | None = None


class TopicPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    description: str | None
    position: int
    origin: TopicOrigin | None = None
    language: str | None = Field(
        default=None, description="The language of the texts shown (see the consultation's)"
    )
    translations: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @field_validator("translations", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return {} if value is None else value

    @classmethod
    def shown(cls, topic: Any, original_language: str, lang: str | None) -> "TopicPublic":
        """The topic with its texts in `lang` where translated, and which language that is."""
        public = cls.model_validate(topic)
        fields = {"title": public.title, "description": public.description}
        stored = public.translations
        return public.model_copy(
            update={
                **{f: text_in(fields[f], f, stored, lang) for f in TOPIC_FIELDS},
                "language": shown_language(original_language, stored, TOPIC_FIELDS, fields, lang),
            }
        )
