"""Creating, listing, editing consultations and their topics."""

import itertools

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from app.models import AuditEntry
from tests.actors import (
    API,
    add_topics,
    admin,
    create_consultation,
    move,
    register,
)
from tests.databases import Reader


async def test_create_with_every_setting(client: httpx.AsyncClient, app: FastAPI) -> None:
    boss = await admin(client, app)
    created = await create_consultation(
        client,
        boss,
        "lacigf-2030",
        title="LACIGF 2030",
        forum="LACIGF",
        edition="2030",
        city="Montevideo",
        country="uy",
        starts_on="2030-08-05",
        ends_on="2030-08-07",
        timezone="America/Montevideo",
        description="The 2030 consultation.",
        scale_min=0,
        scale_max=4,
        scale_labels=["none", "low", "some", "high", "top"],
        default_method="schulze",
        prior_weight=2.5,
        min_group_size=3,
        agenda_size=8,
        live_results=True,
    )
    assert created["state"] == "draft"
    assert created["country"] == "UY"
    assert created["scale_labels"] == ["none", "low", "some", "high", "top"]
    assert created["default_method"] == "schulze"
    assert created["counts"] == {"topics": 0, "participants": 0, "ratings": 0}
    defaults = await create_consultation(client, boss)
    assert (defaults["scale_min"], defaults["scale_max"], defaults["default_method"]) == (
        1,
        5,
        "mean",
    )
    assert (defaults["prior_weight"], defaults["min_group_size"], defaults["agenda_size"]) == (
        5,
        5,
        6,
    )
    assert defaults["live_results"] is False


