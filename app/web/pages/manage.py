"""The secretariat's pages: a new consultation, its settings, the overview of what to do
next, and the lifecycle moves (open, close, reopen) behind a confirmation page. Each calls
the same service as the API, validated by the API's own schemas."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from fastapi import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.committee import service as committee
from app.consultations import lifecycle
from app.consultations import service as consultations
from app.consultations.dependencies import Access
from app.consultations.models import Consultation
from app.consultations.schemas import (
    RULE_FIELDS,
    ConsultationCreate,
    ConsultationUpdate,
    Rules,
    check_translated_labels,
)
from app.deps import SessionDep
from app.errors import Conflict, Invalid
from app.results import service as results
from app.translations import CONSULTATION_FIELDS
from app.web.forms import RULES as RULE_MESSAGES
from app.web.forms import FieldErrors, Message
from app.web.i18n import N_
from app.web.pages.common import (
    administered_for,
    datetime_local,
    lines,
    managed_for,
    page_router,
    render_consultation,
    submitted_translations,
    tabs,
    translation_values,
    translations_payload,
)
from app.web.rendering import redirect, render
from app.web.visitors import CheckedForm, CurrentViewer, Viewer, text

router = page_router()

BACKGROUND = (
    "title",
    "forum",
    "edition",
    "city",
    "country",
    "starts_on",
    "ends_on",
    "timezone",
    "secretariat",
    "description",
    "closes_at",
    "language",
)
# The scale's level names in a translation: one per line, as the original's (they freeze with
# the rules).
LABELS = "scale_labels"
RULES = (
    "scale_min",
    "scale_max",
    "scale_labels",
    "default_method",
    "prior_weight",
    "min_group_size",
    "agenda_size",
    "seats_per_group",
    "live_results",
)
ZONES = sorted(available_timezones())
CREATORS_ONLY = "Only an administrator can create a consultation."


def _values(consultation: Consultation) -> dict[str, Any]:
    """The consultation's settings as the form shows them."""
    values: dict[str, Any] = {}
    for name in BACKGROUND + RULES:
        value = getattr(consultation, name)
        values[name] = "" if value is None else value
    values["scale_labels"] = "\n".join(consultation.scale_labels or [])
    values["closes_at"] = datetime_local(consultation.closes_at, consultation.timezone)
    values["starts_on"] = str(consultation.starts_on or "")
    values["ends_on"] = str(consultation.ends_on or "")
    return values | translation_values(consultation, consultation.translations, CONSULTATION_FIELDS)


