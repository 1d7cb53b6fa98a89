"""Jinja2 environments (one per language, each with its catalogue installed), page rendering,
and the route class that turns a DomainError in a page handler into an HTML error page."""

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import replace
from datetime import date, datetime
from functools import lru_cache
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time, get_timezone_location
from babel.numbers import format_decimal, format_percent
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import inspect

from app import scoring
from app.errors import Blocked, DomainError, NotFound, Unauthorized
from app.translations import text_in
from app.web import labels
from app.web.countries import countries, country_name
from app.web.forms import FieldErrors, Message
from app.web.i18n import LANGUAGES, fill, localize, request_language, translations
from app.web.visitors import CSRF_FIELD, FLASH_COOKIE, Viewer, leave_flash

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=len(LANGUAGES))
def environment(lang: str) -> Environment:
    catalogue = translations(lang)
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]

    def say(message: Message | str) -> str:
        """A message in the page's language: a catalogue message, or a sentence from the
        services recognised by its template (app.messages)."""
        if isinstance(message, str):
            return localize(message, lang)
        if not message.params:
            return localize(message.msgid, lang)
        return fill(message.msgid, message.params, lang)

    def number(value: float | None, digits: int = 2) -> str:
        if value is None:
            return "\u2013"  # an en dash: no value
        return format_decimal(value, format=f"#,##0.{'0' * digits}", locale=lang)

    def percent(value: float) -> str:
        return format_percent(value, locale=lang)

    def day(value: date | None) -> str:
        return "" if value is None else format_date(value, "medium", locale=lang)

    def zone_name(zone: str) -> str:
        """The time zone as people say it, in the page's language ("Panama Time")."""
        if zone in ("UTC", "Etc/UTC"):
            return "UTC"
        return get_timezone_location(ZoneInfo(zone), locale=lang)

    def moment(value: datetime | None, zone: str = "UTC") -> str:
        """Date and time without seconds, in `zone`, with the zone named."""
        if value is None:
            return ""
        local = value.astimezone(ZoneInfo(zone))
        when = f"{format_date(local.date(), 'medium', locale=lang)}, "
        return when + f"{format_time(local, 'short', locale=lang)} ({zone_name(zone)})"

    def clock(value: datetime | None, zone: str = "UTC") -> str:
        if value is None:
            return ""
        return format_time(value, "short", tzinfo=ZoneInfo(zone), locale=lang)

    def weekday(value: datetime | None, zone: str = "UTC") -> str:
        if value is None:
            return ""
        return format_datetime(value, "EEEE d MMMM y", tzinfo=ZoneInfo(zone), locale=lang)

    env.filters.update(say=say, number=number, percent=percent, day=day, moment=moment, clock=clock)
    env.filters.update(weekday=weekday, zone_name=zone_name)
    env.filters["country"] = lambda code: country_name(code, lang)

    def tr(obj: Any, field: str) -> Any:
        """A content field in the page's language where translated, else the original."""
        return text_in(getattr(obj, field), field, getattr(obj, "translations", None), lang)

    def original_of(obj: Any, field: str, original: str) -> str | None:
        """The original's language when `field` is shown untranslated in another language
        (the page says so), else None."""
        if lang == original or not getattr(obj, field):
            return None
        stored = getattr(obj, "translations", None) or {}
        return original if stored.get(lang, {}).get(field) in (None, "", []) else None

    env.filters.update(tr=tr, original_of=original_of)

    def labelled(values: list[str], names: Mapping[str, str]) -> list[tuple[str, str]]:
        """(value, its name in the page's language) pairs, for a select's options."""
        return [(value, say(names[value])) for value in values]

    env.filters["labelled"] = labelled
    env.globals.update(
        COUNTRIES=countries(lang),
        FLASHES=labels.FLASHES,
        METHOD_TITLES={m.name: m.title for m in scoring.METHODS.values()},
        LANGUAGES=LANGUAGES,
        CSRF_FIELD=CSRF_FIELD,
        GROUPS=labels.GROUPS,
        STATES=labels.STATES,
        PROPOSAL_STATUSES=labels.PROPOSAL_STATUSES,
        FORMATS=labels.FORMATS,
        ROLES=labels.ROLES,
        ROLE_HEADINGS=labels.ROLE_HEADINGS,
    )
    return env


