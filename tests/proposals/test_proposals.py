"""The call for topics over the API: propose, support, decide; what each decision leaves."""

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.agenda.report import topic_origin_line
from app.audit import service as audit
from app.auth.models import Account
from app.consultations.schemas import TopicOrigin
from app.db import transaction
from tests.actors import API, Actor, add_topics, admin, create_consultation, move, register
from tests.mail import mails
from tests.snapshots import assert_unchanged, snapshot


@dataclass
class Call:
    app: FastAPI
    client: httpx.AsyncClient
    slug: str
    boss: Actor
    committee: Actor
    alice: Actor
    bob: Actor
    carol: Actor
    consultation_id: int

    def url(self, path: str = "") -> str:
        return f"{API}/consultations/{self.slug}/proposals{path}"

    async def propose(self, who: Actor, title: str, description: str = "Why it matters.") -> Any:
        response = await self.client.post(
            self.url(), json={"title": title, "description": description}, headers=who.headers
        )
        assert response.status_code == 201, response.text
        return response.json()

    async def post(self, path: str, who: Actor, body: Any = None) -> httpx.Response:
        return await self.client.post(self.url(path), json=body, headers=who.headers)

    async def shown(self, proposal_id: int) -> dict[str, Any]:
        listing = (await self.client.get(self.url(), params={"limit": 500})).json()
        [found] = [p for p in listing["items"] if p["id"] == proposal_id]
        return dict(found)


def decisions(call: Call, who: Actor) -> list[dict[str, Any]]:
    """The decisions mailed to `who`."""
    sent = mails(call.app.state.sessions, who.email)
    return [m for m in sent if m["template"] == "proposal_decision"]


@pytest.fixture
async def call(client: httpx.AsyncClient, app: FastAPI) -> Call:
    boss = await admin(client, app)
    created = await create_consultation(client, boss, title="LACIGF 2030")
    slug = str(created["slug"])
    await add_topics(client, boss, slug, ["Neutralidad de la red"])
    committee = await register(client, group="technical_community")
    seated = await client.post(
        f"{API}/consultations/{slug}/committee",
        json={"name": "C", "stakeholder_group": "technical_community", "email": committee.email},
        headers=boss.headers,
    )
    assert seated.status_code == 201
    await move(client, boss, slug, "proposals/open")
    people = [await register(client) for _ in range(3)]
    consultation_id = int(str(created["id"]))
    return Call(app, client, slug, boss, committee, *people, consultation_id=consultation_id)


async def test_a_proposal_is_submitted_listed_without_its_proposer_and_finds_similar(
    call: Call,
) -> None:
    made = await call.propose(call.alice, "Inclusão digital", "Acesso e inclusão para todos.")
    assert made["status"] == "submitted"
    assert made["supporters"] == 0
    assert made["merged_into"] is None
    assert made["topic_id"] is None
    assert made["similar"] == []
    other = await call.propose(call.bob, "INCLUSAO DIGITAL nas escolas")
    assert {"kind": "proposal", "id": made["id"], "title": "Inclusão digital"} in other["similar"]
    listing = (await call.client.get(call.url())).json()
    assert listing["total"] == 2
    assert all("account" not in str(k) and "email" not in str(k) for k in listing["items"][0])
    assert call.alice.email not in str(listing)
    mine = await call.client.get(call.url(), params={"mine": "true"}, headers=call.bob.headers)
    assert [p["id"] for p in mine.json()["items"]] == [other["id"]]
    assert (await call.client.get(call.url(), params={"mine": "true"})).status_code == 401


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("inclusao", "Inclusão digital"),
        ("INCLUSÃO", "Inclusão digital"),
        ("NEUTRALIDÁD", "Neutralidad de la red"),
        ("neutral", "Neutralidad de la red"),
        ("Participação cidadã", "Participação Cidadã na governança"),
        ("participacion ciudadana", "Participación ciudadana"),
    ],
)
async def test_similar_ignores_case_and_accents(call: Call, query: str, expected: str) -> None:
    await call.propose(call.alice, "Inclusão digital", "Acesso para todos.")
    await call.propose(call.bob, "Participação Cidadã na governança", "Texto em português.")
    await call.propose(call.carol, "Participación ciudadana", "Texto en español.")
    response = await call.client.get(call.url("/similar"), params={"q": query})
    assert response.status_code == 200
    titles = [item["title"] for item in response.json()["similar"]]
    assert expected in titles
    assert len(titles) <= 5


