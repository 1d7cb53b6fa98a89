"""A request's choice of several members of an enumeration (a token's scopes, a webhook's
events)."""

from enum import Enum
from typing import TypeVar

from pydantic import AfterValidator

E = TypeVar("E", bound=Enum)


def each_once(among: type[E], one: str) -> AfterValidator:
    """Validates a list of `among`'s members: each once (twice is an error that names the
    member as `one`, "a scope"), returned in the enumeration's order so that equal choices
    store alike."""

    def in_order(chosen: list[E]) -> list[E]:
        if len(set(chosen)) != len(chosen):
            raise ValueError(f"{one} is given twice")
        return [member for member in among if member in chosen]

    return AfterValidator(in_order)
