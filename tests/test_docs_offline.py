"""The interactive API docs come from this app's own assets: /docs works without internet."""

import re

import httpx
import pytest

from tests.web.html import elements

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
async def test_the_api_docs_load_nothing_from_another_host(
    client: httpx.AsyncClient, path: str
) -> None:
    page = await client.get(path)
    assert page.status_code == 200
    assert not re.search(r"https?://|//[a-z]", page.text)  # no external URL at all
    csp = page.headers["content-security-policy"]
    assert "http" not in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assets = [e.attrs["src"] for e in elements(page.text, "script")]
    assets += [e.attrs["href"] for e in elements(page.text, "link")]
    assert assets
    for asset in assets:
        served = await client.get(asset)
        assert served.status_code == 200, asset
        assert len(served.content) > 100, asset
    assert not [e for e in elements(page.text, "script") if "src" not in e.attrs]  # no inline


async def test_swagger_ui_starts_on_the_openapi_document(client: httpx.AsyncClient) -> None:
    init = await client.get("/static/docs/swagger-init.js")
    assert "/openapi.json" in init.text
    assert (await client.get("/openapi.json")).status_code == 200
