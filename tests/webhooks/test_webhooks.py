"""Webhooks end to end: an administrator registers a real HTTP receiver on a loopback port,
the consultation's lifecycle sends it signed events after each move commits, and the outbox's
sender retries what the receiver refused, timed out on, or could not be reached for."""

import asyncio
import base64
import json
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from standardwebhooks.webhooks import Webhook as ReferenceVerifier

from app.config import Settings
from app.consultations import lifecycle
from app.consultations.service import MOVE_EVENTS
from app.db import transaction, utcnow
from app.main import create_app
from app.models import OutboxMessage, Webhook, WebhookDelivery
from app.outbox.dispatcher import Backoff
from app.webhooks import service as webhooks
from app.webhooks import signing
from app.webhooks.service import MAX_ATTEMPTS
from tests.actors import API, Actor, add_topics, admin, create_consultation, move, register
from tests.agenda.edition import add_sessions, closed_edition
from tests.databases import Reader
from tests.processes import free_port
from tests.snapshots import assert_unchanged, snapshot
from tests.webhook_receiver import Receiver, webhook_receiver
from tests.webhooks.signatures import expected_signature, verified

EVENTS = ["consultation.opened", "consultation.closed"]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as server:
        yield server


@pytest.fixture
async def hooked(settings: Settings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The app with a short delivery timeout, so the timeout test waits little."""
    app = create_app(settings.model_copy(update={"webhook_timeout_seconds": 1.0}))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://consulta.test") as client:
        yield app, client
    app.state.engine.dispose()


async def register_webhook(
    client: httpx.AsyncClient, boss: Actor, url: str, events: list[str] | None = None
) -> dict[str, Any]:
    body = {"url": url, "events": events or EVENTS, "description": "The forum's website"}
    response = await client.post(f"{API}/webhooks", json=body, headers=boss.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def send(app: FastAPI) -> int:
    handled: int = await app.state.outbox.drain()
    return handled


def due_now(app: FastAPI) -> None:
    """Skips the back-off: every waiting delivery is due at once."""
    with transaction(app.state.sessions, write=True) as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "pending")
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )


async def deliveries(client: httpx.AsyncClient, boss: Actor, webhook_id: int) -> list[Any]:
    response = await client.get(f"{API}/webhooks/{webhook_id}/deliveries", headers=boss.headers)
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == len(page["items"])
    items: list[Any] = page["items"]
    return items


async def listed(client: httpx.AsyncClient, boss: Actor) -> dict[int, Any]:
    response = await client.get(f"{API}/webhooks", headers=boss.headers)
    assert response.status_code == 200, response.text
    return {w["id"]: w for w in response.json()["items"]}


async def test_register_list_and_remove_a_webhook(client: httpx.AsyncClient, app: FastAPI) -> None:
    boss = await admin(client, app)
    url = "https://forum.example/hooks/consulta?site=lacigf"
    created = await register_webhook(
        client, boss, url, ["consultation.closed", "proposal.submitted"]
    )
    assert set(created) >= {"id", "url", "events", "secret"}
    assert created["url"] == url
    assert created["events"] == ["consultation.closed", "proposal.submitted"]
    assert created["secret"].startswith("whsec_")
    assert len(base64.b64decode(created["secret"].removeprefix("whsec_"), validate=True)) == 32
    other = await register_webhook(client, boss, "http://127.0.0.1:9/x")
    assert other["secret"] != created["secret"]

    shown = await listed(client, boss)
    assert list(shown) == [created["id"], other["id"]]
    first = shown[created["id"]]
    assert "secret" not in first
    assert first["description"] == "The forum's website"
    assert (first["failing"], first["failing_since"], first["last_success_at"]) == (
        False,
        None,
        None,
    )
    assert created["secret"] not in (await client.get(f"{API}/webhooks", headers=boss.headers)).text

    removed = await client.delete(f"{API}/webhooks/{created['id']}", headers=boss.headers)
    assert removed.status_code == 204
    assert list(await listed(client, boss)) == [other["id"]]
    again = await client.delete(f"{API}/webhooks/{created['id']}", headers=boss.headers)
    assert again.status_code == 404
    assert again.headers["content-type"] == "application/problem+json"


async def test_the_webhook_list_is_paged_like_every_list(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    ids = [
        (await register_webhook(client, boss, f"https://forum.example/h{i}"))["id"]
        for i in range(3)
    ]
    url = f"{API}/webhooks"

    async def page(query: str) -> tuple[list[int], int]:
        response = await client.get(f"{url}?{query}", headers=boss.headers)
        assert response.status_code == 200, response.text
        return [w["id"] for w in response.json()["items"]], response.json()["total"]

    assert await page("limit=1") == ([ids[0]], 3)
    assert await page("limit=2&offset=1") == (ids[1:], 3)
    assert await page("offset=3") == ([], 3)
    for bad in ("limit=0", "limit=501", "limit=ten", "offset=-1"):
        response = await client.get(f"{url}?{bad}", headers=boss.headers)
        assert response.status_code == 422, bad
        assert response.json()["errors"][0]["loc"][0] == "query"


BAD_URLS = [
    ("ftp://forum.example/hook", "http"),
    ("javascript:alert(1)", "http"),
    ("file:///etc/passwd", "http"),
    ("forum.example/hook", "http"),
    ("https://user:secret@forum.example/hook", "credentials"),
    ("https://token@forum.example/hook", "credentials"),
    ("https:///hook", "host"),
    ("https://forum.example:99999/hook", "valid URL"),
    ("https://forum.example/a hook", "spaces"),
    ("https://forum.example/\u0007", "control"),
    ("https://forum.example/" + "a" * 2000, "2000"),
    ("", "at least 1"),
]


@pytest.mark.parametrize(("url", "reason"), BAD_URLS, ids=[u[:40] or "empty" for u, _ in BAD_URLS])
async def test_a_bad_url_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, app: FastAPI, url: str, reason: str
) -> None:
    boss = await admin(client, app)
    before = snapshot(app)
    body = {"url": url, "events": EVENTS}
    response = await client.post(f"{API}/webhooks", json=body, headers=boss.headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert any(e["loc"][-1] == "url" or "url" in e["loc"] for e in problem["errors"]), problem
    assert reason in json.dumps(problem), problem
    assert_unchanged(app, before, method="POST", path="/webhooks", status=422)


async def test_lifecycle_events_arrive_signed_after_the_move_commits(
    client: httpx.AsyncClient, app: FastAPI, receiver: Receiver
) -> None:
    boss = await admin(client, app)
    hook = await register_webhook(client, boss, receiver.url)
    others = await register_webhook(
        client, boss, receiver.url + "/reopen", ["consultation.reopened"]
    )
    slug = str((await create_consultation(client, boss))["slug"])
    await add_topics(client, boss, slug, ["Access"])
    opened = await client.post(f"{API}/consultations/{slug}/open", headers=boss.headers)
    assert opened.status_code == 200
    assert receiver.received() == []  # sent after the answer, by the background sender
    assert await send(app) == 1
    await move(client, boss, slug, "close")
    assert await send(app) == 1

    first, second = receiver.received()
    assert first.path == second.path == "/hooks/consulta"
    assert first.headers["content-type"] == "application/json"
    assert first.headers["webhook-id"] != second.headers["webhook-id"]
    assert first.headers["webhook-id"].startswith("msg_")
    assert first.headers["webhook-timestamp"].isdigit()
    opened_event = verified(hook["secret"], first)
    closed_event = verified(hook["secret"], second)
    assert opened_event["type"] == "consultation.opened"
    assert closed_event["type"] == "consultation.closed"
    assert opened_event["timestamp"].endswith("Z")
    # The consultation as the API shows it, in the state the move left it.
    assert opened_event["data"] == opened.json()
    shown = (await client.get(f"{API}/consultations/{slug}", headers=boss.headers)).json()
    assert closed_event["data"] == shown
    assert closed_event["data"]["state"] == "closed"

    items = await deliveries(client, boss, hook["id"])
    assert [(d["event"], d["status"], d["attempts"], d["response_status"]) for d in items] == [
        ("consultation.closed", "sent", 1, 200),
        ("consultation.opened", "sent", 1, 200),
    ]
    assert all(d["next_attempt_at"] is None for d in items)
    assert [d["message_id"] for d in items] == [
        second.headers["webhook-id"],
        first.headers["webhook-id"],
    ]
    assert await deliveries(client, boss, others["id"]) == []
    state = (await listed(client, boss))[hook["id"]]
    assert state["failing"] is False
    assert state["last_success_at"] is not None


async def test_a_500_is_retried_and_the_webhook_is_marked_failing_until_it_recovers(
    client: httpx.AsyncClient, app: FastAPI, receiver: Receiver
) -> None:
    boss = await admin(client, app)
    hook = await register_webhook(client, boss, receiver.url)
    receiver.status = 500
    tested = await client.post(f"{API}/webhooks/{hook['id']}/test", headers=boss.headers)
    assert tested.status_code == 202, tested.text
    assert tested.json()["status"] == "pending"
    assert tested.json()["event"] == "webhook.test"
    assert await send(app) == 1
    [delivery] = await deliveries(client, boss, hook["id"])
    assert (delivery["status"], delivery["attempts"], delivery["response_status"]) == (
        "pending",
        1,
        500,
    )
    assert delivery["next_attempt_at"] is not None
    assert "500" in delivery["last_error"]
    state = (await listed(client, boss))[hook["id"]]
    assert state["failing"] is True
    assert state["failing_since"] is not None
    assert await send(app) == 0  # not due yet: it waits out its back-off

    receiver.status = 204
    due_now(app)
    assert await send(app) == 1
    [delivery] = await deliveries(client, boss, hook["id"])
    assert (delivery["status"], delivery["attempts"], delivery["response_status"]) == (
        "sent",
        2,
        204,
    )
    refused, accepted = receiver.received()
    assert refused.headers["webhook-id"] == accepted.headers["webhook-id"]
    assert refused.body == accepted.body
    body = verified(hook["secret"], accepted)
    assert body["type"] == "webhook.test"
    assert body["data"]["webhook_id"] == hook["id"]
    state = (await listed(client, boss))[hook["id"]]
    assert (state["failing"], state["failing_since"]) == (False, None)


async def test_a_receiver_that_times_out_is_retried(
    hooked: tuple[FastAPI, httpx.AsyncClient], receiver: Receiver
) -> None:
    app, client = hooked
    boss = await admin(client, app)
    hook = await register_webhook(client, boss, receiver.url)
    receiver.delay = 3  # the app waits 1 s
    await client.post(f"{API}/webhooks/{hook['id']}/test", headers=boss.headers)
    assert await send(app) == 1
    [delivery] = await deliveries(client, boss, hook["id"])
    assert (delivery["status"], delivery["attempts"], delivery["response_status"]) == (
        "pending",
        1,
        None,
    )
    assert "no answer within 1 s" in delivery["last_error"]
    assert (await listed(client, boss))[hook["id"]]["failing"] is True
    receiver.delay = 0
    due_now(app)
    assert await send(app) == 1
    [delivery] = await deliveries(client, boss, hook["id"])
    assert (delivery["status"], delivery["attempts"]) == ("sent", 2)


async def test_an_unreachable_receiver_is_retried_then_given_up_and_stays_failing(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    hook = await register_webhook(client, boss, f"http://127.0.0.1:{free_port()}/gone")
    await client.post(f"{API}/webhooks/{hook['id']}/test", headers=boss.headers)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert await send(app) == 1
        [delivery] = await deliveries(client, boss, hook["id"])
        assert delivery["attempts"] == attempt
        assert "unreachable" in delivery["last_error"]
        due_now(app)
    assert delivery["status"] == "failed"
    assert delivery["next_attempt_at"] is None
    assert await send(app) == 0
    state = (await listed(client, boss))[hook["id"]]
    assert state["failing"] is True


def test_the_back_off_spans_at_least_five_attempts_over_at_least_an_hour() -> None:
    defaults = Settings()
    backoff = Backoff(
        base=timedelta(seconds=defaults.outbox_retry_seconds),
        cap=timedelta(seconds=defaults.outbox_retry_max_seconds),
    )
    waits = [backoff.after(attempt) for attempt in range(1, MAX_ATTEMPTS)]
    assert MAX_ATTEMPTS >= 5
    assert waits == sorted(waits)  # growing
    assert waits[0] < waits[-1]
    assert sum(waits, timedelta()) >= timedelta(hours=1)


async def test_a_removed_webhook_is_never_sent_what_was_waiting(
    client: httpx.AsyncClient, app: FastAPI, receiver: Receiver, db: Reader
) -> None:
    boss = await admin(client, app)
    hook = await register_webhook(client, boss, receiver.url)
    await client.post(f"{API}/webhooks/{hook['id']}/test", headers=boss.headers)
    removed = await client.delete(f"{API}/webhooks/{hook['id']}", headers=boss.headers)
    assert removed.status_code == 204
    await send(app)
    assert receiver.received() == []
    assert db.scalars(select(OutboxMessage.status)) == ["failed"]
    assert db.scalars(select(WebhookDelivery.message_id)) == []


async def test_a_slow_receiver_never_holds_up_a_request(
    client: httpx.AsyncClient, app: FastAPI, receiver: Receiver
) -> None:
    """The background sender runs as in a served app; while the receiver holds a delivery
    unanswered, the next lifecycle move is answered all the same."""
    boss = await admin(client, app)
    hook = await register_webhook(client, boss, receiver.url, ["consultation.opened"])
    slug = str((await create_consultation(client, boss))["slug"])
    await add_topics(client, boss, slug, ["Access"])
    receiver.gate = gate = threading.Event()
    app.state.outbox.start()
    try:
        tested = await client.post(f"{API}/webhooks/{hook['id']}/test", headers=boss.headers)
        assert tested.status_code == 202
        for _ in range(600):
            if receiver.arrived:
                break
            await asyncio.sleep(0.05)
        assert receiver.arrived == 1  # the sender is waiting on the receiver now
        opened = await client.post(f"{API}/consultations/{slug}/open", headers=boss.headers)
        assert opened.status_code == 200
        assert receiver.received() == []  # still unanswered
        gate.set()
        for _ in range(600):
            if len(receiver.received()) == 2:
                break
            await asyncio.sleep(0.05)
    finally:
        gate.set()
        await app.state.outbox.stop()
    types = [verified(hook["secret"], r)["type"] for r in receiver.received()]
    assert types == ["webhook.test", "consultation.opened"]


async def test_emit_queues_an_event_for_the_webhooks_subscribed_to_it_only(
    client: httpx.AsyncClient, app: FastAPI, receiver: Receiver, db: Reader
) -> None:
    """The entry point other features call (proposals: `proposal.submitted`)."""
    boss = await admin(client, app)
    wanted = await register_webhook(client, boss, receiver.url, ["proposal.submitted"])
    await register_webhook(client, boss, receiver.url + "/other", ["consultation.opened"])
    proposal = {"id": 7, "title": "Community networks", "status": "submitted"}
    with transaction(app.state.sessions, write=True) as session:
        assert webhooks.emit(session, "proposal.submitted", proposal) == 1
    with transaction(app.state.sessions, write=True) as session:
        webhooks.emit(session, "proposal.submitted", proposal)
        session.rollback()  # an action that does not commit sends nothing
    assert db.scalars(select(WebhookDelivery.webhook_id)) == [wanted["id"]]
    assert await send(app) == 1
    [request] = receiver.received()
    body = verified(wanted["secret"], request)
    assert (body["type"], body["data"]) == ("proposal.submitted", proposal)
    with (
        pytest.raises(ValueError, match="not-an-event"),
        transaction(app.state.sessions, write=True) as session,
    ):
        webhooks.emit(session, "not-an-event", {})
    assert db.scalar(select(Webhook.events).where(Webhook.id == wanted["id"])) == (
        "proposal.submitted"
    )


async def test_the_openapi_document_describes_every_event_and_its_signature(
    client: httpx.AsyncClient,
) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert spec["openapi"].startswith("3.1")
    events = spec["webhooks"]
    assert set(events) == {
        "consultation.proposals_opened",
        "consultation.opened",
        "consultation.closed",
        "consultation.reopened",
        "consultation.finalized",
        "proposal.submitted",
        "webhook.test",
    }
    for name, item in events.items():
        operation = item["post"]
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert headers == {"webhook-id", "webhook-timestamp", "webhook-signature"}, name
        assert "HMAC-SHA256" in operation["description"]
        assert "requestBody" in operation
    opened = events["consultation.opened"]["post"]["requestBody"]["content"]["application/json"]
    schema_name = opened["schema"]["$ref"].rsplit("/", 1)[-1]
    properties = spec["components"]["schemas"][schema_name]["properties"]
    assert set(properties) == {"type", "timestamp", "data"}
    assert properties["type"]["const"] == "consultation.opened"
    assert properties["data"]["$ref"].endswith("/ConsultationPublic")
    paths = spec["paths"]
    admin_only = [{"OAuth2PasswordBearer": ["admin"]}]
    for method, path in [
        ("post", "/api/v1/webhooks"),
        ("get", "/api/v1/webhooks"),
        ("delete", "/api/v1/webhooks/{id}"),
        ("get", "/api/v1/webhooks/{id}/deliveries"),
        ("post", "/api/v1/webhooks/{id}/test"),
    ]:
        assert paths[path][method]["security"] == admin_only, (method, path)
    assert "202" in paths["/api/v1/webhooks/{id}/test"]["post"]["responses"]
    assert "201" in paths["/api/v1/webhooks"]["post"]["responses"]


WORKED = {
    "secret": "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    "webhook-id": "msg_2bVxUn3TJmNRWVxDOQZbXwCkXTx",
    "webhook-timestamp": "1796040000",
    "body": (
        '{"type":"consultation.closed","timestamp":"2026-11-30T12:00:00Z",'
        '"data":{"slug":"lacigf-2026","state":"closed"}}'
    ),
    "webhook-signature": "v1,nea1jg2/hJCoTCRtrdZYVbk0XLedQJInQQXx5u9Mu+c=",
}


def test_the_worked_signature_in_the_integrators_guide() -> None:
    secret, message_id = WORKED["secret"], WORKED["webhook-id"]
    assert base64.b64decode(secret.removeprefix("whsec_")) == bytes(range(32))
    body = WORKED["body"].encode()
    ours = signing.signature(secret, message_id, int(WORKED["webhook-timestamp"]), body)
    assert ours == WORKED["webhook-signature"]
    assert expected_signature(secret, message_id, WORKED["webhook-timestamp"], body) == ours
    reference = ReferenceVerifier(secret).sign(
        message_id, datetime.fromtimestamp(int(WORKED["webhook-timestamp"]), UTC), WORKED["body"]
    )
    assert reference == ours
    guide = (Path(__file__).parents[2] / "docs" / "api.md").read_text()
    for name, value in WORKED.items():
        assert f"`{value}`" in guide, name
    # The test vector of the Standard Webhooks libraries, for good measure.
    assert (
        signing.signature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            b'{"test": 2432232314}',
        )
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_the_guides_verifier_accepts_a_real_delivery_and_refuses_a_changed_body() -> None:
    guide = (Path(__file__).parents[2] / "docs" / "api.md").read_text()
    code = guide.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 - the guide's own example, run as a reader would
    verify = namespace["verify"]
    headers = {k: v for k, v in WORKED.items() if k.startswith("webhook-")}
    body = WORKED["body"].encode()
    assert verify(WORKED["secret"], headers, body) is True
    assert verify(WORKED["secret"], headers, body.replace(b"closed", b"opened")) is False
    assert verify(signing.new_secret(), headers, body) is False


async def test_reopening_and_finalizing_send_their_events(
    client: httpx.AsyncClient, app: FastAPI, receiver: Receiver
) -> None:
    boss = await admin(client, app)
    events = ["consultation.closed", "consultation.reopened", "consultation.finalized"]
    hook = await register_webhook(client, boss, receiver.url, events)
    edition = await closed_edition(client, app)
    await move(client, edition.admin, edition.slug, "reopen", "close")
    await add_sessions(client, edition)
    finalized = await client.post(edition.url("agenda/finalize"), headers=edition.committee.headers)
    assert finalized.status_code == 200, finalized.text
    await send(app)  # the committee's invitation mail too
    bodies = [verified(hook["secret"], r) for r in receiver.received()]
    assert [b["type"] for b in bodies] == [
        "consultation.closed",
        "consultation.reopened",
        "consultation.closed",
        "consultation.finalized",
    ]
    assert [b["data"]["state"] for b in bodies] == ["closed", "open", "closed", "finalized"]
    assert {b["data"]["slug"] for b in bodies} == {edition.slug}


def test_every_lifecycle_move_sends_an_event() -> None:
    assert set(MOVE_EVENTS) == set(lifecycle.Move)
    assert len(set(MOVE_EVENTS.values())) == len(MOVE_EVENTS)


async def test_the_call_for_topics_sends_its_opening_and_each_proposal(
    client: httpx.AsyncClient, app: FastAPI, receiver: Receiver
) -> None:
    boss = await admin(client, app)
    events = ["consultation.proposals_opened", "proposal.submitted"]
    hook = await register_webhook(client, boss, receiver.url, events)
    slug = str((await create_consultation(client, boss))["slug"])
    await move(client, boss, slug, "proposals/open")
    proposer = await register(client)
    made = await client.post(
        f"{API}/consultations/{slug}/proposals",
        json={"title": "Inclusão digital", "description": "Acesso para todos."},
        headers=proposer.headers,
    )
    assert made.status_code == 201, made.text
    await send(app)
    opened, submitted = (verified(hook["secret"], r) for r in receiver.received())
    assert opened["type"] == "consultation.proposals_opened"
    assert opened["data"]["state"] == "proposals"
    assert submitted["type"] == "proposal.submitted"
    listed_proposals = (await client.get(f"{API}/consultations/{slug}/proposals")).json()
    assert submitted["data"] == listed_proposals["items"][0]  # as the API shows it
    assert submitted["data"]["title"] == "Inclusão digital"
