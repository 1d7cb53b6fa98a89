from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from app.text import Name, OneLine
from app.vocabulary import CountryCode, StakeholderGroup

DisplayName = Name
Organization = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300), OneLine]
Password = Annotated[str, Field(min_length=10, max_length=1024)]
Email = Annotated[EmailStr, AfterValidator(str.lower)]


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Password
    display_name: DisplayName
    stakeholder_group: StakeholderGroup
    country: CountryCode
    organization: Organization | None = None


class AdminCreate(BaseModel):
    """An administrator made from the command line or the environment at start."""

    email: Email
    password: Password
    display_name: DisplayName = "Administrator"


class AccountUpdate(BaseModel):
    """Fields to change; the email is the login and stays. A new password needs the current
    one."""

    model_config = ConfigDict(extra="forbid")

    display_name: DisplayName | None = None
    stakeholder_group: StakeholderGroup | None = None
    country: CountryCode | None = None
    organization: Organization | None = None
    password: Password | None = None
    current_password: str | None = None


class AccountPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    display_name: str
    stakeholder_group: StakeholderGroup
    country: str | None
    organization: str | None
    is_admin: bool
    created_at: datetime


class SeatRef(BaseModel):
    consultation: str = Field(description="The consultation's slug")
    member_id: int
    stakeholder_group: StakeholderGroup


class Me(AccountPublic):
    committee_seats: list[SeatRef]


class TokenPublic(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_at: datetime
