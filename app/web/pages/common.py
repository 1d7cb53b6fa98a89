"""What several pages share: the router factory, the consultation a page is about, the tabs a
viewer may use on it and the page that shows them, and the form fields several forms hold."""

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.agenda import service as agenda
from app.consultations.dependencies import (
    Access,
    administered_consultation,
    managed_consultation,
    visible_consultation,
)
from app.consultations.models import Consultation
from app.results import service as results
from app.translations import Translations
from app.web.i18n import LANGUAGES
from app.web.rendering import PageRoute, redirect, render
from app.web.visitors import CurrentViewer, Viewer, text


def page_router() -> APIRouter:
    return APIRouter(route_class=PageRoute, include_in_schema=False)


def consultation_for(session: Session, slug: str, viewer: Viewer) -> Access:
    """The same visibility rule as the API: drafts are 404 to all but admins and committee."""
    return visible_consultation(slug, session, viewer.account)


def managed_for(session: Session, slug: str, viewer: Viewer) -> Access:
    """Committee or admin; otherwise the API's 401 (here: sign in) or 403."""
    return managed_consultation(consultation_for(session, slug, viewer))


def administered_for(session: Session, slug: str, viewer: Viewer) -> Access:
    """Admins only, as the API's AdministeredConsultation."""
    return administered_consultation(consultation_for(session, slug, viewer))


@dataclass(frozen=True)
class Tabs:
    """The consultation's tabs this viewer can use; the others are not shown."""

    results: bool
    agenda: bool
    committee: bool
    manage: bool
    admin: bool


def tabs(access: Access) -> Tabs:
    manager = access.can_manage
    return Tabs(
        results=results.is_public(access.consultation) or manager,
        agenda=agenda.is_public(access.consultation) or manager,
        committee=manager,
        manage=manager,
        admin=access.is_admin,
    )


def render_consultation(
    viewer: Viewer, access: Access, template: str, **context: Any
) -> HTMLResponse:
    """A page about the consultation: the consultation, the tabs this viewer can use, and the
    page's own `context`."""
    return render(viewer, template, consultation=access.consultation, tabs=tabs(access), **context)


def not_yet(
    viewer: Viewer, access: Access, *, current: str, heading: str, message: str
) -> Response:
    """The `current` tab's page while it is not public yet: `message` says when it will be."""
    return render_consultation(
        viewer, access, "not_yet.html", current=current, heading=heading, message=message
    )


def other_languages(consultation: Consultation) -> list[str]:
    """The languages a consultation's texts may be translated into: all but the original."""
    return [lang for lang in LANGUAGES if lang != consultation.language]


def translation_values(
    consultation: Consultation, stored: Translations | None, fields: Iterable[str]
) -> dict[str, str]:
    """Stored translations as the form's fields, `translations-<lang>-<field>`, for every
    language but the original: empty where there is none, a list one entry per line."""
    values = {}
    for lang in other_languages(consultation):
        texts = (stored or {}).get(lang) or {}
        for field in fields:
            value = texts.get(field) or ""
            values[f"translations-{lang}-{field}"] = (
                value if isinstance(value, str) else "\n".join(value)
            )
    return values


def submitted_texts(
    form: FormData, consultation: Consultation, fields: Iterable[str]
) -> dict[str, str]:
    """A text's `fields` as the form sent them, with their translations into every other
    language. Unlike submitted_translations, a translation the form left out reads as empty,
    which removes it: the topic and proposal forms always hold every language."""
    fields = tuple(fields)
    values = {field: text(form, field) for field in fields}
    for lang in other_languages(consultation):
        for field in fields:
            values[f"translations-{lang}-{field}"] = text(form, f"translations-{lang}-{field}")
    return values


def submitted_translations(form: FormData, fields: Iterable[str]) -> dict[str, str]:
    """The translation fields the form sent, `translations-<lang>-<field>`, as it sent them."""
    names = (f"translations-{lang}-{field}" for lang in LANGUAGES for field in fields)
    return {name: text(form, name) for name in names if name in form}


def translations_payload(
    values: Mapping[str, Any], fields: Iterable[str], *, lists: Collection[str] = ()
) -> dict[str, dict[str, Any] | None]:
    """The form's translations in the API's shape, for each language whose fields it holds: an
    empty field is no translation, and a language left empty has none (it is removed). A field
    in `lists` takes one entry per line."""
    given: dict[str, dict[str, Any] | None] = {}
    for lang in LANGUAGES:
        if f"translations-{lang}-title" not in values:
            continue
        texts: dict[str, Any] = {}
        for field in fields:
            value = values.get(f"translations-{lang}-{field}") or ""
            if value and field in lists:
                value = lines(value)
            if value:
                texts[field] = value
        given[lang] = texts or None
    return given


def lines(value: str) -> list[str]:
    """A field of one entry per line: its non-empty lines, stripped."""
    return [line.strip() for line in value.splitlines() if line.strip()]


def datetime_local(value: datetime | None, zone: str) -> str:
    """The value of a datetime-local input, in the event's time zone."""
    return "" if value is None else value.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def form_address(router: APIRouter, path: str, form_page: Callable[..., str]) -> None:
    """A GET on a form's address (what the address bar keeps after a refused post) goes to
    the page that holds the form, instead of a 405. `form_page` gets the path's parameters."""

    def back(request: Request, viewer: CurrentViewer) -> Response:
        return redirect(viewer, form_page(**request.path_params))

    router.add_api_route(path, back, methods=["GET"])


def moved(order: list[int], item: int, direction: str) -> list[int] | None:
    """`order` with `item` one place up (direction "up") or down; None where it cannot go
    (the first up, the last down): the move buttons of topics and sessions."""
    i = order.index(item)
    j = i - 1 if direction == "up" else i + 1
    if not 0 <= j < len(order):
        return None
    new = list(order)
    new[i], new[j] = new[j], new[i]
    return new