async def test_similar_gives_at_most_five_and_nothing_for_empty_words(call: Call) -> None:
    for n in range(3):
        await call.propose(call.alice if n < 3 else call.bob, f"Seguridad digital {n}")
    for n in range(3):
        await call.propose(call.bob, f"Seguridad en línea {n}")
    found = await call.client.get(call.url("/similar"), params={"q": "seguridad"})
    assert len(found.json()["similar"]) == 5
    nothing = await call.client.get(call.url("/similar"), params={"q": "de la ?!"})
    assert nothing.json()["similar"] == []


async def test_edit_own_while_submitted_only(call: Call) -> None:
    made = await call.propose(call.alice, "Datos abiertos")
    url = call.url(f"/{made['id']}")
    edited = await call.client.patch(
        url, json={"title": "Datos abiertos y gobierno"}, headers=call.alice.headers
    )
    assert edited.status_code == 200
    assert edited.json()["title"] == "Datos abiertos y gobierno"
    assert (
        await call.client.patch(url, json={"title": "Mine now"}, headers=call.bob.headers)
    ).status_code == 403
    found = await call.client.get(call.url("/similar"), params={"q": "gobierno"})
    assert [i["id"] for i in found.json()["similar"]] == [made["id"]]


async def test_the_limit_per_participant(call: Call) -> None:
    for n in range(3):
        await call.propose(call.alice, f"Tema {n}")
    before = snapshot(call.app)
    over = await call.client.post(
        call.url(), json={"title": "Uno más", "description": "x"}, headers=call.alice.headers
    )
    assert over.status_code == 409
    assert over.json()["limit"] == 3
    assert_unchanged(call.app, before, method="POST", path=call.url(), status=409)


async def test_support_once_and_withdraw(call: Call) -> None:
    made = await call.propose(call.alice, "Ciberseguridad")
    path = f"/{made['id']}/support"
    assert (await call.post(path, call.bob)).status_code == 204
    assert (await call.post(path, call.carol)).status_code == 204
    assert (await call.shown(made["id"]))["supporters"] == 2
    before = snapshot(call.app)
    again = await call.post(path, call.bob)
    assert again.status_code == 409
    assert_unchanged(call.app, before, method="POST", path=path, status=409)
    own = await call.post(path, call.alice)
    assert own.status_code == 409
    withdrawn = await call.client.delete(call.url(path), headers=call.carol.headers)
    assert withdrawn.status_code == 204
    assert (await call.shown(made["id"]))["supporters"] == 1
    assert (await call.client.delete(call.url(path), headers=call.carol.headers)).status_code == 404


async def test_accept_makes_a_candidate_topic_linked_back_and_mails_the_proposer(
    call: Call,
) -> None:
    made = await call.propose(call.alice, "Gobernanza de la IA", "Reglas para la IA.")
    accepted = await call.post(f"/{made['id']}/accept", call.committee)
    assert accepted.status_code == 201, accepted.text
    topic = accepted.json()["topic"]
    assert topic["title"] == "Gobernanza de la IA"
    assert topic["description"] == "Reglas para la IA."
    assert topic["origin"] == {
        "kind": "proposal",
        "proposal_id": made["id"],
        "merged_proposals": [],
        "copied_from_topic_id": None,
    }
    shown = await call.shown(made["id"])
    assert shown["status"] == "accepted"
    assert shown["topic_id"] == topic["id"]
    topics = (await call.client.get(f"{API}/consultations/{call.slug}/topics")).json()["items"]
    assert topic["id"] in [t["id"] for t in topics]
    assert topics[0]["origin"]["kind"] == "secretariat"
    [mail] = decisions(call, call.alice)
    assert mail["template"] == "proposal_decision"
    assert "Gobernanza de la IA" in mail["text"]
    assert "accepted" in mail["text"]
    twice = await call.post(f"/{made['id']}/accept", call.boss)
    assert twice.status_code == 409


async def test_reject_mails_the_reason_in_the_proposers_language(call: Call) -> None:
    made = await call.propose(call.alice, "Fuera de tema")
    with transaction(call.app.state.sessions, write=True) as session:
        account = session.get(Account, call.alice.id)
        assert account is not None
        account.language = "es"
    rejected = await call.post(
        f"/{made['id']}/reject", call.boss, {"reason": "No es un tema de gobernanza."}
    )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    [mail] = decisions(call, call.alice)
    assert "No es un tema de gobernanza." in mail["text"]
    assert mail["lang"] == "es"
    assert mail["subject"] == "Una decisión sobre su propuesta"


