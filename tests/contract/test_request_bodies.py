"""Property-based input tests: every request model, fed arbitrary JSON and mutations of a valid
body (fields dropped, changed to any JSON value, added; wrong types, huge numbers, unicode, NUL
characters, nulls), never gets a 5xx, and a refused request (4xx) changes nothing stored."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.actors import API, PASSWORD
from tests.contract.world import World, _register, world_on_fresh_database
from tests.databases import Databases
from tests.snapshots import assert_unchanged, snapshot

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

NASTY_STRINGS = st.sampled_from(
    ["", " ", "\x00", "a\x00b", "\u202e", "😀" * 50, "x" * 301, "Ωμέγα", "\ufeff", "null", "1e309"]
)
NASTY_NUMBERS = st.sampled_from(
    [0, -1, 2**31, 2**63 - 1, 2**63, -(2**63) - 1, 2**64, 10**100, 1e308, -1e308, 0.5, -0.0]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    NASTY_STRINGS,
    NASTY_NUMBERS,
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def mutations(valid: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A valid body with one field dropped, changed to any JSON value, or a field added."""
    keys = sorted(valid)
    added = st.tuples(st.text(max_size=12), JSON).map(lambda kv: valid | {kv[0]: kv[1]})
    if not keys:
        return added
    dropped = st.sampled_from(keys).map(lambda k: {f: v for f, v in valid.items() if f != k})
    changed = st.tuples(st.sampled_from(keys), JSON).map(lambda kv: valid | {kv[0]: kv[1]})
    nested = st.tuples(st.sampled_from(keys), st.sampled_from(keys), JSON).map(
        lambda kkv: valid | {kkv[0]: {kkv[1]: kkv[2]}}
    )
    return st.one_of(st.just(valid), dropped, changed, added, nested)


def bodies(valid: dict[str, Any]) -> st.SearchStrategy[Any]:
    twice = mutations(valid).flatmap(
        lambda body: mutations(body) if isinstance(body, dict) else st.just(body)
    )
    return st.one_of(JSON, mutations(valid), twice)


@dataclass(frozen=True)
class Endpoint:
    model: str
    method: str
    path: Callable[[World], str]
    role: str
    valid: Callable[[World], dict[str, Any]]


