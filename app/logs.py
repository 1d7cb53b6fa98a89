"""Logging: plain text by default, JSON lines with CONSULTA_LOG_FORMAT=json."""

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from starlette.routing import Mount
from starlette.types import Scope

from app.config import Settings

# Fields that the access log adds to its records, copied into JSON lines when present.
CONTEXT_FIELDS = ("request_id", "method", "route", "status", "duration_ms", "account_id")


UNMATCHED = "(no route)"
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def route_label(scope: Scope) -> str:
    """The matched route's template (/api/v1/consultations/{slug}/ballot/{topic_id}): log
    records group by endpoint and never carry the topic a participant rated, nor anything
    else a caller put in the path."""
    route = scope.get("route")
    template = getattr(route, "path", None)
    if not isinstance(template, str):
        return UNMATCHED
    if isinstance(route, Mount):
        return f"{template}/{{path}}"
    # A route of an included router knows its path without the prefix it was included under
    # (/api/v1): that prefix is static, so it is the request path's leading segments.
    named = template.split("/")[1:]
    segments = str(scope["path"]).split("/")[1:]
    prefix = segments[: max(0, len(segments) - len(named))]
    return "/" + "/".join(prefix + named)


def printable(text: str) -> str:
    """Control characters escaped, so that no value can start a forged log line."""
    return CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class TextLines(logging.Formatter):
    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        return printable(super().formatMessage(record))


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry |= {f: getattr(record, f) for f in CONTEXT_FIELDS if hasattr(record, f)}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(settings: Settings) -> None:
    handler = logging.StreamHandler()
    if settings.log_format == "json":
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(TextLines("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    # uvicorn's own access log would repeat ours without the request id.
    logging.getLogger("uvicorn.access").disabled = True
