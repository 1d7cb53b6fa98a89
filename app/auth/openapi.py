"""Each operation's `security` in the OpenAPI document, derived from the authorization it
really runs: the guard dependencies of app.auth.dependencies and
app.consultations.dependencies, each documented here once with the scopes it needs.

In OpenAPI a `security` list holds alternatives and each alternative's scopes are all needed;
`{}` means the call is also open to anonymous callers."""

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from app.auth import dependencies as auth
from app.auth.scopes import Scope
from app.consultations import dependencies as consultations

SCHEME = "OAuth2PasswordBearer"
Requirement = dict[str, list[str]]

ANYONE: Requirement = {}


def _token(*scopes: Scope) -> Requirement:
    return {SCHEME: [s.value for s in scopes]}


MANAGERS = [_token(Scope.committee), _token(Scope.admin)]
# The guards, most specific first: an operation is documented by the first one it runs.
GUARDS: list[tuple[Callable[..., Any], list[Requirement]]] = [
    (consultations.participating_consultation, [_token(Scope.ballot)]),
    (consultations.administered_consultation, [_token(Scope.admin)]),
    (consultations.managed_consultation, MANAGERS),
    (auth.admin_account, [_token(Scope.admin)]),
    (
        consultations.results_consultation,
        [
            ANYONE,
            _token(Scope.results),
            _token(Scope.results, Scope.committee),
            _token(Scope.results, Scope.admin),
        ],
    ),
    (auth.full_powers, [_token()]),
    (auth.current_caller, [_token()]),
    (auth.optional_caller, [ANYONE, _token(), *MANAGERS]),
]
# Routes that authorize inside the endpoint (the grouped ballot writes, see app.ballots).
INSIDE: dict[tuple[str, str], list[Requirement]] = {
    ("PUT", "/api/v1/consultations/{slug}/ballot"): [_token(Scope.ballot)],
    ("PUT", "/api/v1/consultations/{slug}/ballot/{topic_id}"): [_token(Scope.ballot)],
    ("DELETE", "/api/v1/consultations/{slug}/ballot/{topic_id}"): [_token(Scope.ballot)],
}
PERSONAL_TOKENS_REFUSED = (
    "\n\nNeeds a token with all of the account's powers (from `POST /auth/token`); a personal "
    "access token gets 403 `insufficient-scope`."
)


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def requirements(route: APIRoute, path: str, method: str) -> list[Requirement] | None:
    """The security alternatives of one operation; None when it takes no token at all."""
    inside = INSIDE.get((method, path))
    if inside is not None:
        return inside
    calls = set(_calls(route.dependant))
    for guard, documented in GUARDS:
        if guard in calls:
            return documented
    return None


def document_security(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        for context in iter_route_contexts(app.routes):
            route = context.original_route
            path = context.path_format
            if not isinstance(route, APIRoute) or path is None or path not in schema["paths"]:
                continue
            for method in route.methods or ():
                operation = schema["paths"][path].get(method.lower())
                if operation is None:
                    continue
                documented = requirements(route, path, method)
                if documented is None:
                    operation.pop("security", None)
                    continue
                operation["security"] = documented
                if auth.full_powers in set(_calls(route.dependant)):
                    operation["description"] = (
                        operation.get("description", "") + PERSONAL_TOKENS_REFUSED
                    )
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
