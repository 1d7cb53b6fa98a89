"""Putting a list in a new order: which items move where. Topics and sessions are reordered
the same way, each move then applied (checked and audited) by its own service."""

from collections.abc import Sequence
from typing import Protocol, TypeVar

from app.errors import Invalid


class Positioned(Protocol):
    """An item of an ordered list: a topic, a session."""

    @property
    def id(self) -> int: ...

    @property
    def position(self) -> int: ...


P = TypeVar("P", bound=Positioned)


def moves(items: Sequence[P], order: Sequence[int], *, noun: str) -> list[tuple[P, int]]:
    """`order` must name every item's id once. Each item whose position changes, with its new
    position, in the new order."""
    by_id = {item.id: item for item in items}
    if sorted(order) != sorted(by_id):
        raise Invalid(f"The new order must name every {noun} once.", loc=("body", "order"))
    return [(by_id[i], place) for place, i in enumerate(order) if by_id[i].position != place]
