"""Consultations arranged for the page tests, through the API and the results tests' store."""

import httpx
from fastapi import FastAPI

from tests.actors import API, PASSWORD, Actor, add_topics, admin, create_consultation, move
from tests.actors import register as register_api
from tests.results.stored import random_ballots, store

TOPICS = ["Net neutrality", "Cybersecurity", "Digital inclusion", "Privacy", "Zero rating"]


async def open_consultation(
    client: httpx.AsyncClient, app: FastAPI, **fields: object
) -> tuple[Actor, str, list[int]]:
    boss = await admin(client, app)
    body = {"scale_labels": ["Not relevant", "Slightly", "Relevant", "Very", "Essential"]}
    consultation = await create_consultation(client, boss, **(body | fields))
    slug = str(consultation["slug"])
    ids = await add_topics(client, boss, slug, TOPICS)
    await move(client, boss, slug, "open")
    return boss, slug, ids


async def closed_with_ballots(
    client: httpx.AsyncClient, app: FastAPI, participants: int = 40, **fields: object
) -> tuple[Actor, str, list[int]]:
    boss, slug, ids = await open_consultation(client, app, **fields)
    store(app, slug, random_ballots(7, ids, participants))
    await move(client, boss, slug, "close")
    return boss, slug, ids


async def seat(client: httpx.AsyncClient, boss: Actor, slug: str, email: str) -> None:
    response = await client.post(
        f"{API}/consultations/{slug}/committee",
        json={"name": "Member", "stakeholder_group": "civil_society", "email": email},
        headers=boss.headers,
    )
    assert response.status_code == 201, response.text


async def member(client: httpx.AsyncClient, boss: Actor, slug: str) -> Actor:
    person = await register_api(client)
    await seat(client, boss, slug, person.email)
    return person


__all__ = ["PASSWORD", "closed_with_ballots", "member", "open_consultation", "register_api"]
