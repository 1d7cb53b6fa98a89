"""Committee seats: limits per group, and powers on one consultation only."""

import httpx
from fastapi import FastAPI

from tests.actors import API, add_topics, admin, create_consultation, register


async def test_seat_limits_per_group(client: httpx.AsyncClient, app: FastAPI) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss, seats_per_group=2))["slug"])
    url = f"{API}/consultations/{slug}/committee"

    async def seat(name: str, group: str) -> httpx.Response:
        return await client.post(
            url, json={"name": name, "stakeholder_group": group}, headers=boss.headers
        )

    assert (await seat("A", "government")).status_code == 201
    assert (await seat("B", "government")).status_code == 201
    full = await seat("C", "government")
    assert full.status_code == 409
    assert (await seat("D", "academia")).status_code == 422
    assert (await seat("E", "civil_society")).status_code == 201
    committee = (await client.get(url, headers=boss.headers)).json()
    vacancies = {g["stakeholder_group"]: g["vacancies"] for g in committee["groups"]}
    assert vacancies == {
        "government": 0,
        "private_sector": 2,
        "civil_society": 1,
        "technical_community": 2,
    }
    member_id = committee["groups"][0]["members"][0]["id"]
    assert (await client.delete(f"{url}/{member_id}", headers=boss.headers)).status_code == 204
    assert (await client.delete(f"{url}/{member_id}", headers=boss.headers)).status_code == 404
    assert (await seat("C", "government")).status_code == 201


async def test_a_seat_gives_powers_on_its_consultation_only(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    member = await register(client, group="technical_community")
    mine = str((await create_consultation(client, boss))["slug"])
    other = str((await create_consultation(client, boss))["slug"])
    await add_topics(client, boss, other, ["Elsewhere"])
    seated = await client.post(
        f"{API}/consultations/{mine}/committee",
        json={"name": "Tech", "stakeholder_group": "technical_community", "email": member.email},
        headers=boss.headers,
    )
    assert seated.json()["linked"] is True
    again = await client.post(
        f"{API}/consultations/{mine}/committee",
        json={"name": "Tech", "stakeholder_group": "government", "email": member.email},
        headers=boss.headers,
    )
    assert again.status_code == 409
    add_mine = await client.post(
        f"{API}/consultations/{mine}/topics", json={"title": "Mine"}, headers=member.headers
    )
    assert add_mine.status_code == 201
    add_other = await client.post(
        f"{API}/consultations/{other}/topics", json={"title": "Not mine"}, headers=member.headers
    )
    assert add_other.status_code == 404
    sessions_other = await client.post(
        f"{API}/consultations/{other}/agenda/sessions", json={"title": "X"}, headers=member.headers
    )
    assert sessions_other.status_code == 404
    member_id = seated.json()["id"]
    await client.delete(f"{API}/consultations/{mine}/committee/{member_id}", headers=boss.headers)
    after = await client.post(
        f"{API}/consultations/{mine}/topics", json={"title": "Again"}, headers=member.headers
    )
    assert after.status_code == 404


async def test_committee_members_cannot_seat(client: httpx.AsyncClient, app: FastAPI) -> None:
    boss = await admin(client, app)
    member = await register(client)
    slug = str((await create_consultation(client, boss))["slug"])
    await client.post(
        f"{API}/consultations/{slug}/committee",
        json={"name": "M", "stakeholder_group": "civil_society", "email": member.email},
        headers=boss.headers,
    )
    response = await client.post(
        f"{API}/consultations/{slug}/committee",
        json={"name": "Friend", "stakeholder_group": "civil_society"},
        headers=member.headers,
    )
    assert response.status_code == 403
