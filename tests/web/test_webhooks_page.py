"""The webhooks page: an administrator registers a real receiver (the secret shown once),
sends it a test event, sees a failing one marked and its deliveries, and removes it; only
administrators get the page; in English and Spanish."""

import httpx
from fastapi import FastAPI

from tests.actors import API, PASSWORD, admin, register
from tests.web.html import csrf, elements, sign_in, submit, text_of
from tests.webhook_receiver import webhook_receiver
from tests.webhooks.signatures import verified

PAGE = "/admin/webhooks"


async def test_an_admin_registers_tests_watches_and_removes_a_webhook(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    await sign_in(client, boss.email, PASSWORD)
    empty = await client.get(PAGE)
    assert empty.status_code == 200
    assert elements(empty.text, "p", id="no-webhooks")
    with webhook_receiver() as receiver:
        made = await client.post(
            PAGE,
            data={
                "url": receiver.url,
                "events": ["consultation.opened", "consultation.closed"],
                "description": "Forum website",
                "csrf_token": csrf(empty.text),
            },
        )
        assert made.status_code == 200
        secret = text_of(made.text, "code", class_="secret")
        assert secret.startswith("whsec_")
        listed = await client.get(PAGE)
        table = text_of(listed.text, "table", class_="webhooks")
        assert receiver.url in table
        assert "consultation.opened, consultation.closed" in table
        assert "No delivery yet" in table
        assert secret not in listed.text  # shown once, in the answer to the form only
        [webhook] = (await client.get(f"{API}/webhooks", headers=boss.headers)).json()["items"]

        test_form = next(
            f
            for f in elements(listed.text, "form", class_="inline")
            if "/test" in f.attrs["action"]
        )
        tested = await client.post(
            test_form.attrs["action"], data={"csrf_token": csrf(listed.text)}
        )
        assert tested.status_code == 303
        assert tested.headers["location"] == f"{PAGE}/{webhook['id']}"
        waiting = await client.get(tested.headers["location"])
        assert len(elements(waiting.text, "tr", **{"data-status": "pending"})) == 1
        assert "webhook.test" in text_of(waiting.text, "table", class_="deliveries")

        receiver.status = 500
        assert await app.state.outbox.drain() == 1
        failing = await client.get(PAGE)
        assert "Failing since" in text_of(failing.text, "table", class_="webhooks")
        deliveries = await client.get(f"{PAGE}/{webhook['id']}")
        assert elements(deliveries.text, "p", id="failing")
        assert "500" in text_of(deliveries.text, "table", class_="deliveries")
        assert verified(secret, receiver.received()[0])["type"] == "webhook.test"

        remove = next(
            f
            for f in elements(failing.text, "form", class_="inline")
            if "/remove" in f.attrs["action"]
        )
        gone = await client.post(remove.attrs["action"], data={"csrf_token": csrf(failing.text)})
        assert gone.status_code == 303
        assert gone.headers["location"] == PAGE
    assert elements((await client.get(PAGE)).text, "p", id="no-webhooks")


async def test_invalid_fields_are_shown_and_nothing_is_registered(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    await sign_in(client, boss.email, PASSWORD)
    refused = await submit(client, PAGE, PAGE, {"url": "ftp://user:pw@forum.example/"})
    assert refused.status_code == 422
    for field in ("url", "events"):
        assert elements(refused.text, "ul", id=f"{field}-error"), field
    assert elements(refused.text, "p", id="no-webhooks")
    listed = await client.get(f"{API}/webhooks", headers=boss.headers)
    assert listed.json()["total"] == 0


async def test_only_administrators_get_the_page_and_forms_need_their_csrf_token(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    anonymous = await client.get(PAGE)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/login?next=")
    person = await register(client)
    await sign_in(client, person.email, PASSWORD)
    assert (await client.get(PAGE)).status_code == 403
    assert (await client.get(f"{PAGE}/1")).status_code == 403
    boss = await admin(client, app)
    await sign_in(client, boss.email, PASSWORD)
    forged = await client.post(
        PAGE, data={"url": "https://a.example/", "events": "consultation.opened"}
    )
    assert forged.status_code == 403
    assert (await client.get(f"{API}/webhooks", headers=boss.headers)).json()["total"] == 0
    body = {"url": "https://a.example/", "events": ["consultation.opened"]}
    made = await client.post(f"{API}/webhooks", json=body, headers=boss.headers)
    webhook_id = made.json()["id"]
    for action in ("test", "remove"):
        refused = await client.post(f"{PAGE}/{webhook_id}/{action}")
        assert refused.status_code == 403, action
    deliveries = await client.get(f"{API}/webhooks/{webhook_id}/deliveries", headers=boss.headers)
    assert deliveries.json()["total"] == 0
    assert (await client.get(f"{API}/webhooks", headers=boss.headers)).json()["total"] == 1
    assert (await client.get(f"{PAGE}/999999")).status_code == 404


async def test_the_page_speaks_spanish(client: httpx.AsyncClient, app: FastAPI) -> None:
    boss = await admin(client, app)
    await sign_in(client, boss.email, PASSWORD)
    page = await client.get(PAGE, headers={"Accept-Language": "es"})
    assert page.status_code == 200
    assert "Webhooks" in text_of(page.text, "h1")
    assert "Registrar webhook" in page.text
