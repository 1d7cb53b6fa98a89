"""Putting a list in a new order: which items move where. Topics and sessions are reordered
the same way, each move then applied (checked and audited) by its own service."""

from collections.abc import Sequence

from app.errors import Invalid


def moves(positions: dict[int, int], order: Sequence[int], *, noun: str) -> list[tuple[int, int]]:
    """`positions` maps each item's id to its position now; `order` must name every id once.
    The (id, new position) of each item whose position changes, in the new order."""
    if sorted(order) != sorted(positions):
        raise Invalid(f"The new order must name every {noun} once.", loc=("body", "order"))
    return [(item, place) for place, item in enumerate(order) if positions[item] != place]
