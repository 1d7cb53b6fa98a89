from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, StringConstraints

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
    email: EmailStr | None = None


class MemberPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    organization: str | None
    country: str | None
    stakeholder_group: StakeholderGroup
    linked: bool


class GroupSeats(BaseModel):
    stakeholder_group: StakeholderGroup
    members: list[MemberPublic]
    vacancies: int


class CommitteePublic(BaseModel):
    seats_per_group: int
    groups: list[GroupSeats]
