"""Problem details (RFC 9457, application/problem+json) for every error: the domain's
(app.errors), FastAPI's own 404/405/422, and the database's. One builder makes every body,
here and in the middleware that answers before the app runs."""

import logging
from collections.abc import Callable, Coroutine
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import DomainError
from app.logs import route_label
from app.web.i18n import api_language, localize

log = logging.getLogger("consulta.errors")

PROBLEM_JSON = "application/problem+json"


def problem_body(
    status: int,
    detail: str,
    *,
    instance: str,
    kind: str | None = None,
    request_id: str | None = None,
    title: str | None = None,
    **extensions: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:consulta:problem:{kind}" if kind else "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
        **extensions,
    }
    if request_id:
        body["request_id"] = request_id
    return body


def problem(
    request: Request,
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    if request.url.path.startswith("/api"):
        # The API says the detail and each error's msg in the caller's language
        # (Accept-Language); the type and loc, the machine-readable parts, never change. Pages
        # translate the detail themselves.
        lang = api_language(request)
        detail = localize(detail, lang)
        if isinstance(extensions.get("errors"), list):
            extensions["errors"] = [_said(error, lang) for error in extensions["errors"]]
    body = problem_body(
        status,
        detail,
        instance=request.url.path,
        kind=kind,
        request_id=getattr(request.state, "request_id", None),
        **extensions,
    )
    return JSONResponse(
        jsonable_encoder(body), status_code=status, headers=headers, media_type=PROBLEM_JSON
    )


def _said(error: dict[str, Any], lang: str) -> dict[str, Any]:
    """An error with its msg in `lang` where it is one of the app's sentences (pydantic's own
    messages are not: they stay as pydantic says them)."""
    return {**error, "msg": localize(str(error.get("msg", "")), lang)}


NOT_JSON = "The request body must be JSON, sent with Content-Type: application/json."


def _unread_body(error: Any) -> bool:
    """FastAPI leaves a body it did not read as JSON (its Content-Type said something else) as
    bytes, which the body's model then refuses."""
    return tuple(error.get("loc", ())) == ("body",) and isinstance(error.get("input"), bytes)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]


def as_problem(request: Request, exc: DomainError) -> JSONResponse:
    return problem(
        request, exc.status, exc.detail, kind=exc.kind, headers=exc.headers, **exc.extensions
    )


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return as_problem(request, exc)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(exc)
    if any(e["type"] == "json_invalid" for e in errors):
        return problem(request, 400, "The request body is not valid JSON.", kind="malformed-body")
    if any(_unread_body(e) for e in exc.errors()):
        return problem(request, 400, NOT_JSON, kind="malformed-body")
    return problem(
        request, 422, "The request has invalid values.", kind="validation", errors=errors
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    # FastAPI's and Starlette's own 400: a body they could not parse (not UTF-8, a broken form).
    kind = "malformed-body" if exc.status_code == 400 else None
    return problem(request, exc.status_code, detail, kind=kind, headers=dict(exc.headers or {}))


async def _data_error(request: Request, exc: Exception) -> JSONResponse:
    # A value the database cannot hold (PostgreSQL refuses NUL characters in text, say).
    log.warning("data error on %s %s: %s", request.method, route_label(request.scope), exc)
    detail = "A value cannot be stored (it has a NUL character or is out of range)."
    return problem(
        request,
        422,
        detail,
        kind="invalid",
        errors=[{"loc": [], "msg": detail, "type": "value_error"}],
    )


def _database_error(
    what: str,
    level: int,
    status: int,
    detail: str,
    *,
    kind: str,
    headers: dict[str, str] | None = None,
) -> Callable[[Request, Exception], Coroutine[Any, Any, JSONResponse]]:
    """A handler for one kind of database error: it logs `what` at `level` with the route and
    the error, and answers the problem `status`, `detail`, `kind` (and `headers`)."""
    message = f"{what} on %s %s: %s"

    async def handler(request: Request, exc: Exception) -> JSONResponse:
        log.log(level, message, request.method, route_label(request.scope), exc)
        return problem(request, status, detail, kind=kind, headers=headers)

    return handler


_integrity_error = _database_error(
    "integrity error",
    logging.WARNING,
    409,
    "The change conflicts with the current state; reload and retry.",
    kind="conflict",
)
_database_unavailable = _database_error(
    "database unavailable",
    logging.ERROR,
    503,
    "The database is busy or unreachable; nothing was changed. Retry soon.",
    kind="unavailable",
    headers={"Retry-After": "1"},
)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception(
        "unhandled error on %s %s", request.method, route_label(request.scope), exc_info=exc
    )
    return problem(request, 500, "An unexpected error occurred; it has been logged.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(Exception, _unexpected_error)
