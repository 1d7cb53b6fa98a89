import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from app.models import Rating
from tests.actors import API, PASSWORD, move, register, verify_email
from tests.databases import Reader
from tests.web.html import elements, sign_in, submit, text_of
from tests.web.world import open_consultation

pytestmark = pytest.mark.anyio


async def ratings(db: Reader) -> int:
    count: int = db.scalar(select(func.count()).select_from(Rating))
    return count


async def participant(client: httpx.AsyncClient) -> tuple[str, dict[str, str]]:
    person = await register(client)
    await sign_in(client, person.email, PASSWORD)
    return person.email, person.headers


async def test_the_home_page_lists_open_and_past_consultations(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    _, slug, _ = await open_consultation(client, app)
    home = await client.get("/")
    assert home.status_code == 200
    open_links = [a.attrs["href"] for a in elements(home.text, "a") if "/c/" in a.attrs["href"]]
    assert f"/c/{slug}" in open_links
    assert "/c/lacigf-2017" in open_links
    assert "Past editions" in text_of(home.text, "h2")


async def test_a_participant_rates_in_their_own_order_and_sees_what_was_saved(
    client: httpx.AsyncClient, app: FastAPI, db: Reader
) -> None:
    _, slug, ids = await open_consultation(client, app)
    _, headers = await participant(client)
    page = await client.get(f"/c/{slug}")
    legends = [" ".join(e.text.split()) for e in elements(page.text, "legend")]
    api_order = await client.get(
        f"{API}/consultations/{slug}/topics?order=shuffled", headers=headers
    )
    assert legends == [t["title"] for t in api_order.json()["items"]]
    radios = elements(page.text, "input", type="radio", name=f"topic-{ids[0]}")
    assert [r.attrs["value"] for r in radios] == ["", "1", "2", "3", "4", "5"]
    assert all(elements(page.text, "label", for_=r.attrs["id"]) for r in radios)
    assert text_of(page.text, "label", for_=f"t{ids[0]}-5") == "Essential"

    saved = await submit(
        client,
        f"/c/{slug}",
        f"/c/{slug}/ballot",
        {f"topic-{ids[0]}": "5", f"topic-{ids[1]}": "2", f"topic-{ids[2]}": ""},
    )
    assert saved.status_code == 303
    page = await client.get(saved.headers["location"])
    notice = text_of(page.text, "div", id="saved")
    assert "Your ballot is saved" in notice
    assert "Net neutrality: Essential" in notice
    assert "Cybersecurity: Slightly" in notice
    assert "Digital inclusion" not in notice
    ballot = (await client.get(f"{API}/consultations/{slug}/ballot", headers=headers)).json()
    assert {(r["topic_id"], r["score"]) for r in ballot["ratings"]} == {(ids[0], 5), (ids[1], 2)}
    assert text_of(page.text, "code", id="ballot-key") == ballot["ballot_key"]
    assert elements(page.text, "a", href="/help/receipt")
    checked = elements(page.text, "input", id=f"t{ids[0]}-5")[0]
    assert "checked" in checked.attrs
    assert (await client.get("/help/receipt")).status_code == 200


async def test_saving_again_replaces_the_whole_ballot(
    client: httpx.AsyncClient, app: FastAPI, db: Reader
) -> None:
    _, slug, ids = await open_consultation(client, app)
    await participant(client)
    await submit(client, f"/c/{slug}", f"/c/{slug}/ballot", {f"topic-{ids[0]}": "4"})
    await submit(client, f"/c/{slug}", f"/c/{slug}/ballot", {f"topic-{ids[1]}": "3"})
    assert db.scalars(select(Rating.topic_id)) == [ids[1]]


async def test_an_invalid_rating_saves_nothing_and_is_marked(
    client: httpx.AsyncClient, app: FastAPI, db: Reader
) -> None:
    _, slug, ids = await open_consultation(client, app)
    await participant(client)
    response = await submit(
        client, f"/c/{slug}", f"/c/{slug}/ballot", {f"topic-{ids[0]}": "4", f"topic-{ids[1]}": "9"}
    )
    assert response.status_code == 422
    assert "from 1 to 5" in text_of(response.text, "ul", id=f"topic-{ids[1]}-error")
    assert "invalid" in elements(response.text, "fieldset", id=f"fs-{ids[1]}")[0].attrs["class"]
    assert await ratings(db) == 0


async def test_a_ballot_without_the_csrf_token_changes_nothing(
    client: httpx.AsyncClient, app: FastAPI, db: Reader
) -> None:
    _, slug, ids = await open_consultation(client, app)
    await participant(client)
    await client.get(f"/c/{slug}")
    for token in ({}, {"csrf_token": "0" * 64}):
        response = await client.post(f"/c/{slug}/ballot", data={f"topic-{ids[0]}": "5"} | token)
        assert response.status_code == 403
    assert await ratings(db) == 0


async def test_anonymous_visitors_are_asked_to_sign_in(
    client: httpx.AsyncClient, app: FastAPI, db: Reader
) -> None:
    _, slug, ids = await open_consultation(client, app)
    page = await client.get(f"/c/{slug}")
    assert not elements(page.text, "form", class_="ballot")
    assert elements(page.text, "a", href=f"/login?next=/c/{slug}")
    response = await submit(client, f"/c/{slug}", f"/c/{slug}/ballot", {f"topic-{ids[0]}": "5"})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
    assert await ratings(db) == 0


async def test_a_closed_consultation_refuses_ratings_with_an_html_page(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug, ids = await open_consultation(client, app)
    await participant(client)
    token_page = await client.get(f"/c/{slug}")
    await move(client, boss, slug, "close")
    from tests.web.html import csrf

    response = await client.post(
        f"/c/{slug}/ballot", data={f"topic-{ids[0]}": "5", "csrf_token": csrf(token_page.text)}
    )
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("text/html")
    assert "only while the consultation is open" in response.text
    page = await client.get(f"/c/{slug}")
    assert "no longer accepts ratings" in page.text


async def test_unknown_and_hidden_consultations_are_404_pages(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    from tests.actors import admin, create_consultation

    boss = await admin(client, app)
    draft = await create_consultation(client, boss)
    for path in ("/c/nope", f"/c/{draft['slug']}", f"/c/{draft['slug']}/results"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in text_of(response.text, "h1")


async def test_no_ballot_form_is_offered_to_someone_whose_every_save_the_rule_refuses(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    """An unverified account, or a consultation past its `closes_at`: the page said why only
    after a save, and the choices were lost with it. It asks the ballot rule first."""
    _, slug, _ = await open_consultation(client, app)
    person = await register(client, verified=False)
    await sign_in(client, person.email, PASSWORD)
    page = await client.get(f"/c/{slug}")
    assert not elements(page.text, "form", id="ballot-form")
    assert "Confirm your email address" in text_of(page.text, "p", id="cannot-rate")
    await verify_email(client, person.email)
    assert elements((await client.get(f"/c/{slug}")).text, "form", id="ballot-form")

    _, late, _ = await open_consultation(client, app, closes_at="2026-01-31T21:00:00Z")
    spanish = await client.get(f"/c/{late}", headers={"Accept-Language": "es"})
    assert not elements(spanish.text, "form", id="ballot-form")
    said = text_of(spanish.text, "p", id="cannot-rate")
    assert "2026-01-31 21:00 UTC" in said
    assert "Ratings were accepted" not in said  # in the reader's language
