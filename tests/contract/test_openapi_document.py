"""The OpenAPI document says what api.md says: its paths' parameter names, every list's window,
and a named schema for every JSON body that goes in or comes out."""

from typing import Any

import httpx

from tests.actors import API

CONTRACT_NAMES = {"slug", "topic_id", "id", "member_id"}
SLUG = f"{API}/consultations/{{slug}}"


async def spec_of(client: httpx.AsyncClient) -> dict[str, Any]:
    spec: dict[str, Any] = (await client.get("/openapi.json")).json()
    return spec


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    ]


async def test_paths_use_the_parameter_names_of_the_contract(client: httpx.AsyncClient) -> None:
    spec = await spec_of(client)
    for method, path, operation in operations(spec):
        names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert names <= CONTRACT_NAMES, (method, path, names)
    assert {
        f"{SLUG}/topics/{{id}}",
        f"{SLUG}/ballot/{{topic_id}}",
        f"{SLUG}/committee/{{member_id}}",
        f"{SLUG}/agenda/sessions/{{id}}",
        f"{SLUG}/proposals/{{id}}",
        f"{SLUG}/proposals/{{id}}/support",
        f"{SLUG}/proposals/{{id}}/accept",
        f"{SLUG}/proposals/{{id}}/reject",
        f"{SLUG}/proposals/{{id}}/merge",
        f"{API}/webhooks/{{id}}",
        f"{API}/webhooks/{{id}}/deliveries",
        f"{API}/webhooks/{{id}}/test",
        f"{API}/auth/tokens/{{id}}",
    } <= set(spec["paths"])


async def test_every_list_takes_limit_and_offset(client: httpx.AsyncClient) -> None:
    spec = await spec_of(client)
    schemas = spec["components"]["schemas"]
    lists = []
    for method, path, operation in operations(spec):
        ok = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
        ref = ok.get("schema", {}).get("$ref", "")
        if method == "get" and set(
            schemas.get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
        ) == {
            "items",
            "total",
        }:
            lists.append(path)
            query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            assert {"limit", "offset"} <= query, path
    assert f"{API}/webhooks" in lists
    assert f"{SLUG}/proposals" in lists


async def test_every_json_body_has_a_named_schema(client: httpx.AsyncClient) -> None:
    spec = await spec_of(client)
    for method, path, operation in operations(spec):
        for content in operation.get("requestBody", {}).get("content", {}).values():
            assert "$ref" in content["schema"], (method, path)
        for status, response in operation["responses"].items():
            json_body = response.get("content", {}).get("application/json")
            if int(status) < 400 and json_body is not None:
                schema = json_body["schema"]
                assert "$ref" in schema or "$ref" in schema.get("items", {}), (method, path)
