from fastapi import APIRouter, Response

from app.auth.dependencies import AdminAccount
from app.deps import PageWindow, PathId, SessionDep
from app.openapi import problems
from app.pagination import Page
from app.webhooks import service
from app.webhooks.schemas import DeliveryPublic, WebhookCreate, WebhookCreated, WebhookPublic

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@router.post("", status_code=201, responses=problems(400, 401, 403, 409, 413, 422))
def create_webhook(data: WebhookCreate, actor: AdminAccount, session: SessionDep) -> WebhookCreated:
    """Register an endpoint for some event types. The answer carries its signing secret, in
    this response only: every delivery is signed with it as Standard Webhooks specifies (see
    the `webhooks` section of this document)."""
    return service.create(session, data=data, actor=actor)


@router.get("", responses=problems(401, 403, 422))
def list_webhooks(_: AdminAccount, session: SessionDep, page: PageWindow) -> Page[WebhookPublic]:
    """The webhooks (never their secrets), oldest first; `failing` marks one whose last
    delivery attempt failed."""
    items, total = service.listed(session, limit=page.limit, offset=page.offset)
    return Page(items=items, total=total)


@router.delete("/{id}", status_code=204, responses=problems(401, 403, 404, 422))
def delete_webhook(id: PathId, actor: AdminAccount, session: SessionDep) -> Response:
    """Remove a webhook; its deliveries still waiting are never sent."""
    service.delete(session, webhook_id=id, actor=actor)
    return Response(status_code=204)


@router.get("/{id}/deliveries", responses=problems(401, 403, 404, 422))
def list_deliveries(
    id: PathId, _: AdminAccount, session: SessionDep, page: PageWindow
) -> Page[DeliveryPublic]:
    """The webhook's deliveries, newest first, each with its state and attempts."""
    items, total = service.deliveries(session, webhook_id=id, limit=page.limit, offset=page.offset)
    return Page(items=items, total=total)


@router.post("/{id}/test", status_code=202, responses=problems(401, 403, 404, 422))
def send_test_event(id: PathId, actor: AdminAccount, session: SessionDep) -> DeliveryPublic:
    """Send this webhook a `webhook.test` event (after this answer, like every delivery)."""
    return service.send_test(session, webhook_id=id, actor=actor)
