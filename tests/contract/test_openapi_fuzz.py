"""Contract fuzzing: Schemathesis generates requests for every operation of our own
/openapi.json and checks each response: never a 5xx, and every status code, content type,
header and body as documented; and a refused request leaves the whole stored state as it was.

Each role (admin, committee, participant) fuzzes its own world (a fresh database with
consultations in every state), so that one role's writes cannot spoil another's run. Part of the
generated cases get real slugs and ids, so that the fuzzer gets past the 404s.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from app.main import create_app
from app.scoring import METHODS
from tests.actors import PASSWORD
from tests.contract.world import ROLES, World, world_on_fresh_database
from tests.databases import Databases, settings_for
from tests.snapshots import assert_unchanged, snapshot

MAX_EXAMPLES = 25
# Each run fuzzes with a fresh seed (CONSULTA_FUZZ_SEED, chosen once per run in conftest.py and
# printed in the report header and in any failure), so CI explores new cases every time. A
# seed that once found a bug is kept here, and runs every time as a regular test.
KEPT_SEEDS: list[int] = []
SEEDS = [int(os.environ["CONSULTA_FUZZ_SEED"]), *KEPT_SEEDS]


@pytest.fixture(scope="module", params=ROLES)
def world(request: pytest.FixtureRequest, databases: Databases) -> Iterator[World]:
    with world_on_fresh_database(databases) as built:
        built.tokens["fuzzer"] = built.tokens[request.param]
        built.emails["fuzzer"] = built.emails[request.param]
        yield built
        asgi.shutdown_lifespans()


def _real_parameters(world: World) -> list[tuple[str, dict[str, Any]]]:
    """Path parameters that name real things, each id with the consultation it belongs to and,
    for an `{id}`, the collection it is in (the path's segment before it)."""
    found: list[tuple[str, dict[str, Any]]] = [("", {"slug": slug}) for slug in world.slugs]
    found += [("", {"slug": slug, "topic_id": t}) for slug, t in world.topics_by_slug]
    found += [("topics", {"slug": slug, "id": t}) for slug, t in world.topics_by_slug]
    found += [("sessions", {"slug": world.closed, "id": s}) for s in world.session_ids]
    found += [("", {"slug": slug, "member_id": m}) for slug, m in world.members_by_slug]
    found += [("proposals", {"slug": slug, "id": p}) for slug, p in world.proposals_by_slug]
    return found


def _collection(path: str) -> str:
    """The collection an `{id}` in `path` names a member of ('' when there is none)."""
    before, found, _ = path.partition("/{id}")
    return before.rsplit("/", 1)[-1] if found else ""


@pytest.fixture(scope="module")
def api(world: World) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.app)
    real = _real_parameters(world)

    @schema.hook
    def flatmap_path_parameters(
        context: schemathesis.HookContext, path_parameters: dict[str, Any] | None
    ) -> st.SearchStrategy[dict[str, Any] | None]:
        # Half the time the generated values; otherwise real ones (a slug, and an id of that
        # consultation's), so that the fuzzer gets past the 404s.
        if not path_parameters:
            return st.just(path_parameters)
        names = set(path_parameters)
        collection = _collection(context.operation.path) if context.operation else ""
        fitting = [found for where, found in real if set(found) == names and where == collection]
        if not fitting:
            return st.just(path_parameters)
        return st.one_of(st.just(path_parameters), st.sampled_from(fitting))

    @schema.hook
    def flatmap_query(
        context: schemathesis.HookContext, query: dict[str, Any] | None
    ) -> st.SearchStrategy[dict[str, Any] | None]:
        if not query or "method" not in query:
            return st.just(query)
        named = st.sampled_from(sorted(METHODS)).map(lambda m: query | {"method": m})
        return st.one_of(st.just(query), named)

    @schema.hook
    def flatmap_body(context: schemathesis.HookContext, body: Any) -> st.SearchStrategy[Any]:
        # Real credentials on the sign-in form, real topics in ballots, part of the time.
        if context.operation is None or not isinstance(body, dict):
            return st.just(body)
        if context.operation.path.endswith("/auth/token"):
            email = world.emails["fuzzer"]
            return st.sampled_from([body, {"username": email, "password": PASSWORD}])
        if isinstance(body.get("ratings"), list):
            real_ballots = st.lists(
                st.fixed_dictionaries(
                    {"topic_id": st.sampled_from(world.topic_ids), "score": st.integers(0, 6)}
                ),
                max_size=4,
            ).map(lambda ratings: body | {"ratings": ratings})
            return st.one_of(st.just(body), real_ballots)
        return st.just(body)

    return schema


def _operations() -> list[tuple[str, str]]:
    """Every (method, path) of the OpenAPI document, read without a database."""
    document = create_app(settings_for("sqlite://")).openapi()
    return [
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "put", "post", "patch", "delete"}
    ]


OPERATIONS = _operations()
# Schema-valid is not valid: the JSON Schema cannot say that a country must be in ISO 3166, that
# a scale's labels must fit it, or that a session ends after it starts, so a schema-valid body may
# rightly be 422. Everything else is checked: no 5xx, and documented statuses, content types,
# headers and bodies.
#
# And the API normalises what it reads: text is stripped of surrounding whitespace before its
# length is checked, and country codes are case-folded ("uy"), so a body that breaks the schema's
# letter (a `maxLength` counted with trailing spaces) may rightly be accepted.
EXCLUDED_CHECKS = [positive_data_acceptance, negative_data_rejection]
SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=False,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.parametrize("fuzz_seed", SEEDS, ids=[f"seed {s}" for s in SEEDS])
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_operation_honours_its_documented_contract(
    api: schemathesis.BaseSchema, world: World, method: str, path: str, fuzz_seed: int
) -> None:
    operation = api[path][method]
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    statuses: set[int] = set()

    @SETTINGS
    @seed(fuzz_seed)
    @given(case=cases)
    def fuzz(case: schemathesis.Case) -> None:
        token = world.tokens["fuzzer"]
        if method == "DELETE" and path.endswith("/auth/token"):
            token = world.fresh_token("fuzzer")  # signing out revokes the token presented
        case.headers = (case.headers or {}) | {"Authorization": f"Bearer {token}"}
        before = snapshot(world.app)
        response = case.call_and_validate(excluded_checks=EXCLUDED_CHECKS)
        statuses.add(response.status_code)
        if response.status_code >= 400:
            assert_unchanged(
                world.app, before, method=method, path=path, status=response.status_code
            )

    try:
        fuzz()
    except BaseException as failure:
        failure.add_note(f"Repeat with CONSULTA_FUZZ_SEED={fuzz_seed}; keep it in KEPT_SEEDS.")
        raise
    if "{slug}" in path:
        # The fuzzer got past "no such consultation" at least once.
        assert statuses - {404}, f"{method} {path} only ever got 404"
