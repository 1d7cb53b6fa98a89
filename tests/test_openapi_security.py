"""The OpenAPI document names the bearer scheme's scopes, and each operation the scopes its
authorization really asks for."""

import httpx

OAUTH = "OAuth2PasswordBearer"
OPEN = {
    ("post", "/api/v1/accounts"),
    ("post", "/api/v1/accounts/verify"),
    ("post", "/api/v1/auth/password-reset"),
    ("post", "/api/v1/auth/password-reset/confirm"),
    ("post", "/api/v1/auth/token"),
    ("get", "/api/v1/scoring/methods"),
    ("get", "/healthz"),
    ("get", "/readyz"),
}


async def test_the_scheme_lists_the_four_scopes_and_every_operation_its_own(
    client: httpx.AsyncClient,
) -> None:
    spec = (await client.get("/openapi.json")).json()
    scheme = spec["components"]["securitySchemes"][OAUTH]
    assert set(scheme["flows"]["password"]["scopes"]) == {"ballot", "results", "committee", "admin"}
    operations = {
        (method, path): op
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }
    for key, op in operations.items():
        if key in OPEN:
            assert "security" not in op, key
        else:
            assert op["security"], key
    paths = "/api/v1/consultations/{slug}"

    def security(method: str, path: str) -> list[dict[str, list[str]]]:
        found: list[dict[str, list[str]]] = operations[(method, path)]["security"]
        return found

    for method, path in [("post", "/api/v1/auth/tokens"), ("get", "/api/v1/auth/tokens")]:
        assert security(method, path) == [{OAUTH: []}]
        assert "personal access token gets 403" in operations[(method, path)]["description"]
    assert security("delete", "/api/v1/auth/tokens/{id}") == [{OAUTH: []}]
    for export in ("schedule.json", "schedule.xml"):
        alternatives = security("get", f"{paths}/{export}")
        assert {} in alternatives
        assert {OAUTH: ["committee"]} in alternatives
    data = security("get", f"{paths}/open-data.zip")
    assert {} in data
    assert {OAUTH: ["results"]} in data
    assert all("results" in a[OAUTH] for a in data if a)
    for method, path in [("put", f"{paths}/ballot"), ("delete", f"{paths}/ballot/{{topic_id}}")]:
        assert security(method, path) == [{OAUTH: ["ballot"]}]
    assert security("post", "/api/v1/consultations") == [{OAUTH: ["admin"]}]
    assert security("post", f"{paths}/agenda/finalize") == [
        {OAUTH: ["committee"]},
        {OAUTH: ["admin"]},
    ]
    responses = operations[("get", f"{paths}/open-data.zip")]["responses"]
    assert "application/zip" in responses["200"]["content"]
    assert (
        "application/xml"
        in operations[("get", f"{paths}/schedule.xml")]["responses"]["200"]["content"]
    )
