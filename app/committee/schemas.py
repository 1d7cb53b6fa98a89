from pydantic import BaseModel, ConfigDict, EmailStr

from app.text import Name, Organization
from app.vocabulary import CountryCode, StakeholderGroup


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
