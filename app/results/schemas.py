from datetime import datetime

from pydantic import BaseModel, Field


class MethodPublic(BaseModel):
    name: str
    title: str
    description: str


class TopicBrief(BaseModel):
    id: int
    title: str


class GroupFigures(BaseModel):
    n: int
    mean: float


class RankingEntry(BaseModel):
    rank: int | None
    tied: bool
    topic: TopicBrief
    score: float | None
    n: int
    histogram: dict[int, int] = Field(description="Ratings per scale level")
    spread: float | None = Field(description="Sample s.d. of the ratings; null below 2")
    interval: tuple[float, float] | None = Field(description="95% interval, where defined")
    groups: dict[str, GroupFigures]


class Ranking(BaseModel):
    method: str
    participants: int
    ratings: int
    ballot_digest: str = Field(description="SHA-256 (hex) of the exact bytes of ballots.csv")
    computed_at: datetime
    groups_folded: bool = Field(
        description="Whether groups smaller than min_group_size are folded into `other`"
    )
    entries: list[RankingEntry]


class StabilityEntry(BaseModel):
    topic: TopicBrief
    rank: int | None
    p_top: float = Field(description="Share of resamples in which the topic is in the top `top`")
    rank_interval: tuple[int, int] | None = Field(description="90% interval of its rank")


class Stability(BaseModel):
    method: str
    top: int
    draws: int
    seed: int
    participants: int
    note: str
    entries: list[StabilityEntry]


class DoubtfulTopic(BaseModel):
    topic_id: int
    title: str
    methods: list[str] = Field(description="The methods under which the topic is in the top")


class Agreement(BaseModel):
    top: int
    methods: list[str] = Field(description="The methods compared: every scoring method")
    kendall_tau: dict[str, dict[str, float | None]] = Field(
        description="Kendall's tau-b between two methods' rankings over the topics both rank "
        "(1: the same order, -1: reversed); null where undefined (fewer than two topics, or "
        "one method ties them all)"
    )
    in_all: list[int] = Field(description="Ids of the topics in the top under every method")
    in_some: list[DoubtfulTopic] = Field(
        description="Topics in the top under some methods but not all: the cut line's doubtful "
        "topics, surest first"
    )
    participants: int
    ballot_digest: str = Field(description="SHA-256 (hex) of the exact bytes of ballots.csv")
    computed_at: datetime
