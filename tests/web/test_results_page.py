import httpx
import pytest
from fastapi import FastAPI

from app.scoring import METHODS
from tests.actors import API, PASSWORD, register
from tests.results.stored import store
from tests.web.html import elements, sign_in, text_of
from tests.web.world import closed_with_ballots, open_consultation

pytestmark = pytest.mark.anyio


def bars(html: str) -> list[tuple[int, int]]:
    svg = elements(html, "svg", role="img")
    assert len(svg) == 1
    rects = [c for row in svg[0].children for c in row.children if c.tag == "rect"]
    return [
        (int(r.attrs["data-rank"]), int(r.attrs["data-topic-id"]))
        for r in rects
        if "bar" in r.attrs.get("class", "").split()
    ]


@pytest.mark.parametrize("method", ["mean", "schulze", "zscore", "majority_judgment"])
async def test_the_chart_has_one_bar_per_ranked_topic_in_rank_order(
    client: httpx.AsyncClient, app: FastAPI, method: str
) -> None:
    _, slug, _ = await closed_with_ballots(client, app)
    page = await client.get(f"/c/{slug}/results?method={method}")
    assert page.status_code == 200
    ranking = (await client.get(f"{API}/consultations/{slug}/ranking?method={method}")).json()
    ranked = [(e["rank"], e["topic"]["id"]) for e in ranking["entries"] if e["rank"] is not None]
    assert bars(page.text) == ranked
    ranks = [rank for rank, _ in bars(page.text)]
    assert ranks == sorted(ranks)


async def test_ties_are_marked_and_intervals_drawn(client: httpx.AsyncClient, app: FastAPI) -> None:
    boss, slug, ids = await open_consultation(client, app)
    # Two topics rated identically tie at rank 1.
    store(
        app,
        slug,
        [(f"p{i}", "civil_society", t, 4 + i % 2) for i in range(6) for t in ids[:2]]
        + [(f"p{i}", "civil_society", ids[2], 2) for i in range(6)],
    )
    from tests.actors import move

    await move(client, boss, slug, "close")
    page = await client.get(f"/c/{slug}/results?method=mean")
    svg = elements(page.text, "svg", role="img")[0]
    tied = [r for r in elements(page.text, "rect", class_="bar") if r.attrs["data-tied"] == "true"]
    assert {int(r.attrs["data-topic-id"]) for r in tied} == set(ids[:2])
    assert len(elements(page.text, "line", class_="interval")) == 3 * 3
    assert svg.attrs["aria-labelledby"] == "chart-title chart-desc"
    assert "(tie)" in text_of(page.text, "table", class_="ranking")


async def test_methods_histograms_groups_and_downloads_are_shown(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    _, slug, ids = await closed_with_ballots(client, app)
    page = await client.get(f"/c/{slug}/results")
    radios = elements(page.text, "input", type="radio", name="method")
    assert [r.attrs["value"] for r in radios] == list(METHODS)
    assert "checked" in elements(page.text, "input", id="method-mean")[0].attrs
    assert METHODS["schulze"].description in text_of(page.text, "p", id="method-schulze-about")
    detail = elements(page.text, "section", id=f"topic-{ids[0]}")[0]
    assert detail.children  # histogram and groups tables
    assert len(elements(page.text, "table", class_="histogram")) == len(ids)
    assert "Civil society" in text_of(page.text, "table", class_="groups")
    hrefs = {a.attrs["href"] for a in elements(page.text, "a")}
    assert f"/api/v1/consultations/{slug}/ranking.csv?method=mean" in hrefs
    assert f"/api/v1/consultations/{slug}/ballots.csv" in hrefs
    for href in (
        f"/api/v1/consultations/{slug}/ranking.csv?method=mean",
        f"/api/v1/consultations/{slug}/ballots.csv",
    ):
        assert (await client.get(href)).status_code == 200


async def test_an_unknown_method_is_an_html_error(client: httpx.AsyncClient, app: FastAPI) -> None:
    _, slug, _ = await closed_with_ballots(client, app, participants=5)
    page = await client.get(f"/c/{slug}/results?method=dictator")
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert "Unknown scoring method" in page.text


async def test_results_of_an_open_consultation_stay_hidden(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    _, slug, _ = await open_consultation(client, app)
    anonymous = await client.get(f"/c/{slug}/results")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == f"/login?next=/c/{slug}/results"
    person = await register(client)
    await sign_in(client, person.email, PASSWORD)
    signed_in = await client.get(f"/c/{slug}/results")
    assert signed_in.status_code == 403
    assert "public once the consultation is closed" in signed_in.text


async def test_live_results_are_public_while_open(client: httpx.AsyncClient, app: FastAPI) -> None:
    _, slug, _ = await open_consultation(client, app, live_results=True)
    assert (await client.get(f"/c/{slug}/results")).status_code == 200
