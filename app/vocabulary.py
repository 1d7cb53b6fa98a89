"""Fixed vocabularies shared by several domains (stored as strings, checked in the database)."""

from enum import StrEnum
from typing import Annotated

import pycountry
from pydantic import AfterValidator, Field

MAX_ID = 2**63 - 1
"""The largest id a database holds (64-bit signed): a larger one is 422, not a crash."""
Id = Annotated[int, Field(le=MAX_ID)]


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
