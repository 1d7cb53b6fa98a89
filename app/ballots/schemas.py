from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from app.vocabulary import MAX_ID, MIN_ID


class Score(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: StrictInt = Field(description="A whole number within the consultation's scale")


class RatingIn(Score):
    topic_id: StrictInt = Field(ge=MIN_ID, le=MAX_ID)


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