def _submitted(form: FormData, names: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {name: text(form, name) for name in names}
    values |= submitted_translations(form, CONSULTATION_FIELDS)
    values["scale_labels"] = str(form.get("scale_labels") or "").strip()
    values["live_results"] = "live_results" in form
    return values


def _payload(values: dict[str, Any], errors: FieldErrors) -> dict[str, Any]:
    """The form in the API's shape: an empty field is "not given" (the default, or none)."""
    payload = {
        k: v
        for k, v in values.items()
        if v != "" and k != "live_results" and not k.startswith("translations-")
    }
    payload["live_results"] = bool(values.get("live_results"))
    translations = translations_payload(values, CONSULTATION_FIELDS, lists={LABELS})
    if translations:
        payload["translations"] = translations
    if values.get("scale_labels"):
        payload["scale_labels"] = lines(values["scale_labels"])
    if values.get("closes_at"):
        zone = values.get("timezone") if values.get("timezone") in available_timezones() else "UTC"
        try:
            local = datetime.fromisoformat(values["closes_at"])
            payload["closes_at"] = local.replace(tzinfo=ZoneInfo(str(zone)))
        except ValueError:
            del payload["closes_at"]
            errors.add("closes_at", Message(N_("Enter a date and time.")))
    return payload


def _check_translated_labels(payload: dict[str, Any], errors: FieldErrors) -> None:
    """Each language's level names counted against the scale as the API counts them, the
    error next to that language's field (the API's own check cannot say which language)."""
    try:
        given = {k: payload[k] for k in ("scale_min", "scale_max") if k in payload}
        scale = Rules.model_validate(given)
    except ValidationError:
        return  # the scale's own fields say what is wrong with it
    for lang, texts in (payload.get("translations") or {}).items():
        try:
            check_translated_labels(scale.scale_min, scale.scale_max, {lang: texts})
        except ValueError as exc:
            errors.add(f"translations-{lang}-{LABELS}", Message(RULE_MESSAGES[str(exc)]))
            del texts[LABELS]  # said once, next to its field


def _form(
    viewer: Viewer,
    session: Session,
    *,
    values: dict[str, Any],
    errors: FieldErrors,
    access: Access | None = None,
    status: int = 200,
) -> Response:
    sources = (
        []
        if access
        else consultations.list_visible(session, account=viewer.account, limit=500, offset=0)[0]
    )
    consultation = access.consultation if access else None
    return render(
        viewer,
        "consultation_form.html",
        status=status,
        consultation=consultation,
        tabs=tabs(access) if access else None,
        values=values,
        errors=errors,
        methods=results.methods(),
        zones=ZONES,
        sources=[(c.slug, c.title) for c in sources],
        rules_editable=consultation is None or lifecycle.rules_editable(consultation.state),
    )


@router.get("/consultations/new")
def new_consultation_page(viewer: CurrentViewer, session: SessionDep) -> Response:
    viewer.admin(CREATORS_ONLY)
    defaults = {
        name: "" if field.is_required() else field.get_default()
        for name, field in ConsultationCreate.model_fields.items()
    }
    values = {k: ("" if v is None else v) for k, v in defaults.items()} | {"scale_labels": ""}
    return _form(viewer, session, values=values, errors=FieldErrors())


@router.post("/consultations/new")
def create_consultation(viewer: CurrentViewer, form: CheckedForm, session: SessionDep) -> Response:
    viewer.admin(CREATORS_ONLY)
    assert viewer.account is not None
    values = _submitted(form, ("slug", "copy_topics_from", *BACKGROUND, *RULES))
    errors = FieldErrors()
    payload = _payload(values, errors)
    try:
        data = ConsultationCreate.model_validate(payload)
    except ValidationError as exc:
        errors.merge(FieldErrors.from_validation(exc))
    if not errors:
        try:
            created = consultations.create(session, data=data, actor=viewer.account)
        except Conflict:
            errors.add("slug", Message(N_("This address is taken; choose another.")))
        except Invalid as exc:
            errors = FieldErrors.from_invalid(exc, fallback="form")
        else:
            return redirect(viewer, f"/c/{created.slug}/topics", flash="consultation-created")
    return _form(viewer, session, values=values, errors=errors, status=422)


@router.get("/c/{slug}/settings")
def settings_page(slug: str, viewer: CurrentViewer, session: SessionDep) -> Response:
    access = administered_for(session, slug, viewer)
    values = _values(access.consultation)
    return _form(viewer, session, values=values, errors=FieldErrors(), access=access)


@router.post("/c/{slug}/settings")
def save_settings(
    slug: str, viewer: CurrentViewer, form: CheckedForm, session: SessionDep
) -> Response:
    access = administered_for(session, slug, viewer)
    consultation = access.consultation
    editable = lifecycle.rules_editable(consultation.state)
    values = _submitted(form, BACKGROUND + (RULES if editable else ()))
    current = _values(consultation)
    stored = {k: v for k, v in current.items() if k.startswith("translations-") and LABELS in k}
    if not editable:  # the rules and the levels' names are frozen: shown, not sent
        values |= {name: current[name] for name in RULES} | stored
    else:  # a form without a language's names leaves them as they are
        values = stored | values
    errors = FieldErrors()
    payload = _payload(values, errors)
    _check_translated_labels(payload, errors)
    # The whole set, validated as a new consultation would be: field and rule errors at once.
    try:
        ConsultationCreate.model_validate(payload | {"slug": consultation.slug})
    except ValidationError as exc:
        errors.merge(FieldErrors.from_validation(exc))
    if not errors:
        names = [n for n in BACKGROUND + RULES if editable or n not in RULE_FIELDS]
        names += ["translations"] if "translations" in payload else []
        changes = {
            n: payload.get(n)
            for n in names
            if not (n in ("timezone", "language") and n not in payload)
        }
        try:
            data = ConsultationUpdate.model_validate(changes)
            consultations.update(session, consultation=consultation, data=data, actor=access.actor)
        except ValidationError as exc:
            errors.merge(FieldErrors.from_validation(exc))
        except Invalid as exc:
            errors = FieldErrors.from_invalid(exc, fallback="form")
    if errors:
        return _form(viewer, session, values=values, errors=errors, access=access, status=422)
    return redirect(viewer, f"/c/{slug}/manage", flash="settings-saved")


@router.get("/c/{slug}/manage")
def manage_page(slug: str, viewer: CurrentViewer, session: SessionDep) -> Response:
    access = managed_for(session, slug, viewer)
    consultation = access.consultation
    state = consultation.state
    return render_consultation(
        viewer,
        access,
        "manage.html",
        counts=consultations.counts(session, [consultation.id])[consultation.id],
        committee=committee.committee(session, consultation),
        moves=[m.value for m in MOVES if (state, m) in lifecycle.TRANSITIONS],
        is_admin=access.is_admin,
    )


MOVES = (lifecycle.Move.open, lifecycle.Move.close, lifecycle.Move.reopen)
FLASH_OF_MOVE = {"open": "opened", "close": "closed", "reopen": "reopened"}


def _confirmation(
    viewer: Viewer,
    session: Session,
    access: Access,
    move: lifecycle.Move,
    *,
    refused: str | None = None,
    status: int = 200,
) -> Response:
    consultation = access.consultation
    state = consultation.state
    return render_consultation(
        viewer,
        access,
        "lifecycle.html",
        status=status,
        move=move.value,
        allowed=(state, move) in lifecycle.TRANSITIONS,
        counts=consultations.counts(session, [consultation.id])[consultation.id],
        refused=refused,
    )


def _lifecycle_pages(move: lifecycle.Move) -> None:
    def confirm(slug: str, viewer: CurrentViewer, session: SessionDep) -> Response:
        access = administered_for(session, slug, viewer)
        return _confirmation(viewer, session, access, move)

    def act(slug: str, viewer: CurrentViewer, _: CheckedForm, session: SessionDep) -> Response:
        access = administered_for(session, slug, viewer)
        try:
            consultations.move(
                session, consultation=access.consultation, move=move, actor=access.actor
            )
        except Conflict as exc:
            return _confirmation(viewer, session, access, move, refused=exc.detail, status=409)
        return redirect(viewer, f"/c/{slug}/manage", flash=FLASH_OF_MOVE[move.value])

    router.add_api_route(f"/c/{{slug}}/{move.value}", confirm, methods=["GET"])
    router.add_api_route(f"/c/{{slug}}/{move.value}", act, methods=["POST"])


for _move in MOVES:
    _lifecycle_pages(_move)