async def test_copy_topics_from_the_previous_edition(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    created = await create_consultation(client, boss, "lacigf-2018", copy_topics_from="lacigf-2017")
    assert created["counts"]["topics"] == 6  # type: ignore[index]
    old = (await client.get(f"{API}/consultations/lacigf-2017/topics")).json()["items"]
    new = (
        await client.get(f"{API}/consultations/lacigf-2018/topics", headers=boss.headers)
    ).json()["items"]
    assert [t["title"] for t in new] == [t["title"] for t in old]
    assert {t["id"] for t in new}.isdisjoint({t["id"] for t in old})


async def test_drafts_are_listed_only_for_admins_and_their_committee(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    member = await register(client, group="government")
    stranger = await register(client)
    slug = str((await create_consultation(client, boss))["slug"])
    await client.post(
        f"{API}/consultations/{slug}/committee",
        json={"name": "M", "stakeholder_group": "government", "email": member.email},
        headers=boss.headers,
    )

    async def listed(headers: dict[str, str]) -> list[str]:
        body = (await client.get(f"{API}/consultations", headers=headers)).json()
        assert body["total"] == len(body["items"])
        return [c["slug"] for c in body["items"]]

    assert slug in await listed(boss.headers)
    assert slug in await listed(member.headers)
    assert slug not in await listed(stranger.headers)
    assert slug not in await listed({})
    await add_topics(client, boss, slug, ["A"])
    await move(client, boss, slug, "open")
    assert slug in await listed({})


async def test_list_pagination(client: httpx.AsyncClient, app: FastAPI) -> None:
    boss = await admin(client, app)
    for _ in range(3):
        await create_consultation(client, boss)
    page = (await client.get(f"{API}/consultations?limit=2&offset=1", headers=boss.headers)).json()
    assert page["total"] == 4
    assert len(page["items"]) == 2


async def test_rules_are_editable_while_draft_and_frozen_after(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    url = f"{API}/consultations/{slug}"
    edited = await client.patch(
        url,
        json={"scale_min": 0, "scale_max": 10, "default_method": "top_box"},
        headers=boss.headers,
    )
    assert edited.status_code == 200
    assert (edited.json()["scale_max"], edited.json()["default_method"]) == (10, "top_box")
    await add_topics(client, boss, slug, ["A"])
    await move(client, boss, slug, "open")
    assert (await client.patch(url, json={"scale_max": 5}, headers=boss.headers)).status_code == 409
    retitled = await client.patch(url, json={"title": "Renamed"}, headers=boss.headers)
    assert retitled.json()["title"] == "Renamed"
    assert retitled.json()["scale_max"] == 10


async def test_topics_edit_reorder_and_delete_while_draft(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    a, b, c = await add_topics(client, boss, slug, ["A", "B", "C"])
    url = f"{API}/consultations/{slug}/topics"
    moved = await client.patch(f"{url}/{c}", json={"position": -1}, headers=boss.headers)
    assert moved.status_code == 422
    await client.patch(f"{url}/{a}", json={"position": 9, "description": "d"}, headers=boss.headers)
    assert (
        await client.patch(f"{url}/{b}", json={"title": "C"}, headers=boss.headers)
    ).status_code == 409
    assert (await client.delete(f"{url}/{b}", headers=boss.headers)).status_code == 204
    assert (await client.delete(f"{url}/{b}", headers=boss.headers)).status_code == 404
    topics = (await client.get(url, headers=boss.headers)).json()["items"]
    assert [(t["title"], t["description"]) for t in topics] == [("C", None), ("A", "d")]


async def test_a_title_differing_only_in_case_is_taken_in_every_script(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    # SQLite's lower() folds ASCII only: "accès" passed next to "ACCÈS" there (201), not on
    # PostgreSQL (409).
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    (accent,) = await add_topics(client, boss, slug, ["ACCÈS À L'INTERNET"])
    url = f"{API}/consultations/{slug}/topics"
    for title in ("accès à l'internet", "Ωμέγα"):
        first = await client.post(url, json={"title": title.upper()}, headers=boss.headers)
        assert first.status_code == (409 if title.startswith("accès") else 201), first.text
        again = await client.post(url, json={"title": title}, headers=boss.headers)
        assert again.status_code == 409, (title, again.text)
    renamed = await client.patch(f"{url}/{accent}", json={"title": "Ωμέγα"}, headers=boss.headers)
    assert renamed.status_code == 409
    own = await client.patch(
        f"{url}/{accent}", json={"title": "Accès à l'Internet"}, headers=boss.headers
    )
    assert own.status_code == 200, own.text


async def test_an_event_lasts_at_most_366_days_within_the_years_1900_to_2999(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    """Each day of the event is a day of the schedules: a date in year 9999 overflowed them
    (500) and one in year 1 made them 80 MB."""
    boss = await admin(client, app)
    url = f"{API}/consultations/{(await create_consultation(client, boss))['slug']}"
    for starts_on, ends_on, status in [
        ("2027-01-01", "2028-01-01", 200),  # 366 days, the first and the last counted
        ("2027-01-01", "2028-01-02", 422),
        ("1900-01-01", "1900-01-03", 200),
        ("1899-12-31", "1900-01-03", 422),
        ("2999-12-29", "2999-12-31", 200),
        ("2999-12-29", "3000-01-01", 422),
    ]:
        dates = {"starts_on": starts_on, "ends_on": ends_on}
        response = await client.patch(url, json=dates, headers=boss.headers)
        assert response.status_code == status, (dates, response.text)
    shown = (await client.get(url, headers=boss.headers)).json()
    assert (shown["starts_on"], shown["ends_on"]) == ("2999-12-29", "2999-12-31")
    latest = await client.patch(
        url, json={"closes_at": "2999-12-31T23:59:59-12:00"}, headers=boss.headers
    )
    assert latest.status_code == 200, latest.text
    assert latest.json()["closes_at"] == "3000-01-01T11:59:59Z"


async def test_ids_are_what_the_database_holds(client: httpx.AsyncClient, app: FastAPI) -> None:
    """32-bit, as the schema's INTEGER columns are on PostgreSQL: the last one names nothing
    (404), the next one is out of range (422), on both databases."""
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    url = f"{API}/consultations/{slug}/topics"
    for topic_id, status in ((2**31 - 1, 404), (2**31, 422), (-(2**31), 404), (-(2**31) - 1, 422)):
        response = await client.patch(
            f"{url}/{topic_id}", json={"title": "X"}, headers=boss.headers
        )
        assert response.status_code == status, (topic_id, response.text)
        if status == 422:
            assert response.json()["errors"][0]["loc"] == ["path", "id"]


async def test_each_participant_has_a_stable_shuffled_order(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    titles = [f"Topic {i:02d}" for i in range(12)]
    await add_topics(client, boss, slug, titles)
    await move(client, boss, slug, "open")
    url = f"{API}/consultations/{slug}/topics?order=shuffled"
    orders = []
    for _ in range(3):
        voter = await register(client)
        first = [t["title"] for t in (await client.get(url, headers=voter.headers)).json()["items"]]
        again = [t["title"] for t in (await client.get(url, headers=voter.headers)).json()["items"]]
        assert first == again
        assert sorted(first) == titles
        orders.append(first)
    assert len({tuple(o) for o in orders}) == 3


async def test_state_changes_are_audited(
    client: httpx.AsyncClient, app: FastAPI, db: Reader
) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    topic = (await add_topics(client, boss, slug, ["A"]))[0]
    await client.patch(
        f"{API}/consultations/{slug}/topics/{topic}", json={"title": "B"}, headers=boss.headers
    )
    await move(client, boss, slug, "open", "close", "reopen")
    entries = db.scalars(
        select(AuditEntry).where(AuditEntry.chain.like("consultation:%")).order_by(AuditEntry.id)
    )
    mine = [e for e in entries if e.target_id in (slug, str(topic))]
    assert [e.action for e in mine] == [
        "consultation.create",
        "topic.create",
        "topic.update",
        "consultation.open",
        "consultation.close",
        "consultation.reopen",
    ]
    assert all(e.actor == boss.email for e in mine)
    assert [e.seq for e in mine] == list(range(1, 7))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(mine))
