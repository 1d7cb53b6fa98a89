from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from app.vocabulary import MAX_ID

T = TypeVar("T")
MAX_LIMIT = 500  # the most items one page of a list holds


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int


class Window(BaseModel):
    limit: int
    offset: int


def window(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> Window:
    return Window(limit=limit, offset=offset)
