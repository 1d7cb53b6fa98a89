"""The outbox's handler for webhook deliveries: one signed POST per attempt, with a timeout.

It runs in the background sender's worker thread, after the action that queued the event
committed, so a slow or failing receiver delays only its own delivery, never a request. A 2xx
answer is success; any other status, a timeout or an unreachable host is a passing failure,
tried again with the outbox's growing back-off until its attempts run out. Redirects are not
followed (a receiver that moved is told so by its failing deliveries)."""

import logging
import time

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db import transaction
from app.outbox.delivery import Delivery, Handler, Outcome
from app.webhooks.models import Webhook
from app.webhooks.signing import headers

log = logging.getLogger("consulta.webhooks")
USER_AGENT = "Consulta-Webhooks/1"


def http_handler(
    sessions: sessionmaker[Session],
    *,
    timeout: float,
    transport: httpx.BaseTransport | None = None,
) -> Handler:
    def secret_of(webhook_id: int) -> str | None:
        with transaction(sessions) as session:
            return session.scalar(select(Webhook.secret).where(Webhook.id == webhook_id))

    def deliver(delivery: Delivery) -> Outcome:
        payload = delivery.payload
        secret = secret_of(int(payload["webhook"]))
        if secret is None:
            return Outcome("failed", detail="the webhook was removed")
        content = str(payload["body"]).encode()
        signed = headers(secret, str(payload["id"]), int(time.time()), content)
        request_headers = signed | {"content-type": "application/json", "user-agent": USER_AGENT}
        try:
            with (
                httpx.Client(timeout=timeout, transport=transport) as client,
                client.stream(
                    "POST", delivery.target, content=content, headers=request_headers
                ) as response,
            ):
                status = response.status_code
        except httpx.TimeoutException:
            return Outcome("retry", detail=f"no answer within {timeout:g} s")
        except httpx.HTTPError as exc:
            return Outcome("retry", detail=f"unreachable: {type(exc).__name__}: {exc}")
        if 200 <= status < 300:
            log.info("webhook %s (%s) delivered: %s", delivery.id, payload["event"], status)
            return Outcome("sent", response_status=status)
        return Outcome("retry", detail=f"answered HTTP {status}", response_status=status)

    return deliver
