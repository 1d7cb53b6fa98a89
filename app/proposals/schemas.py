from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.consultations.schemas import TopicPublic
from app.proposals.models import ProposalStatus
from app.text import Lines, ProposalText, Title
from app.translations import Lang, ProposalTexts
from app.vocabulary import Id

Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), Lines
]


class ProposalCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    description: ProposalText
    translations: dict[Lang, ProposalTexts | None] | None = Field(
        default=None, description="{lang: {title, description}}"
    )


class ProposalUpdate(BaseModel):
    """Only the fields given change."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    description: ProposalText | None = None
    translations: dict[Lang, ProposalTexts | None] | None = Field(
        default=None,
        description="Replaces the given languages' translations; null for a language removes it",
    )


class Reject(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason = Field(description="Mailed to the proposer")


class Merge(BaseModel):
    """Exactly one of the two: the proposal or the topic this one joins."""

    model_config = ConfigDict(extra="forbid")

    into_proposal_id: Id | None = None
    into_topic_id: Id | None = None

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if (self.into_proposal_id is None) == (self.into_topic_id is None):
            raise ValueError("give exactly one of into_proposal_id and into_topic_id")
        return self


class MergedInto(BaseModel):
    kind: Literal["proposal", "topic"]
    id: int


class ProposalPublic(BaseModel):
    """A proposal as anyone who sees the consultation sees it: never who made it."""

    id: int
    title: str
    description: str
    status: ProposalStatus
    supporters: int
    merged_into: MergedInto | None
    topic_id: int | None
    created_at: datetime
    decided_at: datetime | None
    language: str = Field(
        description="The language of the texts shown: the consultation's, or the one asked for "
        "with Accept-Language when every text has a translation in it"
    )
    translations: dict[str, dict[str, Any]]


class SimilarItem(BaseModel):
    kind: Literal["topic", "proposal"]
    id: int
    title: str


class ProposalCreated(ProposalPublic):
    similar: list[SimilarItem] = Field(description="At most 5 topics or proposals close to it")


class Similar(BaseModel):
    similar: list[SimilarItem]


class Accepted(BaseModel):
    topic: TopicPublic
    proposal: ProposalPublic
