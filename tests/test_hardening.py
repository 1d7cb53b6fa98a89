"""Security headers, request ids, CORS, structured logs and unsafe-settings refusal."""

import json
import logging
import re

import httpx
import pytest
from fastapi import FastAPI

from app.config import PUBLISHED_SECRET_KEYS, Settings, UnsafeSettings
from app.logs import UNMATCHED, JsonLines, TextLines
from app.main import create_app
from tests.actors import API, add_topics, admin, create_consultation, move, register


async def test_every_response_carries_security_headers_and_a_request_id(
    client: httpx.AsyncClient,
) -> None:
    for path in ("/healthz", f"{API}/consultations", f"{API}/nowhere"):
        response = await client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert len(response.headers["x-request-id"]) == 32


async def test_what_a_signed_in_person_is_answered_is_never_cached(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    """Their ballot, a token or a webhook secret shown once: no cache may keep it. What anyone
    may read stays cacheable."""
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    await add_topics(client, boss, slug, ["Access"])
    await move(client, boss, slug, "open")
    voter = await register(client)
    ballot = await client.get(f"{API}/consultations/{slug}/ballot", headers=voter.headers)
    assert ballot.status_code == 200
    assert ballot.headers["cache-control"] == "no-store"
    token = await client.post(
        f"{API}/auth/tokens",
        json={"name": "Script", "scopes": ["results"], "expires_in_days": 30},
        headers=voter.headers,
    )
    assert token.status_code == 201
    assert token.headers["cache-control"] == "no-store"
    page = await client.get("/account/tokens", headers={"Cookie": "consulta_session=expired"})
    assert page.headers["cache-control"] == "no-store"
    public = await client.get(f"{API}/consultations/lacigf-2017/topics")
    assert "cache-control" not in public.headers


async def test_problem_responses_carry_the_request_id(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{API}/nowhere", headers={"X-Request-ID": "trace-123"})
    assert response.headers["x-request-id"] == "trace-123"
    assert response.json()["request_id"] == "trace-123"
    forged = await client.get(f"{API}/nowhere", headers={"X-Request-ID": "bad id\n<script>"})
    assert forged.headers["x-request-id"] != "bad id\n<script>"


async def test_html_pages_get_a_content_security_policy(client: httpx.AsyncClient) -> None:
    docs = await client.get("/docs")
    assert "frame-ancestors 'none'" in docs.headers["content-security-policy"]
    api = await client.get(f"{API}/consultations")
    assert "content-security-policy" not in api.headers


async def test_cors_is_off_by_default(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{API}/consultations", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers


async def test_cors_allows_configured_origins_only(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"cors_origins": ["https://forum.example"]}))
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            preflight = await client.options(
                f"{API}/consultations",
                headers={
                    "Origin": "https://forum.example",
                    "Access-Control-Request-Method": "POST",
                },
            )
            assert preflight.headers["access-control-allow-origin"] == "https://forum.example"
            other = await client.get(
                f"{API}/consultations", headers={"Origin": "https://evil.example"}
            )
            assert "access-control-allow-origin" not in other.headers
    finally:
        app.state.engine.dispose()


async def test_access_log_has_context_and_no_secrets(
    client: httpx.AsyncClient, app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    voter = await register(client)
    with caplog.at_level(logging.INFO, logger="consulta.access"):
        await client.patch(
            f"{API}/me",
            json={"password": "another long password", "current_password": "correct horse battery"},
            headers=voter.headers,
        )
    record = next(r for r in caplog.records if r.name == "consulta.access")
    line = json.loads(JsonLines().format(record))
    assert line["route"] == "/api/v1/me"
    assert line["status"] == 200
    assert line["account_id"] == voter.id
    assert line["duration_ms"] >= 0
    assert len(line["request_id"]) == 32
    text = "\n".join(JsonLines().format(r) for r in caplog.records)
    assert voter.token is not None
    assert voter.token not in text
    assert "another long password" not in text


@pytest.mark.parametrize("url", ["sqlite:///x.db", "postgresql+psycopg://db/consulta"])
@pytest.mark.parametrize("secret", [*sorted(PUBLISHED_SECRET_KEYS), "", "   "])
def test_a_published_or_empty_secret_is_refused_on_every_database(url: str, secret: str) -> None:
    unsafe = Settings(_env_file=None, database_url=url, secret_key=secret)  # type: ignore[call-arg]
    with pytest.raises(UnsafeSettings, match="CONSULTA_SECRET_KEY"):
        create_app(unsafe)


def test_no_secret_configured_is_not_a_default_one() -> None:
    settings = Settings(_env_file=None, database_url="sqlite:///x.db")  # type: ignore[call-arg]
    assert settings.secret_key is None
    settings.refuse_unsafe()


async def test_logs_name_routes_by_template_never_the_topic_rated(
    client: httpx.AsyncClient, app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 12, finding 5: `PUT …/ballot/7` next to an account id told who rated what."""
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss, slug="topic-secrecy"))["slug"])
    topics = await add_topics(client, boss, slug, [f"T{i}" for i in range(12)])
    await move(client, boss, slug, "open")
    voter = await register(client)
    rated = topics[-1]
    with caplog.at_level(logging.INFO):
        for method, path, body in (
            ("PUT", f"/ballot/{rated}", {"score": 4}),
            ("PUT", "/ballot", {"ratings": [{"topic_id": rated, "score": 5}]}),
            ("DELETE", f"/ballot/{rated}", None),
            ("PUT", "/ballot/999999", {"score": 4}),  # the general path, refused
        ):
            url = f"{API}/consultations/{slug}{path}"
            response = await client.request(method, url, json=body, headers=voter.headers)
            assert response.status_code < 500
    ours = [r for r in caplog.records if r.name.startswith("consulta")]
    lines = [JsonLines().format(r) for r in ours] + [
        TextLines("%(message)s").format(r) for r in ours
    ]
    routes = {json.loads(JsonLines().format(r)).get("route") for r in ours}
    assert f"{API}/consultations/{{slug}}/ballot/{{topic_id}}" in routes
    assert f"{API}/consultations/{{slug}}/ballot" in routes
    for line in lines:
        assert not re.search(rf"/{rated}\b", line), line
        assert "999999" not in line


async def test_no_request_can_forge_a_log_line(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    forged = "/x%0a2026-01-01 INFO consulta.access GET /admin 200%0d%1b[2J"
    with caplog.at_level(logging.INFO):
        await client.get(forged)
        await client.get(f"{API}/consultations/a%0aforged")
    ours = [r for r in caplog.records if r.name.startswith("consulta")]
    assert ours
    for record in ours:
        text = TextLines("%(asctime)s %(levelname)s %(name)s %(message)s").format(record)
        assert "\n" not in text
        assert "\r" not in text
        assert "\x1b" not in text
        assert "forged" not in text  # unmatched paths and parameters are not logged at all
    routes = [r.__dict__.get("route") for r in caplog.records if r.name == "consulta.access"]
    assert routes == [UNMATCHED, f"{API}/consultations/{{slug}}"]


def test_text_logs_escape_control_characters() -> None:
    record = logging.LogRecord("x", logging.WARNING, "f", 1, "a %s b", ("\n2026 forged\r",), None)
    assert TextLines("%(message)s").format(record) == "a \\n2026 forged\\r b"
