"""An edition built entirely over the API, from draft to a finalized agenda with timed
sessions in several rooms (the seeded 2017 edition has no session times): for the exports'
tests. Some texts start with characters a spreadsheet would run as a formula."""

from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from tests.actors import API, Actor, add_topics, admin, create_consultation, move, register
from tests.results.stored import store, topic_ids

TOPICS = ("=SUM(A1:A9) Access", "Rights", "Security")
SCORES = {"=SUM(A1:A9) Access": 5, "Rights": 4, "Security": 2}


@dataclass
class Edition:
    slug: str
    admin: Actor
    committee: Actor
    topics: dict[str, int]

    def url(self, path: str) -> str:
        return f"{API}/consultations/{self.slug}/{path}"


def sessions(topics: dict[str, int]) -> list[dict[str, Any]]:
    access, rights = topics["=SUM(A1:A9) Access"], topics["Rights"]
    return [
        {
            "title": "Opening keynote",
            "format": "keynote",
            "room": "Sala Azul",
            "starts_at": "2030-08-05T09:00:00-05:00",
            "ends_at": "2030-08-05T09:30:00-05:00",
            "people": [
                {"role": "panelist", "name": "José Pérez", "organization": "+Org", "country": "PA"},
                {"role": "moderator", "name": "Ana Gómez", "stakeholder_group": "government"},
            ],
        },
        {
            "title": "Access: beyond connectivity",
            "topic_id": access,
            "room": "Sala Roja",
            "starts_at": "2030-08-05T10:00:00-05:00",
            "ends_at": "2030-08-05T11:30:00-05:00",
            "description": "Two rounds.\n\tFirst: costs. Then: competition.",
            "questions": ["-How do we connect more users?", "Who pays?"],
            "people": [
                {"role": "panelist", "name": "@Marta Ruiz", "organization": "ISOC"},
                {"role": "panelist", "name": "jose perez"},
                {"role": "moderator", "name": "Luis Díaz"},
            ],
        },
        {
            "title": "Rights online",
            "topic_id": rights,
            "format": "roundtable",
            "room": "Sala Azul",
            "starts_at": "2030-08-06T14:00:00-05:00",
            "ends_at": "2030-08-06T16:15:00-05:00",
            "people": [
                {"role": "panelist", "name": "Carla Núñez"},
                {"role": "moderator", "name": "Pedro Ramos"},
                {"role": "rapporteur", "name": "Carlos Guerrero"},
                {"role": "remote_moderator", "name": "Carlos Guerrero"},
            ],
        },
        {
            "title": "Untimed consultation",
            "people": [
                {"role": "panelist", "name": "Someone"},
                {"role": "moderator", "name": "Someone Else"},
            ],
        },
    ]


def group(i: int) -> str:
    return "civil_society" if i < 6 else "government" if i < 9 else "academia"


async def closed_edition(client: httpx.AsyncClient, app: FastAPI) -> Edition:
    """Closed, with ratings from 12 participants: six in civil society, three in government,
    three in academia (those two folded into `other` with min_group_size 5)."""
    boss = await admin(client, app)
    member = await register(client, group="civil_society")
    slug = str(
        (
            await create_consultation(
                client,
                boss,
                title="Forum 2030",
                starts_on="2030-08-05",
                ends_on="2030-08-07",
                timezone="America/Panama",
                agenda_size=2,
            )
        )["slug"]
    )
    await add_topics(client, boss, slug, list(TOPICS))
    response = await client.post(
        f"{API}/consultations/{slug}/committee",
        json={"name": "Chair", "stakeholder_group": "civil_society", "email": member.email},
        headers=boss.headers,
    )
    assert response.status_code == 201, response.text
    response = await client.post(
        f"{API}/consultations/{slug}/committee",
        json={"name": "-Record Only", "stakeholder_group": "government", "organization": "@Gov"},
        headers=boss.headers,
    )
    assert response.status_code == 201, response.text
    await move(client, boss, slug, "open")
    ids = dict(zip(TOPICS, topic_ids(app, slug), strict=True))
    rows = [
        (f"p{i:02d}", group(i), ids[t], max(1, s - i % 2))
        for i in range(12)
        for t, s in SCORES.items()
    ]
    store(app, slug, rows)
    await move(client, boss, slug, "close")
    return Edition(slug, boss, member, ids)


async def add_sessions(client: httpx.AsyncClient, edition: Edition) -> list[int]:
    ids = []
    for body in sessions(edition.topics):
        response = await client.post(
            edition.url("agenda/sessions"), json=body, headers=edition.committee.headers
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


async def finalized_edition(client: httpx.AsyncClient, app: FastAPI) -> Edition:
    edition = await closed_edition(client, app)
    await add_sessions(client, edition)
    response = await client.post(edition.url("agenda/finalize"), headers=edition.committee.headers)
    assert response.status_code == 200, response.text
    return edition
