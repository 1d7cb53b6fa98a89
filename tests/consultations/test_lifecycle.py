"""Every (state, move) pair: the pure table, and the same over HTTP."""

import httpx
import pytest
from fastapi import FastAPI

from app.consultations.lifecycle import IllegalMove, Move, next_state
from app.vocabulary import ConsultationState as S
from tests.actors import API, add_topics, admin, create_consultation, move

ALLOWED = {
    (S.draft, Move.open): S.open,
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


# How to bring a fresh consultation into each state over the API (finalize comes with the agenda).
ROUTE = {S.draft: [], S.open: ["open"], S.closed: ["open", "close"]}
HTTP_MOVES = [Move.open, Move.close, Move.reopen]
HTTP_PAIRS = [(state, m) for state in ROUTE for m in HTTP_MOVES]


@pytest.mark.parametrize(("state", "step"), HTTP_PAIRS, ids=[f"{s}-{m}" for s, m in HTTP_PAIRS])
async def test_lifecycle_over_http(
    client: httpx.AsyncClient, app: FastAPI, state: S, step: Move
) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    await add_topics(client, boss, slug, ["One"])
    await move(client, boss, slug, *ROUTE[state])
    response = await client.post(f"{API}/consultations/{slug}/{step.value}", headers=boss.headers)
    detail = (await client.get(f"{API}/consultations/{slug}", headers=boss.headers)).json()
    if (state, step) in ALLOWED:
        assert response.status_code == 200
        assert response.json()["state"] == ALLOWED[(state, step)].value
        assert detail["state"] == ALLOWED[(state, step)].value
    else:
        assert response.status_code == 409
        assert response.json()["state"] == state.value
        assert detail["state"] == state.value


async def test_finalized_2017_edition_refuses_every_move(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    for step in HTTP_MOVES:
        response = await client.post(
            f"{API}/consultations/lacigf-2017/{step.value}", headers=boss.headers
        )
        assert response.status_code == 409


async def test_opening_without_topics_is_409(client: httpx.AsyncClient, app: FastAPI) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    response = await client.post(f"{API}/consultations/{slug}/open", headers=boss.headers)
    assert response.status_code == 409
    assert "topic" in response.json()["detail"]
