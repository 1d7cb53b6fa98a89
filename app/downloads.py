"""Endpoints that serve a consultation as a file: how the OpenAPI documents them and how the
client is told what to do with the body."""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Response
from fastapi.types import DecoratedCallable
from pydantic import BaseModel

from app.openapi import problems


def file_route(
    router: APIRouter, path: str, media_type: str, *, model: type[BaseModel] | None = None
) -> Callable[[DecoratedCallable], DecoratedCallable]:
    """GET `path` on `router`, documented as a 200 in `media_type` (its schema `model`'s, for a
    JSON file) and the problems that reading a consultation answers. The endpoint returns its
    own response (a `Response` or a `StreamingResponse`)."""
    ok: dict[str, Any] = {"content": {media_type: {}}} | ({"model": model} if model else {})
    return router.get(
        path, response_class=Response, responses={200: ok, **problems(401, 403, 404, 422)}
    )


def attachment(filename: str) -> dict[str, str]:
    """The header that has a browser save the body as `filename`."""
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def inline(filename: str) -> dict[str, str]:
    """The header that names the body `filename` and lets a browser show it."""
    return {"Content-Disposition": f'inline; filename="{filename}"'}
