"""Every (state, move) pair: the pure table, and the same over HTTP."""

from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI

from app.consultations.lifecycle import (
    IllegalMove,
    Move,
    accepts_ballots,
    accepts_imports,
    accepts_proposals,
    agenda_final,
    ballots_published,
    descriptions_editable,
    next_state,
    proposals_decidable,
    public,
    results_published,
    rules_editable,
    sessions_from_ranking,
    topics_editable,
)
from app.vocabulary import ConsultationState as S
from tests.actors import API, add_topics, admin, create_consultation, move

ALLOWED = {
    (S.draft, Move.open_proposals): S.proposals,
    (S.draft, Move.open): S.open,
    (S.proposals, Move.open): S.open,
    (S.open, Move.close): S.closed,
    (S.closed, Move.reopen): S.open,
    (S.closed, Move.finalize): S.finalized,
}
PAIRS = [(state, m) for state in S for m in Move]


@pytest.mark.parametrize(("state", "step"), PAIRS, ids=[f"{s}-{m}" for s, m in PAIRS])
def test_transition_table(state: S, step: Move) -> None:
    if (state, step) in ALLOWED:
        assert next_state(state, step) is ALLOWED[(state, step)]
    else:
        with pytest.raises(IllegalMove):
            next_state(state, step)


# What a refused move says: the state it is in and every move allowed from there (sorted).
MESSAGES = {
    (S.draft, Move.close): (
        "Cannot close a consultation that is draft (allowed from draft: open, open_proposals)."
    ),
    (S.proposals, Move.close): (
        "Cannot close a consultation that is proposals (allowed from proposals: open)."
    ),
    (S.proposals, Move.open_proposals): (
        "Cannot open the call for topics of a consultation that is proposals "
        "(allowed from proposals: open)."
    ),
    (S.open, Move.open_proposals): (
        "Cannot open the call for topics of a consultation that is open (allowed from open: close)."
    ),
    (S.open, Move.open): "Cannot open a consultation that is open (allowed from open: close).",
    (S.open, Move.finalize): (
        "Cannot finalize a consultation that is open (allowed from open: close)."
    ),
    (S.closed, Move.open): (
        "Cannot open a consultation that is closed (allowed from closed: finalize, reopen)."
    ),
    (S.closed, Move.close): (
        "Cannot close a consultation that is closed (allowed from closed: finalize, reopen)."
    ),
    (S.finalized, Move.reopen): ("Cannot reopen a consultation that is finalized (it is final)."),
}


@pytest.mark.parametrize(("state", "step"), MESSAGES, ids=[f"{s}-{m}" for s, m in MESSAGES])
def test_a_refused_move_names_the_moves_allowed_from_that_state(state: S, step: Move) -> None:
    with pytest.raises(IllegalMove) as refused:
        next_state(state, step)
    assert str(refused.value) == MESSAGES[(state, step)]


def test_every_refused_move_of_a_state_gives_the_same_allowed_moves() -> None:
    for state in S:
        hints = set()
        for step in Move:
            if (state, step) not in ALLOWED:
                with pytest.raises(IllegalMove) as refused:
                    next_state(state, step)
                hints.add(str(refused.value).split("(", 1)[1])
        allowed = sorted(m.value for (s, m) in ALLOWED if s == state)
        expected = (
            f"allowed from {state.value}: {', '.join(allowed)})." if allowed else "it is final)."
        )
        assert hints == {expected}


# Each lifecycle predicate, and the states in which it holds.
PERMITS: dict[Callable[[S], bool], set[S]] = {
    public: {S.proposals, S.open, S.closed, S.finalized},
    accepts_ballots: {S.open},
    accepts_imports: {S.open, S.closed},
    rules_editable: {S.draft, S.proposals},
    topics_editable: {S.draft, S.proposals},
    accepts_proposals: {S.proposals},
    proposals_decidable: {S.draft, S.proposals},
    descriptions_editable: {S.draft, S.proposals, S.open, S.closed},
    ballots_published: {S.closed, S.finalized},
    sessions_from_ranking: {S.closed},
    agenda_final: {S.finalized},
}


