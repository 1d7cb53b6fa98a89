from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from app.auth.schemas import Language
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
    email: EmailStr | None = Field(
        default=None,
        description="Links the seat to the account with this verified email; otherwise the "
        "address is invited by mail and the seat links once it registers and verifies",
    )
    language: Language | None = Field(
        default=None, description="The invitation mail's language (default: the request's)"
    )

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
