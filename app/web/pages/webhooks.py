"""Webhooks, for administrators: register one (its secret is shown in the answer to the form,
once), see which are failing, send a test event, remove one, and read a webhook's deliveries.
The API's own service and schema do the work (app.webhooks)."""

from fastapi import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.deps import PathId, SessionDep
from app.pagination import MAX_LIMIT
from app.web.forms import FieldErrors
from app.web.i18n import N_
from app.web.pages.common import form_address, page_router
from app.web.rendering import redirect, render
from app.web.visitors import CheckedForm, CurrentViewer, Viewer, text, ticked
from app.webhooks import service as webhooks
from app.webhooks.events import WebhookEvent
from app.webhooks.schemas import WebhookCreate, WebhookCreated

router = page_router()
PAGE = "/admin/webhooks"
# The events' descriptions, marked for the catalogue.
EVENT_HINTS = {
    WebhookEvent.consultation_proposals_opened: N_("The call for topics opened."),
    WebhookEvent.consultation_opened: N_("A consultation opened for rating."),
    WebhookEvent.consultation_closed: N_("A consultation closed: its results are public."),
    WebhookEvent.consultation_reopened: N_("A closed consultation opened again."),
    WebhookEvent.consultation_finalized: N_("A consultation's agenda was finalized."),
    WebhookEvent.proposal_submitted: N_("A participant proposed a topic."),
}
assert set(EVENT_HINTS) == set(WebhookEvent)
STATUSES = {
    "pending": N_("Waiting to be retried"),
    "sending": N_("Sending"),
    "sent": N_("Delivered"),
    "failed": N_("Given up"),
}


ADMINS_ONLY = "Only an administrator can manage webhooks."


def _page(
    viewer: Viewer,
    session: Session,
    *,
    values: dict[str, object] | None = None,
    errors: FieldErrors | None = None,
    created: WebhookCreated | None = None,
    status: int = 200,
) -> Response:
    return render(
        viewer,
        "webhooks.html",
        status=status,
        webhooks=webhooks.listed(session, limit=MAX_LIMIT, offset=0)[0],
        events=EVENT_HINTS,
        values=values or {"url": "", "events": [], "description": ""},
        errors=errors,
        created=created,
    )


@router.get(PAGE)
def webhooks_page(viewer: CurrentViewer, session: SessionDep) -> Response:
    viewer.admin(ADMINS_ONLY)
    return _page(viewer, session)


@router.post(PAGE)
def register_webhook(viewer: CurrentViewer, form: CheckedForm, session: SessionDep) -> Response:
    actor = viewer.admin(ADMINS_ONLY)
    values: dict[str, object] = {
        "url": text(form, "url"),
        "events": ticked(form, "events"),
        "description": text(form, "description"),
    }
    try:
        data = WebhookCreate.model_validate(values | {"description": values["description"] or None})
    except ValidationError as exc:
        errors = FieldErrors.from_validation(exc)
        return _page(viewer, session, values=values, errors=errors, status=422)
    created = webhooks.create(session, data=data, actor=actor)
    return _page(viewer, session, created=created)


@router.get(PAGE + "/{id}")
def deliveries_page(id: PathId, viewer: CurrentViewer, session: SessionDep) -> Response:
    viewer.admin(ADMINS_ONLY)
    webhook = webhooks.shown(session, id)
    items, total = webhooks.deliveries(session, webhook_id=id, limit=100, offset=0)
    return render(
        viewer,
        "webhook_deliveries.html",
        webhook=webhook,
        deliveries=items,
        total=total,
        statuses=STATUSES,
    )


@router.post(PAGE + "/{id}/test")
def send_test_event(
    id: PathId, viewer: CurrentViewer, _: CheckedForm, session: SessionDep
) -> Response:
    webhooks.send_test(session, webhook_id=id, actor=viewer.admin(ADMINS_ONLY))
    return redirect(viewer, f"{PAGE}/{id}")


@router.post(PAGE + "/{id}/remove")
def remove_webhook(
    id: PathId, viewer: CurrentViewer, _: CheckedForm, session: SessionDep
) -> Response:
    webhooks.delete(session, webhook_id=id, actor=viewer.admin(ADMINS_ONLY))
    return redirect(viewer, PAGE)


form_address(router, PAGE + "/{id}/test", lambda id, **_: f"{PAGE}/{id}")
form_address(router, PAGE + "/{id}/remove", lambda **_: PAGE)
