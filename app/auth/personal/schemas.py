from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.auth.scopes import Scope
from app.choices import each_once

TokenName = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$"
    ),
    Field(examples=["Forum website"]),
]


class PersonalTokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: TokenName
    scopes: Annotated[
        list[Scope], Field(min_length=1, max_length=len(Scope)), each_once(Scope, "a scope")
    ]
    expires_in_days: int = Field(ge=1, le=365)


class PersonalTokenPublic(BaseModel):
    """A personal access token as listed: never the token itself."""

    id: int
    name: str
    scopes: list[Scope]
    created_at: datetime
    expires_at: datetime


class PersonalTokenCreated(PersonalTokenPublic):
    token: str = Field(description="The bearer token: shown only in this response.")
