"""The method agreement on the results page and the committee workspace, in plain words."""

import httpx
import pytest
from fastapi import FastAPI

from app.scoring import METHODS
from tests.actors import API, PASSWORD, Actor, move
from tests.results.stored import store
from tests.web.html import elements, sign_in, text_of
from tests.web.world import TOPICS, member, open_consultation

pytestmark = pytest.mark.anyio


async def divided(client: httpx.AsyncClient, app: FastAPI) -> tuple[Actor, str, list[int]]:
    """Closed, agenda_size 2. Civil society (20) rates Net neutrality 5, government (5) rates
    it 1; both rate Cybersecurity 4, Digital inclusion 3 and Privacy 5; Zero rating unrated."""
    boss, slug, ids = await open_consultation(client, app, agenda_size=2, min_group_size=5)
    rows = []
    for group, people, loved in (("civil_society", 20, 5), ("government", 5, 1)):
        for i in range(people):
            scores = dict(zip(ids[:4], (loved, 4, 3, 5), strict=True))
            rows += [(f"{group}-{i}", group, topic, score) for topic, score in scores.items()]
    store(app, slug, rows)
    await move(client, boss, slug, "close")
    return boss, slug, ids


def listed(html: str, list_id: str) -> list[int]:
    (ul,) = elements(html, "ul", id=list_id)
    return [int(li.attrs["data-topic-id"]) for li in ul.children if "data-topic-id" in li.attrs]


async def test_the_results_page_shows_which_top_topics_depend_on_the_method(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    _, slug, ids = await divided(client, app)
    page = await client.get(f"/c/{slug}/results")
    assert page.status_code == 200
    api = (await client.get(f"{API}/consultations/{slug}/ranking/agreement")).json()
    assert api["top"] == 2
    assert listed(page.text, "agreement-all") == api["in_all"]
    assert listed(page.text, "agreement-some") == [d["topic_id"] for d in api["in_some"]]
    # Privacy (5 from everyone) is in under every method; second place goes to Net neutrality
    # (mean 4.2) or to Cybersecurity (4 from everyone), depending on the method.
    assert api["in_all"] == [ids[3]]
    assert {d["topic_id"] for d in api["in_some"]} == {ids[0], ids[1]}
    heading = text_of(page.text, "h2", id="h-agreement")
    assert heading == "Does the top 2 depend on the scoring method?"
    some = text_of(page.text, "ul", id="agreement-some")
    net = next(d for d in api["in_some"] if d["topic_id"] == ids[0])
    assert f"under {len(net['methods'])} of {len(METHODS)} methods:" in some
    assert METHODS[net["methods"][0]].title in some
    stability = (
        await client.get(f"{API}/consultations/{slug}/ranking/stability?top=2&draws=200&seed=0")
    ).json()
    p_top = {e["topic"]["id"]: e["p_top"] for e in stability["entries"]}
    everywhere = text_of(page.text, "ul", id="agreement-all")
    assert f"P(top 2) {round(p_top[ids[3]] * 100)}%" in everywhere
    assert "Kendall's tau-b" in text_of(page.text, "section", id="agreement")
    assert len(elements(page.text, "table", class_="tau")) == 1
    assert TOPICS[4] not in text_of(page.text, "section", id="agreement")


async def test_the_committee_workspace_shows_the_agreement_at_its_cut_line(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug, _ = await divided(client, app)
    person = await member(client, boss, slug)
    await sign_in(client, person.email, PASSWORD)
    page = await client.get(f"/c/{slug}/committee?method=consensus")
    assert page.status_code == 200
    api = (await client.get(f"{API}/consultations/{slug}/ranking/agreement?top=2")).json()
    assert listed(page.text, "agreement-all") == api["in_all"]
    assert listed(page.text, "agreement-some") == [d["topic_id"] for d in api["in_some"]]
    hint = " ".join(e.text for e in elements(page.text, "p", class_="hint"))
    assert "under Support across stakeholder groups: an estimate." in " ".join(hint.split())


async def test_the_agreement_is_shown_in_spanish(client: httpx.AsyncClient, app: FastAPI) -> None:
    _, slug, _ = await divided(client, app)
    page = await client.get(f"/c/{slug}/results", headers={"Accept-Language": "es"})
    heading = text_of(page.text, "h2", id="h-agreement")
    assert heading == "¿Depende del método de puntuación quiénes quedan entre los 2 primeros?"
    section = text_of(page.text, "section", id="agreement")
    assert "Apoyo en todos los sectores" in section  # consensus's title
    assert "de 8 métodos" in section


async def test_no_agreement_is_shown_before_anyone_rates(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    _, slug, _ = await open_consultation(client, app, live_results=True)
    page = await client.get(f"/c/{slug}/results")
    assert page.status_code == 200
    assert not elements(page.text, "section", id="agreement")