ENDPOINTS = [
    Endpoint(
        "AccountCreate",
        "POST",
        lambda w: "/accounts",
        "anonymous",
        lambda w: {
            "email": "fuzzed@example.org",
            "password": PASSWORD,
            "display_name": "Fuzzed",
            "stakeholder_group": "academia",
            "country": "AR",
            "organization": "Org",
        },
    ),
    Endpoint(
        "AccountUpdate",
        "PATCH",
        lambda w: "/me",
        "editor",
        lambda w: {
            "display_name": "Editor",
            "stakeholder_group": "other",
            "country": "uy",
            "organization": "Org",
            "password": PASSWORD,
            "current_password": PASSWORD,
        },
    ),
    Endpoint(
        "ConsultationCreate",
        "POST",
        lambda w: "/consultations",
        "admin",
        lambda w: {
            "slug": "fuzzed-2031",
            "title": "T",
            "forum": "F",
            "edition": "2031",
            "city": "Panamá",
            "country": "PA",
            "starts_on": "2031-08-02",
            "ends_on": "2031-08-04",
            "description": "D",
            "scale_min": 1,
            "scale_max": 5,
            "scale_labels": ["a", "b", "c", "d", "e"],
            "default_method": "mean",
            "prior_weight": 5,
            "min_group_size": 5,
            "agenda_size": 6,
            "live_results": False,
            "copy_topics_from": "lacigf-2017",
            "timezone": "America/Panama",
        },
    ),
    Endpoint(
        "ConsultationUpdate",
        "PATCH",
        lambda w: f"/consultations/{w.draft}",
        "admin",
        lambda w: {
            "title": "T2",
            "description": "D2",
            "scale_min": 0,
            "scale_max": 4,
            "scale_labels": None,
            "default_method": "schulze",
            "agenda_size": 3,
            "live_results": True,
            "starts_on": "2030-08-01",
            "ends_on": "2030-08-05",
        },
    ),
    Endpoint(
        "TopicCreate",
        "POST",
        lambda w: f"/consultations/{w.draft}/topics",
        "committee",
        lambda w: {"title": "New topic", "description": "D", "position": 1},
    ),
    Endpoint(
        "TopicUpdate",
        "PATCH",
        lambda w: f"/consultations/{w.draft}/topics/{w.draft_topics[0]}",
        "committee",
        lambda w: {"title": "Renamed", "description": "D", "position": 2},
    ),
    Endpoint(
        "Score",
        "PUT",
        lambda w: f"/consultations/{w.open}/ballot/{w.open_topics[0]}",
        "participant",
        lambda w: {"score": 3},
    ),
    Endpoint(
        "BallotIn",
        "PUT",
        lambda w: f"/consultations/{w.open}/ballot",
        "participant",
        lambda w: {
            "ratings": [
                {"topic_id": t, "score": s} for t, s in zip(w.open_topics, (1, 5, 3), strict=True)
            ]
        },
    ),
    Endpoint(
        "SeatCreate",
        "POST",
        lambda w: f"/consultations/{w.draft}/committee",
        "admin",
        lambda w: {
            "name": "Seated",
            "stakeholder_group": "civil_society",
            "organization": "Org",
            "country": "CL",
            "email": w.emails["participant"],
        },
    ),
    Endpoint(
        "SessionCreate",
        "POST",
        lambda w: f"/consultations/{w.closed}/agenda/sessions",
        "committee",
        lambda w: {
            "title": "Session",
            "topic_id": w.topic_ids[-1],
            "format": "roundtable",
            "starts_at": "2030-08-02T09:00:00-05:00",
            "ends_at": "2030-08-02T10:30:00-05:00",
            "room": "A",
            "description": "D",
            "questions": ["Why?"],
            "people": [
                {"role": "moderator", "name": "Ana", "country": "PA"},
                {"role": "panelist", "name": "Bo", "stakeholder_group": "academia"},
            ],
            "position": 0,
        },
    ),
    Endpoint(
        "SessionUpdate",
        "PATCH",
        lambda w: f"/consultations/{w.closed}/agenda/sessions/{w.session_ids[0]}",
        "committee",
        lambda w: {
            "title": "Renamed session",
            "format": "panel",
            "starts_at": "2030-08-03T09:00:00Z",
            "ends_at": "2030-08-03T10:00:00Z",
            "questions": ["What?"],
            "people": [{"role": "panelist", "name": "Cy", "organization": "Org"}],
            "position": 1,
        },
    ),
    Endpoint(
        "FromRanking",
        "POST",
        lambda w: f"/consultations/{w.closed}/agenda/from-ranking",
        "committee",
        lambda w: {"method": "bayesian", "top": 3, "include_ties": True},
    ),
]


@pytest.fixture(scope="module")
def world(databases: Databases) -> Iterator[World]:
    with world_on_fresh_database(databases) as built:
        email, token = _register(built.client, "editor", "academia")
        built.emails["editor"], built.tokens["editor"] = email, token
        yield built


def send(world: World, method: str, path: str, role: str, **kwargs: Any) -> int:
    before = snapshot(world.app)
    response = world.client.request(method, API + path, headers=world.headers(role), **kwargs)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json"
        assert_unchanged(world.app, before, method=method, path=path, status=response.status_code)
    return response.status_code


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.model for e in ENDPOINTS])
def test_any_json_body_gets_no_5xx_and_a_refusal_writes_nothing(
    world: World, endpoint: Endpoint
) -> None:
    path = endpoint.path(world)

    @SETTINGS
    @given(body=bodies(endpoint.valid(world)))
    def check(body: Any) -> None:
        send(world, endpoint.method, path, endpoint.role, json=body)

    check()


FORM_VALUES = st.one_of(st.text(max_size=40), NASTY_STRINGS)


def test_any_token_form_gets_no_5xx_and_a_refusal_writes_nothing(world: World) -> None:
    valid = {"username": world.emails["voter"], "password": PASSWORD, "grant_type": "password"}
    forms = st.one_of(
        st.dictionaries(st.sampled_from([*valid, "scope", "client_id", "x"]), FORM_VALUES),
        st.tuples(st.sampled_from(sorted(valid)), FORM_VALUES).map(
            lambda kv: valid | {kv[0]: kv[1]}
        ),
        st.sampled_from(sorted(valid)).map(lambda k: {f: v for f, v in valid.items() if f != k}),
    )

    @SETTINGS
    @given(form=forms, as_json=st.booleans())
    def check(form: dict[str, str], as_json: bool) -> None:
        sent = {"json": form} if as_json else {"data": form}
        send(world, "POST", "/auth/token", "anonymous", **sent)

    check()
