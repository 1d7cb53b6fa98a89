"""Webhooks: registered by administrators, each for some event types and with its own signing
secret. An event is written to the outbox (kind `webhook`), one message per subscribed
webhook, in the transaction of the action that caused it: it is delivered only if that action
commits, after the commit, by the outbox's background sender (app.webhooks.sender), with
retries. A webhook's deliveries and the state of each are read back from the outbox."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.models import Account
from app.db import utcnow
from app.errors import Conflict, NotFound
from app.outbox import service as outbox
from app.outbox.models import OutboxAttempt, OutboxMessage
from app.webhooks import events as event_types
from app.webhooks.events import TEST_EVENT, WebhookEvent
from app.webhooks.models import Webhook, WebhookDelivery
from app.webhooks.schemas import DeliveryPublic, WebhookCreate, WebhookCreated, WebhookPublic
from app.webhooks.signing import new_message_id, new_secret

KIND = "webhook"
MAX_WEBHOOKS = 50
# With the outbox's default back-off (30 s, doubling, at most an hour between attempts) the
# attempts span about five hours; see docs/api.md.
MAX_ATTEMPTS = 12
FAILED_OUTCOMES = ("retry", "failed")


def body(event_type: str, data: dict[str, Any], *, at: datetime | None = None) -> str:
    """The JSON body every attempt sends, byte for byte (it is what the signature covers)."""
    moment = (at or utcnow()).isoformat().replace("+00:00", "Z")
    document = {"type": event_type, "timestamp": moment, "data": data}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str)


def _enqueue(session: Session, webhook: Webhook, event_type: str, text: str) -> WebhookDelivery:
    message_id = new_message_id()
    message = outbox.enqueue(
        session,
        kind=KIND,
        target=webhook.url,
        summary=event_type,
        payload={"webhook": webhook.id, "id": message_id, "event": event_type, "body": text},
        max_attempts=MAX_ATTEMPTS,
    )
    session.flush()
    delivery = WebhookDelivery(
        message_id=message.id,
        webhook_id=webhook.id,
        event=event_type,
        webhook_message_id=message_id,
        created_at=message.created_at,
    )
    session.add(delivery)
    return delivery


def emit(session: Session, event_type: WebhookEvent | str, data: dict[str, Any]) -> int:
    """Queues `event_type` with `data` (the object as the API shows it, JSON-ready) for every
    webhook subscribed to it, in the caller's transaction: nothing is sent unless it commits.
    Returns how many deliveries were queued."""
    event = WebhookEvent(event_type)
    text = body(event.value, data)
    queued = 0
    for webhook in session.scalars(select(Webhook).order_by(Webhook.id)):
        if event in event_types.decode(webhook.events):
            _enqueue(session, webhook, event.value, text)
            queued += 1
    if queued:
        session.flush()
    return queued


# Administration


def _get(session: Session, webhook_id: int) -> Webhook:
    webhook = session.get(Webhook, webhook_id)
    if webhook is None:
        raise NotFound(f"No webhook {webhook_id}.")
    return webhook


def create(session: Session, *, data: WebhookCreate, actor: Account) -> WebhookCreated:
    held = session.scalar(select(func.count()).select_from(Webhook)) or 0
    if held >= MAX_WEBHOOKS:
        raise Conflict(f"At most {MAX_WEBHOOKS} webhooks can be registered; remove one first.")
    webhook = Webhook(
        url=data.url,
        events=event_types.encode(data.events),
        description=data.description or None,
        secret=new_secret(),
        created_by=actor.id,
        created_at=utcnow(),
    )
    session.add(webhook)
    session.flush()
    audit.record(
        session,
        "webhook.create",
        actor=actor,
        target=("webhook", webhook.id),
        detail={"url": webhook.url, "events": webhook.events},
    )
    return WebhookCreated(
        id=webhook.id,
        url=webhook.url,
        events=event_types.decode(webhook.events),
        description=webhook.description,
        secret=webhook.secret,
    )


@dataclass(frozen=True)
class Health:
    last_success_at: datetime | None
    failing_since: datetime | None


def _health(session: Session, webhook_ids: Sequence[int]) -> dict[int, Health]:
    """Per webhook: its last successful attempt, and the first failed attempt since then (a
    webhook is failing while that is set)."""
    if not webhook_ids:
        return {}
    last_successes = session.execute(
        select(WebhookDelivery.webhook_id, func.max(OutboxAttempt.finished_at))
        .join(OutboxAttempt, OutboxAttempt.message_id == WebhookDelivery.message_id)
        .where(WebhookDelivery.webhook_id.in_(webhook_ids), OutboxAttempt.outcome == "sent")
        .group_by(WebhookDelivery.webhook_id)
    )
    successes: dict[int, datetime] = {row[0]: row[1] for row in last_successes}
    health: dict[int, Health] = {}
    for webhook_id in webhook_ids:
        last_ok = successes.get(webhook_id)
        conditions: list[ColumnElement[bool]] = [
            WebhookDelivery.webhook_id == webhook_id,
            OutboxAttempt.outcome.in_(FAILED_OUTCOMES),
        ]
        if last_ok is not None:
            conditions.append(OutboxAttempt.started_at > last_ok)
        first_failure = session.scalar(
            select(func.min(OutboxAttempt.started_at))
            .join(WebhookDelivery, WebhookDelivery.message_id == OutboxAttempt.message_id)
            .where(*conditions)
        )
        health[webhook_id] = Health(last_ok, first_failure)
    return health


def listed(session: Session, *, limit: int, offset: int) -> tuple[list[WebhookPublic], int]:
    """A window of the webhooks, oldest first, and how many there are."""
    total = session.scalar(select(func.count()).select_from(Webhook))
    webhooks = session.scalars(
        select(Webhook).order_by(Webhook.id).limit(limit).offset(offset)
    ).all()
    return _public(session, webhooks), total or 0


def shown(session: Session, webhook_id: int) -> WebhookPublic:
    """One webhook as the list shows it (404 if there is none)."""
    return _public(session, [_get(session, webhook_id)])[0]


def _public(session: Session, webhooks: Sequence[Webhook]) -> list[WebhookPublic]:
    health = _health(session, [w.id for w in webhooks])
    return [
        WebhookPublic(
            id=w.id,
            url=w.url,
            events=event_types.decode(w.events),
            description=w.description,
            created_at=w.created_at,
            failing=health[w.id].failing_since is not None,
            failing_since=health[w.id].failing_since,
            last_success_at=health[w.id].last_success_at,
        )
        for w in webhooks
    ]


def delete(session: Session, *, webhook_id: int, actor: Account) -> None:
    """Removes the webhook; its deliveries still waiting are given up (never sent)."""
    webhook = _get(session, webhook_id)
    waiting = select(WebhookDelivery.message_id).where(WebhookDelivery.webhook_id == webhook_id)
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(waiting), OutboxMessage.status == "pending")
        .values(status="failed", last_error="the webhook was removed")
    )
    session.delete(webhook)
    audit.record(
        session,
        "webhook.delete",
        actor=actor,
        target=("webhook", webhook_id),
        detail={"url": webhook.url},
    )


def _delivery_query(webhook_id: int) -> Any:
    last_status = (
        select(OutboxAttempt.response_status)
        .where(OutboxAttempt.message_id == OutboxMessage.id)
        .order_by(OutboxAttempt.number.desc())
        .limit(1)
        .correlate(OutboxMessage)
        .scalar_subquery()
    )
    return (
        select(WebhookDelivery, OutboxMessage, last_status.label("response_status"))
        .join(OutboxMessage, OutboxMessage.id == WebhookDelivery.message_id)
        .where(WebhookDelivery.webhook_id == webhook_id)
    )


def _delivery_public(
    delivery: WebhookDelivery, message: OutboxMessage, response_status: int | None
) -> DeliveryPublic:
    status = message.status if message.status in ("pending", "sending", "sent") else "failed"
    return DeliveryPublic(
        id=delivery.message_id,
        event=delivery.event,
        status=status,
        attempts=message.attempts,
        max_attempts=message.max_attempts,
        response_status=response_status,
        next_attempt_at=message.next_attempt_at if status == "pending" else None,
        message_id=delivery.webhook_message_id,
        last_error=message.last_error,
        created_at=delivery.created_at,
        sent_at=message.sent_at,
    )


def deliveries(
    session: Session, *, webhook_id: int, limit: int, offset: int
) -> tuple[list[DeliveryPublic], int]:
    """The webhook's deliveries, newest first."""
    _get(session, webhook_id)
    total = session.scalar(
        select(func.count())
        .select_from(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook_id)
    )
    rows = session.execute(
        _delivery_query(webhook_id)
        .order_by(WebhookDelivery.message_id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [_delivery_public(*row) for row in rows], total or 0


def send_test(session: Session, *, webhook_id: int, actor: Account) -> DeliveryPublic:
    """Queues a `webhook.test` event for this webhook alone."""
    webhook = _get(session, webhook_id)
    data = {"webhook_id": webhook.id, "requested_by": actor.id}
    delivery = _enqueue(session, webhook, TEST_EVENT, body(TEST_EVENT, data))
    session.flush()
    row = session.execute(
        _delivery_query(webhook_id).where(WebhookDelivery.message_id == delivery.message_id)
    ).one()
    return _delivery_public(*row)