async def test_the_decision_mail_names_the_proposal_in_the_proposers_language(
    call: Call,
) -> None:
    made = await propose_translated(call, call.alice, {"pt": {"title": "Inclusão digital"}})
    with transaction(call.app.state.sessions, write=True) as session:
        account = session.get(Account, call.alice.id)
        assert account is not None
        account.language = "pt"
    rejected = await call.post(f"/{made['id']}/reject", call.boss, {"reason": "Fora do tema."})
    assert rejected.status_code == 200
    [mail] = decisions(call, call.alice)
    assert mail["lang"] == "pt"
    assert "Inclusão digital" in mail["text"]
    assert "Digital inclusion" not in mail["text"]


async def test_merge_carries_supporters_once_and_points_to_the_target(call: Call) -> None:
    a = await call.propose(call.alice, "Privacidad", "Texto A")
    b = await call.propose(call.bob, "Protección de datos personales", "Texto B")
    assert (await call.post(f"/{a['id']}/support", call.carol)).status_code == 204
    assert (await call.post(f"/{b['id']}/support", call.carol)).status_code == 204
    merged = await call.post(f"/{a['id']}/merge", call.committee, {"into_proposal_id": b["id"]})
    assert merged.status_code == 200, merged.text
    assert merged.json()["status"] == "merged"
    assert merged.json()["merged_into"] == {"kind": "proposal", "id": b["id"]}
    # Carol counted once; Alice (the merged one's proposer) joins; both texts readable.
    target = await call.shown(b["id"])
    assert target["supporters"] == 2
    assert target["description"] == "Texto B"
    assert (await call.shown(a["id"]))["description"] == "Texto A"
    accepted = await call.post(f"/{b['id']}/accept", call.boss)
    origin = accepted.json()["topic"]["origin"]
    assert origin["proposal_id"] == b["id"]
    assert origin["merged_proposals"] == [a["id"]]
    assert (await call.shown(a["id"]))["topic_id"] == accepted.json()["topic"]["id"]
    assert len(decisions(call, call.alice)) == 1


async def test_merge_into_a_topic(call: Call) -> None:
    a = await call.propose(call.alice, "La red neutral")
    topics = (await call.client.get(f"{API}/consultations/{call.slug}/topics")).json()["items"]
    merged = await call.post(
        f"/{a['id']}/merge", call.committee, {"into_topic_id": topics[0]["id"]}
    )
    assert merged.status_code == 200
    assert merged.json()["merged_into"] == {"kind": "topic", "id": topics[0]["id"]}
    topics = (await call.client.get(f"{API}/consultations/{call.slug}/topics")).json()["items"]
    assert topics[0]["origin"]["merged_proposals"] == [a["id"]]


async def test_merge_into_itself_or_a_cycle_is_422_and_changes_nothing(call: Call) -> None:
    a = await call.propose(call.alice, "Uno")
    b = await call.propose(call.bob, "Dos")
    for body in ({"into_proposal_id": a["id"]}, {}, {"into_proposal_id": 1, "into_topic_id": 1}):
        before = snapshot(call.app)
        refused = await call.post(f"/{a['id']}/merge", call.committee, body)
        assert refused.status_code == 422, body
        assert_unchanged(call.app, before, method="POST", path="merge", status=422)
    assert (
        await call.post(f"/{b['id']}/merge", call.committee, {"into_proposal_id": a["id"]})
    ).status_code == 200
    before = snapshot(call.app)
    cycle = await call.post(f"/{a['id']}/merge", call.committee, {"into_proposal_id": b["id"]})
    assert cycle.status_code == 422
    assert "cycle" in cycle.json()["detail"]
    assert_unchanged(call.app, before, method="POST", path="merge", status=422)


async def test_outside_the_call_participants_cannot_propose_and_decisions_stop_at_opening(
    call: Call,
) -> None:
    made = await call.propose(call.alice, "Tarde")
    await move(call.client, call.boss, call.slug, "open")
    before = snapshot(call.app)
    late = await call.client.post(
        call.url(), json={"title": "Tarde", "description": "x"}, headers=call.bob.headers
    )
    assert late.status_code == 409
    assert late.json()["state"] == "open"
    assert (await call.post(f"/{made['id']}/support", call.bob)).status_code == 409
    assert (await call.post(f"/{made['id']}/accept", call.boss)).status_code == 409
    assert_unchanged(call.app, before, method="POST", path=call.url(), status=409)


