"""Fixed vocabularies shared by several domains (stored as strings, checked in the database)."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, TypeVar

import pycountry
from pydantic import AfterValidator, AwareDatetime, Field

DateOrTime = TypeVar("DateOrTime", date, datetime)

MIN_ID, MAX_ID = -(2**31), 2**31 - 1
"""The range of a database id (the schema's INTEGER columns: 32-bit signed on PostgreSQL). An
integer outside it, in a path or a body, is 422 on both databases, never a crash in the driver;
one inside it that names nothing is 404 (or 422 in a body), as for any unknown id."""
Id = Annotated[int, Field(ge=MIN_ID, le=MAX_ID)]


def fits(id_: int) -> bool:
    """Whether a database can hold `id_`: one that does not names nothing (a form's id, which
    no schema bounded, is looked up only if it fits)."""
    return MIN_ID <= id_ <= MAX_ID


MIN_YEAR, MAX_YEAR = 1900, 2999
"""The years a consultation's dates and a session's times fall in: wide enough for any forum,
narrow enough that moving a moment to any time zone, or a day to the next, never overflows."""


def _within_the_years(value: DateOrTime) -> DateOrTime:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"must be in a year from {MIN_YEAR} to {MAX_YEAR}")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_within_the_years)]
Day = Annotated[date, AfterValidator(_within_the_years)]


class StakeholderGroup(StrEnum):
    government = "government"
    private_sector = "private_sector"
    civil_society = "civil_society"
    technical_community = "technical_community"
    academia = "academia"
    other = "other"


COMMITTEE_GROUPS: tuple[StakeholderGroup, ...] = (
    StakeholderGroup.government,
    StakeholderGroup.private_sector,
    StakeholderGroup.civil_society,
    StakeholderGroup.technical_community,
)


class ConsultationState(StrEnum):
    draft = "draft"
    proposals = "proposals"  # the optional call for topics, between draft and open
    open = "open"
    closed = "closed"
    finalized = "finalized"


class SessionFormat(StrEnum):
    panel = "panel"
    roundtable = "roundtable"
    case_presentations = "case_presentations"
    multisectoral_panel = "multisectoral_panel"
    keynote = "keynote"
    other = "other"


class PersonRole(StrEnum):
    panelist = "panelist"
    moderator = "moderator"
    rapporteur = "rapporteur"
    remote_moderator = "remote_moderator"


def sql_in(column: str, values: type[StrEnum] | tuple[StrEnum, ...]) -> str:
    """A CHECK constraint's text: `column` takes one of `values`."""
    quoted = ", ".join(f"'{v.value}'" for v in values)
    return f"{column} IN ({quoted})"


def _country_code(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError("not an ISO 3166-1 alpha-2 country code")
    return code


CountryCode = Annotated[
    str,
    AfterValidator(_country_code),
    Field(examples=["PA"], description="ISO 3166-1 alpha-2 country code"),
]
