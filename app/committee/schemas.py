from pydantic import BaseModel, ConfigDict, EmailStr, field_validator

from app.text import Name, Organization
from app.vocabulary import COMMITTEE_GROUPS, CountryCode, StakeholderGroup

NOT_A_COMMITTEE_GROUP = "Committee seats are for the four committee groups: " + ", ".join(
    g.value for g in COMMITTEE_GROUPS
)


class SeatCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    stakeholder_group: StakeholderGroup
    organization: Organization | None = None
    country: CountryCode | None = None
    email: EmailStr | None = None

    @field_validator("stakeholder_group")
    @classmethod
    def _committee_group(cls, group: StakeholderGroup) -> StakeholderGroup:
        if group not in COMMITTEE_GROUPS:
            raise ValueError(NOT_A_COMMITTEE_GROUP)
        return group


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
