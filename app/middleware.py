"""ASGI middleware that must run before any request is parsed."""

import json
import logging
import re
import secrets
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.logs import route_label
from app.problems import PROBLEM_JSON, problem_body
from app.web.visitors import SESSION_COOKIE


class BodyLimit:
    """Refuses request bodies over `max_bytes` with a 413 problem before the app reads them.

    A declared Content-Length is checked up front; a streamed body is buffered up to the
    limit, so a chunked upload cannot slip past it either. (Starlette's own limiter answers
    in plain text, and every error here is problem details.)
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        body = json.dumps(
            problem_body(
                413,
                f"The request body exceeds {self.max_bytes} bytes.",
                instance=scope.get("path", ""),
                kind="body-too-large",
                title="Content Too Large",  # RFC 9110's name; Python 3.11 says "Request Entity"
                request_id=scope.get("state", {}).get("request_id"),
            )
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
API_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
# Pages: scripts, styles and images from this origin only; no inline script, no framing.
PAGE_CSP = (
    b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    b"form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
# The interactive API docs: Swagger UI and ReDoc from this app's own assets (app.docs); they
# set inline styles and ReDoc runs a worker from a blob, but no script comes from elsewhere.
DOCS_CSP = (
    b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    b"img-src 'self' data:; worker-src 'self' blob:; frame-ancestors 'none'; object-src 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")

access_log = logging.getLogger("consulta.access")
SESSION = f"{SESSION_COOKIE}=".encode()


def _credentialed(scope: Scope) -> bool:
    """Whether the request carries a token or a web session: its answer is that person's (a
    ballot, a secret shown once), which no cache, shared or the browser's, may keep."""
    headers = dict(scope["headers"])
    return b"authorization" in headers or SESSION in headers.get(b"cookie", b"")


class RequestContext:
    """Gives every request an id (a valid incoming X-Request-ID is kept), adds the security
    headers to every response, and writes one access-log record per request: id, method,
    route, status, duration and the signed-in account's id. Never bodies, tokens or ratings."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = (
            incoming if REQUEST_ID.match(incoming) else secrets.token_hex(16)
        )  # as uuid4().hex, without the UUID object
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                headers += API_HEADERS
                if _credentialed(scope) and not any(k == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                content_type = dict(headers).get(b"content-type", b"")
                if content_type.startswith(b"text/html"):
                    docs = scope["path"].startswith(DOCS_PATHS)
                    headers.append((b"content-security-policy", DOCS_CSP if docs else PAGE_CSP))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            route = route_label(scope)
            access_log.info(
                "%s %s %s",
                scope["method"],
                route,
                status,
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "route": route,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "account_id": state.get("account_id"),
                },
            )
