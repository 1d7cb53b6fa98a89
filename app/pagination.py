from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

T = TypeVar("T")
MAX_OFFSET = 2**63 - 1  # the largest OFFSET a database takes (a 64-bit signed integer)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int


class Window(BaseModel):
    limit: int
    offset: int


def window(
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Window:
    return Window(limit=limit, offset=offset)
