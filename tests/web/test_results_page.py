import httpx
import pytest
from fastapi import FastAPI

from app.scoring import METHODS
from tests.actors import API, PASSWORD, move, register
from tests.results.stored import store
from tests.web.html import elements, sign_in, text_of
from tests.web.world import closed_with_ballots, open_consultation

pytestmark = pytest.mark.anyio


def bars(html: str) -> list[tuple[int, int]]:
    rows = elements(html, "li", class_="bar-row")
    assert len(elements(html, "figure", class_="chart")) == 1
    return [(int(r.attrs["data-rank"]), int(r.attrs["data-topic-id"])) for r in rows]


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
    await move(client, boss, slug, "close")
    page = await client.get(f"/c/{slug}/results?method=mean")
    rows = elements(page.text, "li", class_="bar-row")
    tied = [r for r in rows if r.attrs["data-tied"] == "true"]
    assert {int(r.attrs["data-topic-id"]) for r in tied} == set(ids[:2])
    # Both keep their rank, written before the title: "1=".
    assert [" ".join(r.text.split())[:2] for r in tied] == ["1=", "1="]
    for row in rows:  # an interval per bar, inside the chart's width
        lines = [c for svg in row.children if svg.tag == "svg" for c in svg.children]
        spans = [c for c in lines if "interval" in c.attrs.get("class", "")]
        assert spans
        for line in spans:
            for end in (line.attrs["x1"], line.attrs["x2"]):
                assert 0 <= float(end.rstrip("%")) <= 100
    assert "(tie)" in text_of(page.text, "table", class_="ranking")


async def test_the_axis_speaks_the_scale_and_clips_intervals(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug, ids = await open_consultation(client, app)
    # All 5s but one 1: the mean's 95% interval reaches past the top of the scale.
    store(app, slug, [(f"p{i}", "civil_society", ids[0], 5 if i else 1) for i in range(4)])
    await move(client, boss, slug, "close")
    page = await client.get(f"/c/{slug}/results?method=mean")
    ticks = [" ".join(t.text.split()) for t in elements(page.text, "text", class_="tick")]
    assert ticks == ["Not relevant", "Slightly", "Relevant", "Very", "Essential"]
    assert text_of(page.text, "p", id="axis-title") == "Average rating"
    row = elements(page.text, "li", class_="bar-row")[0]
    interval = [c for c in row.children[1].children if "interval" in c.attrs.get("class", "")]
    assert interval[0].attrs["x2"] == "100.0%"
    assert len(interval) == 2  # no end cap where the interval was clipped
    share = await client.get(f"/c/{slug}/results?method=top_box")
    ticks = [" ".join(t.text.split()) for t in elements(share.text, "text", class_="tick")]
    assert ticks == ["0%", "25%", "50%", "75%", "100%"]


async def test_methods_histograms_groups_and_downloads_are_shown(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    _, slug, ids = await closed_with_ballots(client, app)
    page = await client.get(f"/c/{slug}/results")
    options = elements(page.text, "option")
    assert [o.attrs["value"] for o in options] == list(METHODS)
    assert "selected" in options[0].attrs
    assert METHODS["mean"].description in text_of(page.text, "p", id="method-about")
    assert METHODS["schulze"].description in text_of(page.text, "dd", id="method-schulze-about")
    assert elements(page.text, "details", class_="about-methods")  # explained on demand
    detail = elements(page.text, "details", id=f"topic-{ids[0]}")[0]
    assert "open" not in detail.attrs  # folded away
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
    assert anonymous.status_code == 200
    message = "The results are published when the consultation closes."
    assert text_of(anonymous.text, "p", id="not-yet") == message
    assert not elements(anonymous.text, "figure", class_="chart")
    person = await register(client)
    await sign_in(client, person.email, PASSWORD)
    signed_in = await client.get(f"/c/{slug}/results")
    assert text_of(signed_in.text, "p", id="not-yet") == message
    page = await client.get(f"/c/{slug}")
    hrefs = {a.attrs["href"] for a in elements(page.text, "a")}
    assert f"/c/{slug}/results" not in hrefs  # no tab that leads to a refusal
    assert f"/c/{slug}/committee" not in hrefs
    assert text_of(page.text, "li", id="results-later") == message


async def test_an_edition_without_ratings_says_so(client: httpx.AsyncClient) -> None:
    page = await client.get("/c/lacigf-2017/results")
    assert page.status_code == 200
    assert "No ratings were recorded" in text_of(page.text, "p", id="no-ratings")
    assert not elements(page.text, "select", id="method")


async def test_live_results_are_public_while_open(client: httpx.AsyncClient, app: FastAPI) -> None:
    _, slug, _ = await open_consultation(client, app, live_results=True)
    assert (await client.get(f"/c/{slug}/results")).status_code == 200