@pytest.mark.parametrize("state", list(S))
def test_what_each_state_permits(state: S) -> None:
    assert {p.__name__: p(state) for p in PERMITS} == {
        p.__name__: state in holds for p, holds in PERMITS.items()
    }


@pytest.mark.parametrize("live_results", [False, True])
@pytest.mark.parametrize("state", list(S))
def test_results_are_published_once_closed_or_while_open_with_live_results(
    state: S, live_results: bool
) -> None:
    published = {S.closed, S.finalized} | ({S.open} if live_results else set())
    assert results_published(state, live_results=live_results) is (state in published)


# How to bring a fresh consultation into each state over the API (finalize comes with the agenda).
ROUTE = {
    S.draft: [],
    S.proposals: ["proposals/open"],
    S.open: ["open"],
    S.closed: ["open", "close"],
}
HTTP_MOVES = [Move.open_proposals, Move.open, Move.close, Move.reopen]
PATHS = {Move.open_proposals: "proposals/open"}  # the others: the move's name
HTTP_PAIRS = [(state, m) for state in ROUTE for m in HTTP_MOVES]


@pytest.mark.parametrize(("state", "step"), HTTP_PAIRS, ids=[f"{s}-{m}" for s, m in HTTP_PAIRS])
async def test_lifecycle_over_http(
    client: httpx.AsyncClient, app: FastAPI, state: S, step: Move
) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    await add_topics(client, boss, slug, ["One"])
    await move(client, boss, slug, *ROUTE[state])
    path = PATHS.get(step, step.value)
    response = await client.post(f"{API}/consultations/{slug}/{path}", headers=boss.headers)
    detail = (await client.get(f"{API}/consultations/{slug}", headers=boss.headers)).json()
    if (state, step) in ALLOWED:
        assert response.status_code == 200
        assert response.json()["state"] == ALLOWED[(state, step)].value
        assert detail["state"] == ALLOWED[(state, step)].value
    else:
        assert response.status_code == 409
        assert response.json()["state"] == state.value
        with pytest.raises(IllegalMove) as refused:
            next_state(state, step)
        assert response.json()["detail"] == str(refused.value)
        assert detail["state"] == state.value


async def test_finalized_2017_edition_refuses_every_move(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    for step in HTTP_MOVES:
        path = PATHS.get(step, step.value)
        response = await client.post(
            f"{API}/consultations/lacigf-2017/{path}", headers=boss.headers
        )
        assert response.status_code == 409
        with pytest.raises(IllegalMove) as refused:
            next_state(S.finalized, step)
        assert response.json()["detail"] == str(refused.value)
        assert str(refused.value).endswith("a consultation that is finalized (it is final).")


async def test_opening_without_topics_is_409(client: httpx.AsyncClient, app: FastAPI) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    response = await client.post(f"{API}/consultations/{slug}/open", headers=boss.headers)
    assert response.status_code == 409
    assert "topic" in response.json()["detail"]


async def test_the_call_for_topics_is_audited_and_opens_for_rating(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    called = await client.post(f"{API}/consultations/{slug}/proposals/open", headers=boss.headers)
    assert called.status_code == 200
    assert called.json()["state"] == "proposals"
    assert called.json()["max_proposals_per_participant"] == 3
    # Public during the call: anyone sees it.
    assert (await client.get(f"{API}/consultations/{slug}")).json()["state"] == "proposals"
    await add_topics(client, boss, slug, ["Typed in during the call"])
    opened = await client.post(f"{API}/consultations/{slug}/open", headers=boss.headers)
    assert opened.json()["state"] == "open"
    audit = await client.get(f"{API}/consultations/{slug}/audit", headers=boss.headers)
    actions = [e["action"] for e in audit.json()["items"]]
    assert "consultation.open_proposals" in actions
    assert "consultation.open" in actions
