from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from app.auth.scopes import Scope

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
    scopes: list[Scope] = Field(min_length=1, max_length=len(Scope))
    expires_in_days: int = Field(ge=1, le=365)

    @field_validator("scopes")
    @classmethod
    def _each_once(cls, scopes: list[Scope]) -> list[Scope]:
        if len(set(scopes)) != len(scopes):
            raise ValueError("a scope is given twice")
        return [s for s in Scope if s in scopes]


class PersonalTokenPublic(BaseModel):
    """A personal access token as listed: never the token itself."""

    id: int
    name: str
    scopes: list[Scope]
    created_at: datetime
    expires_at: datetime


class PersonalTokenCreated(PersonalTokenPublic):
    token: str = Field(description="The bearer token: shown only in this response.")