async def test_the_audit_chain_verifies_after_a_review_session(call: Call) -> None:
    ids = [
        (await call.propose(who, f"Tema {n}"))["id"]
        for n, who in enumerate([call.alice, call.bob, call.carol])
    ]
    await call.post(f"/{ids[0]}/support", call.bob)
    await call.post(f"/{ids[0]}/accept", call.committee)
    await call.post(f"/{ids[1]}/reject", call.committee, {"reason": "Fuera del alcance."})
    await call.post(f"/{ids[2]}/merge", call.boss, {"into_proposal_id": ids[0]})
    listing = await call.client.get(
        f"{API}/consultations/{call.slug}/audit", params={"limit": 500}, headers=call.boss.headers
    )
    actions = [e["action"] for e in listing.json()["items"]]
    for action in (
        "proposal.create",
        "proposal.support",
        "proposal.accept",
        "proposal.reject",
        "proposal.merge",
    ):
        assert action in actions
    with transaction(call.app.state.sessions) as session:
        assert audit.verify(session, audit.consultation_chain(call.consultation_id)) is None


async def test_the_report_tells_where_topics_came_from(call: Call) -> None:
    a = await call.propose(call.alice, "Gobernanza de la IA")
    b = await call.propose(call.bob, "Inteligencia artificial")
    c = await call.propose(call.carol, "Fuera de tema")
    await call.post(f"/{b['id']}/merge", call.boss, {"into_proposal_id": a["id"]})
    await call.post(f"/{a['id']}/accept", call.boss)
    await call.post(f"/{c['id']}/reject", call.boss, {"reason": "No."})
    report = await call.client.get(
        f"{API}/consultations/{call.slug}/report.md", headers=call.boss.headers
    )
    assert report.status_code == 200
    assert "## Call for topics" in report.text
    assert "- Proposals: 3" in report.text
    assert "- Accepted: 1\n- Merged: 1\n- Rejected: 1" in report.text
    expected = f"- Gobernanza de la IA (proposal {a['id']}; merged with proposals {b['id']})"
    assert expected in report.text


def test_origin_lines() -> None:
    assert topic_origin_line(TopicOrigin(kind="secretariat")) is None
    assert topic_origin_line(TopicOrigin(kind="edition", copied_from_topic_id=7)) == (
        "Origin: carried over from an earlier edition (topic 7)."
    )
    assert topic_origin_line(TopicOrigin(kind="proposal", proposal_id=3)) == (
        "Origin: proposed in the call for topics (proposal 3)."
    )
    assert topic_origin_line(TopicOrigin(kind="proposal", merged_proposals=[4, 5])) == (
        "Origin: proposed in the call for topics (proposals 4, 5)."
    )


async def test_a_copied_edition_names_its_origin(client: httpx.AsyncClient, app: FastAPI) -> None:
    boss = await admin(client, app)
    copied = await create_consultation(client, boss, copy_topics_from="lacigf-2017")
    topics = await client.get(f"{API}/consultations/{copied['slug']}/topics", headers=boss.headers)
    first = topics.json()["items"][0]
    assert first["origin"]["kind"] == "edition"
    assert first["origin"]["copied_from_topic_id"] is not None


# Translations: the original is in the consultation's language (here English).

PT = {"title": "Inclusão digital", "description": "Acesso para todos."}


