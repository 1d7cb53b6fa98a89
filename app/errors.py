"""Domain errors carry their HTTP status; one set of handlers renders every error as RFC 9457
problem details (application/problem+json), FastAPI's own 404/405/422 included."""

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.logs import route_label

log = logging.getLogger("consulta.errors")

PROBLEM_JSON = "application/problem+json"


class DomainError(Exception):
    status: int = 400
    kind: str = "bad-request"

    def __init__(
        self, detail: str, *, headers: dict[str, str] | None = None, **extensions: Any
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        self.extensions = extensions


class Unauthorized(DomainError):
    status, kind = 401, "unauthorized"

    def __init__(self, detail: str = "Sign in to do this.", **extensions: Any) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"}, **extensions)


class Forbidden(DomainError):
    status, kind = 403, "forbidden"


class EmailNotVerified(Forbidden):
    """The caller must confirm their email address first (POST /accounts/verify)."""

    kind = "email-not-verified"

    def __init__(
        self, detail: str = "Confirm your email address first: open the link we mailed you."
    ) -> None:
        super().__init__(detail)


class NotFound(DomainError):
    status, kind = 404, "not-found"


class Conflict(DomainError):
    status, kind = 409, "conflict"


class Invalid(DomainError):
    """Well-formed input with invalid values; `errors` follows the validation-error shape."""

    status, kind = 422, "invalid"

    def __init__(self, detail: str, *, loc: Sequence[str | int] = (), **extensions: Any) -> None:
        extensions.setdefault("errors", [{"loc": list(loc), "msg": detail, "type": "value_error"}])
        super().__init__(detail, **extensions)


class TooManyRequests(DomainError):
    status, kind = 429, "too-many-requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


def problem(
    request: Request,
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:consulta:problem:{kind}" if kind else "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extensions,
    }
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        body["request_id"] = request_id
    return JSONResponse(
        jsonable_encoder(body), status_code=status, headers=headers, media_type=PROBLEM_JSON
    )


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return problem(
        request, exc.status, exc.detail, kind=exc.kind, headers=exc.headers, **exc.extensions
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(exc)
    if any(e["type"] == "json_invalid" for e in errors):
        return problem(request, 400, "The request body is not valid JSON.", kind="malformed-body")
    return problem(
        request, 422, "The request has invalid values.", kind="validation", errors=errors
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    return problem(request, exc.status_code, detail, headers=dict(exc.headers or {}))


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    log.warning("integrity error on %s %s: %s", request.method, route_label(request.scope), exc)
    return problem(
        request,
        409,
        "The change conflicts with the current state; reload and retry.",
        kind="conflict",
    )


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


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.error("database unavailable on %s %s: %s", request.method, route_label(request.scope), exc)
    return problem(
        request,
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
