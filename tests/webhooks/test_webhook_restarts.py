"""Deliveries in real server processes: a receiver that refuses, then comes back, and restarts
of the service in between: every event arrives, signed, and none is accepted twice."""

from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from app.models import OutboxMessage, WebhookDelivery
from tests.mail import outbox_of
from tests.outbox.test_sender_process import wait_until
from tests.processes import ADMIN_EMAIL, ADMIN_ENV, CHEAP_HASHING, bearer, served
from tests.webhook_receiver import webhook_receiver
from tests.webhooks.signatures import verified

FAST = {
    "CONSULTA_OUTBOX_POLL_SECONDS": "0.2",
    "CONSULTA_OUTBOX_RETRY_SECONDS": "0.2",
    "CONSULTA_OUTBOX_RETRY_MAX_SECONDS": "0.4",
    "CONSULTA_WEBHOOK_TIMEOUT_SECONDS": "5",
}
API = "/api/v1"


def deliveries(database_url: str) -> list[tuple[str, str, int]]:
    """(webhook-id, status, attempts) of every delivery."""
    with outbox_of(database_url) as sessions, sessions() as session:
        query = select(
            WebhookDelivery.webhook_message_id, OutboxMessage.status, OutboxMessage.attempts
        ).join(OutboxMessage, OutboxMessage.id == WebhookDelivery.message_id)
        return [(row[0], row[1], row[2]) for row in session.execute(query)]


def lifecycle(base: str, slug: str, *moves: str) -> None:
    with httpx.Client(base_url=base, timeout=30) as http:
        boss = bearer(http, ADMIN_EMAIL)
        for step in moves:
            response = http.post(f"{API}/consultations/{slug}/{step}", headers=boss)
            assert response.status_code == 200, response.text


@pytest.mark.slow
def test_no_event_is_lost_across_refusals_and_restarts(tmp_path: Path, database_url: str) -> None:
    env = CHEAP_HASHING | ADMIN_ENV | FAST
    with webhook_receiver() as receiver:
        receiver.status = 503
        with served(tmp_path, database_url, workers=2, env=env) as (base, _):
            with httpx.Client(base_url=base, timeout=30) as http:
                boss = bearer(http, ADMIN_EMAIL)
                events = ["consultation.opened", "consultation.closed", "consultation.reopened"]
                created = http.post(
                    f"{API}/webhooks", json={"url": receiver.url, "events": events}, headers=boss
                )
                assert created.status_code == 201, created.text
                secret = created.json()["secret"]
                body = {"slug": "restarts", "title": "R", "forum": "F", "edition": "1"}
                assert http.post(f"{API}/consultations", json=body, headers=boss).is_success
                topic = {"title": "Access"}
                added = http.post(f"{API}/consultations/restarts/topics", json=topic, headers=boss)
                assert added.status_code == 201, added.text
            lifecycle(base, "restarts", "open", "close")  # answered while the receiver refuses
            wait_until(
                lambda: (
                    len(deliveries(database_url)) == 2
                    and all(attempts >= 2 for _, _, attempts in deliveries(database_url))
                ),
                "every delivery tried twice",
            )
        assert {status for _, status, _ in deliveries(database_url)} == {"pending"}
        assert all(r.status == 503 for r in receiver.received())

        receiver.status = 200
        with served(tmp_path, database_url, workers=2, env=env) as (base, _):
            lifecycle(base, "restarts", "reopen")
            wait_until(
                lambda: [s for _, s, _ in deliveries(database_url)] == ["sent"] * 3,
                "every delivery recorded as sent",
            )

        # Once more: a restarted service sends nothing again; the event of a last move arrives
        # after its sender has looked at every older delivery.
        with served(tmp_path, database_url, env=env) as (base, _):
            lifecycle(base, "restarts", "close")
            wait_until(lambda: len(deliveries(database_url)) == 4, "the last delivery queued")
            wait_until(
                lambda: {s for _, s, _ in deliveries(database_url)} == {"sent"},
                "the last delivery sent",
            )

        accepted = [r for r in receiver.received() if r.status == 200]
        ids = [r.headers["webhook-id"] for r in accepted]
        assert len(ids) == len(set(ids)) == 4
        assert set(ids) == {message_id for message_id, _, _ in deliveries(database_url)}
        types = [verified(secret, r)["type"] for r in accepted]
        assert sorted(types) == [
            "consultation.closed",
            "consultation.closed",
            "consultation.opened",
            "consultation.reopened",
        ]
        refused_ids = {r.headers["webhook-id"] for r in receiver.received() if r.status == 503}
        assert refused_ids <= set(ids)  # the refused ones were retried under the same id
