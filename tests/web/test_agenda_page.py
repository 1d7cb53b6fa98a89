import httpx
import pytest
from fastapi import FastAPI

from tests.actors import PASSWORD, register
from tests.web.html import elements, sign_in, text_of
from tests.web.world import open_consultation

pytestmark = pytest.mark.anyio


async def test_the_2017_agenda_shows_sessions_people_and_links(client: httpx.AsyncClient) -> None:
    page = await client.get("/c/lacigf-2017/agenda")
    assert page.status_code == 200
    agenda = (await client.get("/api/v1/consultations/lacigf-2017/agenda")).json()
    titles = [" ".join(e.text.split()) for e in elements(page.text, "h2") if e.text.strip()]
    assert titles == [s["title"] for s in agenda["sessions"]]
    first = agenda["sessions"][0]
    block = text_of(page.text, "li", id=f"session-{first['id']}")
    for person in first["people"]:
        assert person["name"] in block
    assert "Moderation" in block
    hrefs = {a.attrs["href"] for a in elements(page.text, "a")}
    assert "/api/v1/consultations/lacigf-2017/agenda.ics" in hrefs
    assert "/api/v1/consultations/lacigf-2017/report.md" in hrefs


async def test_a_draft_agenda_is_for_the_committee_only(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    _, slug, _ = await open_consultation(client, app)
    anonymous = await client.get(f"/c/{slug}/agenda")
    assert anonymous.status_code == 200
    assert "published when the committee finalizes it" in text_of(anonymous.text, "p", id="not-yet")
    person = await register(client)
    await sign_in(client, person.email, PASSWORD)
    page = await client.get(f"/c/{slug}/agenda")
    assert elements(page.text, "p", id="not-yet")
    assert not elements(page.text, "li", class_="session")
    assert f"/c/{slug}/agenda" not in {a.attrs["href"] for a in elements(page.text, "a")}
