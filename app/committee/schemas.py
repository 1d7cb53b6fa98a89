from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from app.auth.schemas import Language
from app.vocabulary import CountryCode, StakeholderGroup

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Organization = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)
]


class SeatCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    stakeholder_group: StakeholderGroup
    organization: Organization | None = None
    country: CountryCode | None = None
    email: EmailStr | None = Field(
        default=None,
        description="Links the seat to the account with this verified email; otherwise the "
        "address is invited by mail and the seat links once it registers and verifies",
    )
    language: Language | None = Field(
        default=None, description="The invitation mail's language (default: the request's)"
    )


class MemberPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    organization: str | None
    country: str | None
    stakeholder_group: StakeholderGroup
    linked: bool
    invited: bool = Field(
        description="An invitation was mailed; the seat links when that email is verified"
    )


class GroupSeats(BaseModel):
    stakeholder_group: StakeholderGroup
    members: list[MemberPublic]
    vacancies: int


class CommitteePublic(BaseModel):
    seats_per_group: int
    groups: list[GroupSeats]
