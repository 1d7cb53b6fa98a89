from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

T = TypeVar("T")
MAX_LIMIT = 500  # the most items one page of a list holds
MAX_OFFSET = 2**63 - 1  # what a database's OFFSET takes (a BIGINT)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int


class Window(BaseModel):
    limit: int
    offset: int


def window(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Window:
    return Window(limit=limit, offset=offset)
