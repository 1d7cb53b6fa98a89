import unicodedata
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from app.text import Name, OneLine
from app.vocabulary import CountryCode, StakeholderGroup
from app.web.i18n import LANGUAGES


def _not_blank(password: str) -> str:
    if all(c.isspace() or unicodedata.category(c).startswith("C") for c in password):
        raise ValueError("a password needs characters other than spaces and control characters")
    return password


def _known_language(code: str) -> str:
    if code not in LANGUAGES:
        raise ValueError(f"one of: {', '.join(LANGUAGES)}")
    return code


DisplayName = Name
Organization = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300), OneLine]
Password = Annotated[
    str,
    Field(
        min_length=10,
        max_length=1024,
        description="At least 10 characters, not only "
        "spaces or control characters, and not the email address",
    ),
    AfterValidator(_not_blank),
]
Email = Annotated[EmailStr, AfterValidator(str.lower)]
Language = Annotated[
    str,
    AfterValidator(_known_language),
    Field(description="The language of the mails sent to this account", examples=["es"]),
]
OneTimeToken = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Password
    display_name: DisplayName
    stakeholder_group: StakeholderGroup
    country: CountryCode
    organization: Organization | None = None
    language: Language | None = Field(
        default=None, description="Mail language; by default the request's Accept-Language"
    )
    invitation: OneTimeToken | None = Field(
        default=None,
        description="The token of a committee invitation link; registering with the invited "
        "email through it confirms that email at once",
    )


class AdminCreate(BaseModel):
    """An administrator made from the command line or the environment at start."""

    email: Email
    password: Password
    display_name: DisplayName = "Administrator"


class AccountUpdate(BaseModel):
    """Fields to change; the email is the login and stays. A new password needs the current
    one, and signs out every other token and web session."""

    model_config = ConfigDict(extra="forbid")

    display_name: DisplayName | None = None
    stakeholder_group: StakeholderGroup | None = None
    country: CountryCode | None = None
    organization: Organization | None = None
    language: Language | None = None
    password: Password | None = None
    current_password: str | None = Field(default=None, max_length=1024)


class AccountPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    display_name: str
    stakeholder_group: StakeholderGroup
    country: str | None
    organization: str | None
    is_admin: bool
    email_verified: bool
    language: str
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


class VerifyEmail(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: OneTimeToken


class PasswordResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email


class PasswordResetConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: OneTimeToken
    password: Password


class Accepted(BaseModel):
    """The request is taken; what follows happens by mail."""

    detail: str