async def propose_translated(call: Call, who: Actor, translations: dict[str, Any]) -> Any:
    body = {"title": "Digital inclusion", "description": "Access for all."}
    response = await call.client.post(
        call.url(), json=body | {"translations": translations}, headers=who.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def listed_in(call: Call, lang: str, proposal_id: int) -> dict[str, Any]:
    listing = await call.client.get(call.url(), headers={"Accept-Language": lang})
    [found] = [p for p in listing.json()["items"] if p["id"] == proposal_id]
    return dict(found)


async def test_a_proposal_takes_translations_and_answers_in_the_language_asked(
    call: Call,
) -> None:
    made = await propose_translated(call, call.alice, {"pt": PT, "fr": {"title": "Inclusion"}})
    assert made["translations"] == {"fr": {"title": "Inclusion"}, "pt": PT}
    assert (made["title"], made["language"]) == ("Digital inclusion", "en")
    pt = await listed_in(call, "pt-BR,pt;q=0.9", made["id"])
    assert (pt["title"], pt["description"], pt["language"]) == (*PT.values(), "pt")
    # French has the title only: the description falls back to the original, and so does the
    # language the object says it is in.
    fr = await listed_in(call, "fr", made["id"])
    assert (fr["title"], fr["description"], fr["language"]) == (
        "Inclusion",
        "Access for all.",
        "en",
    )
    es = await listed_in(call, "es", made["id"])
    assert (es["title"], es["language"]) == ("Digital inclusion", "en")
    assert pt["translations"] == fr["translations"] == es["translations"] == made["translations"]
    asked = await call.client.post(
        call.url(),
        json={"title": "Open data", "description": "Data.", "translations": {"pt": PT}},
        headers={**call.bob.headers, "Accept-Language": "pt"},
    )
    assert (asked.json()["title"], asked.json()["language"]) == (PT["title"], "pt")


async def test_an_edit_replaces_a_language_and_null_removes_it(call: Call) -> None:
    made = await propose_translated(call, call.alice, {"pt": PT, "fr": {"title": "Inclusion"}})
    url = call.url(f"/{made['id']}")
    edited = await call.client.patch(
        url,
        json={"translations": {"pt": {"title": "Inclusão"}, "fr": None}},
        headers={**call.alice.headers, "Accept-Language": "pt"},
    )
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert body["translations"] == {"pt": {"title": "Inclusão"}}
    assert (body["title"], body["description"], body["language"]) == (
        "Inclusão",
        "Access for all.",
        "en",
    )
    kept = await call.client.patch(url, json={"title": "Inclusion"}, headers=call.alice.headers)
    assert kept.json()["translations"] == {"pt": {"title": "Inclusão"}}
    cleared = await call.client.patch(url, json={"translations": None}, headers=call.alice.headers)
    assert cleared.json()["translations"] == {}
    assert (await listed_in(call, "pt", made["id"]))["title"] == "Inclusion"


async def test_accepting_carries_the_translations_to_the_topic(call: Call) -> None:
    made = await propose_translated(call, call.alice, {"pt": PT})
    accepted = await call.client.post(
        call.url(f"/{made['id']}/accept"),
        headers={**call.committee.headers, "Accept-Language": "pt"},
    )
    assert accepted.status_code == 201, accepted.text
    topic, proposal = accepted.json()["topic"], accepted.json()["proposal"]
    assert topic["translations"] == {"pt": PT}
    assert (topic["title"], topic["description"], topic["language"]) == (*PT.values(), "pt")
    assert (proposal["title"], proposal["language"]) == (PT["title"], "pt")
    topics = await call.client.get(
        f"{API}/consultations/{call.slug}/topics", headers={"Accept-Language": "pt"}
    )
    assert PT["title"] in [t["title"] for t in topics.json()["items"]]


async def test_merging_leaves_the_targets_texts_as_they_are(call: Call) -> None:
    target = await propose_translated(call, call.alice, {"pt": PT})
    source = await call.propose(call.bob, "Connectivity", "Rural areas.")
    merged = await call.client.post(
        call.url(f"/{source['id']}/merge"),
        json={"into_proposal_id": target["id"]},
        headers={**call.committee.headers, "Accept-Language": "pt"},
    )
    assert merged.status_code == 200, merged.text
    assert (merged.json()["title"], merged.json()["language"]) == ("Connectivity", "en")
    shown = await call.shown(target["id"])
    assert (shown["title"], shown["translations"]) == ("Digital inclusion", {"pt": PT})


async def test_a_translated_title_is_found_as_similar(call: Call) -> None:
    made = await propose_translated(call, call.alice, {"pt": PT})
    found = await call.client.get(call.url("/similar"), params={"q": "inclusao"})
    assert [(i["kind"], i["id"]) for i in found.json()["similar"]] == [("proposal", made["id"])]
    topics = (await call.client.get(f"{API}/consultations/{call.slug}/topics")).json()["items"]
    patched = await call.client.patch(
        f"{API}/consultations/{call.slug}/topics/{topics[0]['id']}",
        json={"translations": {"pt": {"title": "Neutralidade da rede"}}},
        headers=call.boss.headers,
    )
    assert patched.status_code == 200, patched.text
    found = await call.client.get(call.url("/similar"), params={"q": "neutralidade"})
    assert [(i["kind"], i["id"]) for i in found.json()["similar"]] == [("topic", topics[0]["id"])]
    # Translations removed: no longer found by their words.
    await call.client.patch(
        call.url(f"/{made['id']}"), json={"translations": None}, headers=call.alice.headers
    )
    gone = await call.client.get(call.url("/similar"), params={"q": "inclusao"})
    assert gone.json()["similar"] == []
