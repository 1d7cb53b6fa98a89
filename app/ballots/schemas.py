from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictInt


class Score(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: StrictInt = Field(description="A whole number within the consultation's scale")


class RatingIn(Score):
    topic_id: StrictInt


class BallotIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ratings: list[RatingIn] = Field(max_length=10_000)


class RatingPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    topic_id: int
    score: int
    updated_at: datetime


class BallotPublic(BaseModel):
    ballot_key: str = Field(
        description="Your anonymous key in ballots.csv: a receipt to check your ratings by"
    )
    ratings: list[RatingPublic]
