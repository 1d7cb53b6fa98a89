"""A request's choice of several members of an enumeration (a token's scopes, a webhook's
events)."""

from enum import Enum
from typing import TypeVar

E = TypeVar("E", bound=Enum)


def each_once(chosen: list[E], among: type[E], one: str) -> list[E]:
    """`chosen` in the enumeration's order, so that equal choices store alike; a member chosen
    twice is an error that names it as `one` ("a scope")."""
    if len(set(chosen)) != len(chosen):
        raise ValueError(f"{one} is given twice")
    return [member for member in among if member in chosen]