def render(
    viewer: Viewer,
    template: str,
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    page = environment(viewer.lang).get_template(template)
    context["errors"] = context.get("errors") or FieldErrors()  # every form page shows them
    flash = viewer.flash if viewer.flash in labels.FLASHES else None
    if viewer.flash is not None:  # shown once
        viewer.cookies[FLASH_COOKIE] = None
    html = page.render(viewer=viewer, lang=viewer.lang, flash=flash, **context)
    response = HTMLResponse(html, status_code=status, headers=headers)
    viewer.apply_cookies(response)
    return response


def redirect(viewer: Viewer, url: str, *, flash: str | None = None) -> Response:
    """A 303 to `url`; `flash` names the success message that page shows (labels.FLASHES)."""
    if flash is not None:
        assert flash in labels.FLASHES, flash
        leave_flash(viewer, flash)
    return viewer.apply_cookies(RedirectResponse(url, status_code=303))


def local_path(candidate: str, default: str = "/") -> str:
    """Where to go after a form: a path on this site only (never //host or a scheme)."""
    if candidate.startswith("/") and not candidate.startswith("//") and "\\" not in candidate:
        return candidate
    return default


def _fallback_viewer(request: Request) -> Viewer:
    return Viewer(
        account=None,
        lang=request_language(request),
        csrf="",
        path=request.url.path,
        secure=request.url.scheme == "https",
    )


def error_response(
    request: Request,
    status: int,
    detail: str | None,
    *,
    headers: Mapping[str, str] | None = None,
    problems: list[Any] | None = None,
) -> Response:
    """An HTML error page with `status`; `detail` is the service's own sentence, if any."""
    viewer: Viewer = getattr(request.state, "viewer", None) or _fallback_viewer(request)
    if viewer.account is not None and inspect(viewer.account).expired:
        # An unexpected error rolled the request's transaction back: the account can no
        # longer be read, and the page is shown as to someone signed out.
        viewer = replace(viewer, account=None)
    return render(
        viewer,
        "error.html",
        status=status,
        headers=headers,
        title=labels.ERROR_TITLES.get(status, HTTPStatus(status).phrase),
        hint=labels.ERROR_HINTS.get(status),
        status_code=status,
        detail=detail,
        problems=problems or [],
    )


def error_page(request: Request, exc: DomainError) -> Response:
    if isinstance(exc, Unauthorized):
        viewer: Viewer = getattr(request.state, "viewer", None) or _fallback_viewer(request)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return redirect(viewer, f"/login?next={quote(target, safe='/')}")
    headers = {k: v for k, v in exc.headers.items() if k.lower() != "www-authenticate"}
    problems = exc.problems if isinstance(exc, Blocked) else None
    return error_response(request, exc.status, exc.detail, headers=headers, problems=problems)


class PageRefused(Exception):
    """A page handler's refusal, already rendered as its error page. Raised rather than
    returned so that it leaves the request's transaction as an exception and rolls back what
    the handler wrote before it was refused; app.web.errors answers it with the page."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


class PageRoute(APIRoute):
    """Page handlers answer errors with HTML pages; the API keeps its problem details."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def page(request: Request) -> Response:
            # The page is rendered here, while the viewer's account can still be read.
            try:
                return await handle(request)
            except DomainError as exc:
                raise PageRefused(error_page(request, exc)) from exc
            except RequestValidationError as exc:
                raise PageRefused(error_page(request, NotFound("No such page."))) from exc

        return page
