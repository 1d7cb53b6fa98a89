"""The problem-details schema, so every documented error response names its shape."""

from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, ConfigDict


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """An RFC 9457 problem details object."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[ValidationIssue] | None = None


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entry documenting these error statuses as problem details."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            },
        }
        for status in statuses
    }
