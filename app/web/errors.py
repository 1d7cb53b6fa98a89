"""Errors outside the API are HTML pages: the app's own handlers decide the status and the
detail (problem details), and for a path that is not the API's this module shows them as a
page. Inside /api nothing changes."""

import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException
from starlette.responses import Response

from app.web.rendering import PageRefused, error_response

Handler = Callable[[Request, Exception], Awaitable[Response] | Response]
NOT_PAGES = ("/api/", "/openapi.json", "/healthz", "/readyz")
KEPT_HEADERS = ("retry-after", "allow")


def is_page(path: str) -> bool:
    return path != "/api" and not path.startswith(NOT_PAGES)


def _as_page(handler: Handler) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        response = handler(request, exc)
        answer = response if isinstance(response, Response) else await response
        if not is_page(request.url.path):
            return answer
        try:
            body: dict[str, Any] = json.loads(bytes(answer.body))
        except ValueError:
            body = {}
        # Routing's own 404 and 405 say only "Not Found": the page's hint says more.
        detail = None if isinstance(exc, HTTPException) else body.get("detail")
        headers = {k: v for k, v in answer.headers.items() if k.lower() in KEPT_HEADERS}
        return error_response(request, answer.status_code, detail, headers=headers)

    return handle


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageRefused)
    return exc.response


def install_page_errors(app: FastAPI) -> None:
    """Wraps every installed error handler (call after app.errors.install_error_handlers)."""
    for kind, handler in list(app.exception_handlers.items()):
        app.exception_handlers[kind] = _as_page(handler)
    app.add_exception_handler(PageRefused, _refused)
