"""The 2017 edition reads back over the API exactly as the final report gives it."""

from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from app.db import transaction
from app.models import AgendaSession, AuditEntry, Consultation, Seat, SessionPerson, Topic
from app.seeding import load_all

API = "/api/v1/consultations/lacigf-2017"
REPORT = Path(__file__).resolve().parents[2] / "shared/seed-documents/lacigf-2017-final-report.txt"

# Transcribed by hand from the report: (title, format, {role: [name, ...]}).
SESSIONS = [
    (
        "Digital Economy",
        "panel",
        {
            "panelist": [
                "Gonzalo Navarro",
                "Guillermo Cruz",
                "Eli Fashka",
                "Kemly Camacho",
                "Javier Pallero",
                "Víctor Martínez",
            ],
            "moderator": ["Melisa Gorondy Novak"],
            "rapporteur": ["Carlos Guerrero"],
            "remote_moderator": ["Carlos Guerrero"],
        },
    ),
    (
        "Internet Governance and Human Rights",
        "case_presentations",
        {
            "panelist": [
                "Juliana Soto",
                "Carlos Britos",
                "Maricarmen Sequera",
                "Marina Pita",
                "Joana Varon",
                "Martha Roldós",
            ],
            "moderator": ["Melisa Gorondy Novak"],
            "rapporteur": ["Fátima Cambroneró"],
        },
    ),
    (
        "Multisectoral Panel",
        "multisectoral_panel",
        {
            "panelist": [
                "Sebastián Bellagamba",
                "Agustina del Campo",
                "Thiago Braz",
                "Adela Goberna",
            ],
            "moderator": ["Valeria Betancourt"],
        },
    ),
    (
        "Cybersecurity: progress, setbacks, challenges and trends from a Human Rights perspective",
        "roundtable",
        {
            "panelist": [
                "Martín Borgioli",
                "Shernon Osepa",
                "Maureen Hernandez",
                "Ernesto Ibarra",
                "Maria Cristina Capelo",
            ],
            "moderator": ["Diego Morales"],
            "rapporteur": ["Alejandra Erramuspe"],
            "remote_moderator": ["Youth LACIGF"],
        },
    ),
    (
        "Access concerns: Beyond connectivity, what we need to connect more users - "
        "Challenges to promote Competition in the Digital Environment",
        "panel",
        {
            "panelist": [
                "Pablo Ruidíaz",
                "Joao Brant",
                "Oscar Robles",
                "Andrés Sastre",
                "Renata Aquino",
                "Denis González",
            ],
            "rapporteur": ["Jimena Sierra"],
            "remote_moderator": ["Víctor Martínez"],
        },
    ),
    (
        "Local Spaces for Internet Governance Dialogue: Progress in the Various Discussions",
        "panel",
        {
            "panelist": [
                "Manuel Haces",
                "Miguel Ignacio Estrada",
                "Rodney Taylor",
                "Julian Casasbuenas",
                "Beatriz Rodriguez",
                "Lía Patricia Hernández Pérez",
            ],
            "moderator": ["Raquel Gatto"],
            "rapporteur": ["Jimena Sierra"],
            "remote_moderator": ["Alejandra Erramuspe"],
        },
    ),
    (
        "Internet in Panama for the next five years",
        "panel",
        {
            "panelist": [
                "Elsa de Herrera",
                "Irving Halman",
                "Nicolás González Revilla",
                "Edwin Castillo",
                "Lilia Liu",
                "Hamzah Hajee",
            ],
            "moderator": ["César Díaz"],
            "rapporteur": ["Raisa Urribarri"],
        },
    ),
]

COMMITTEE = {
    "government": [
        ("Denis González", "Unidad de Relaciones Internacionales (SUBTEL)", "CL"),
        ("Jimena Sierra", "Instituto Federal de Telecomunicaciones (IFT)", "MX"),
        (
            "Alejandra Erramuspe",
            "Agencia de Gobierno electrónico y Sociedad de la Información y del Conocimiento "
            "(AGESIC)",
            "UY",
        ),
    ],
    "private_sector": [
        ("Gonzalo Navarro", "ALAI (Latin American Internet Association)", None),
        (
            "Andrés Sastre",
            "ASIET (Ibero-American Association of Telecommunication Companies)",
            None,
        ),
    ],
    "civil_society": [
        ("Valeria Betancourt", "APC (Asociacion para el Progreso de las Comunicaciones)", None),
        ("María Paz Canales", "Derechos Digitales (DD)", None),
        ("Valeria Milanés", "ADC (Asociacion para el Derecho de las Comunicaciones)", None),
    ],
    "technical_community": [
        (
            "Rodrigo de la Parra",
            "ICANN (Internet Corporation for Assigned Names and Numbers)",
            None,
        ),
        ("Sebastián Bellagamba", "ISOC (Internet Society)", None),
        ("Eduardo Santoyo", "LACTLD (Latin American and Caribbean TLD Association)", None),
    ],
}

KEY_QUESTIONS = [
    "Which has been the most important cybersecurity progress, setback or challenge in the region?",
    "What is the current scenario with regard to Internet restrictions and shutdowns?",
    "How will users' trust in the Internet affect the future of the Internet?",
    "What examples of good practices in cybersecurity do we have in the region?",
    "Which areas should the region work on in order to ensure that cybersecurity policies and "
    "practices take into account the recommendations of UN and OAS rapporteurs as well as "
    "existing international frameworks?",
    "Which would be the most effective way of counteracting the tendency of governments to "
    "apply restrictions or shut down the Internet?",
    "How can we advance in building trust in the internet? What can LAC do to create an "
    "environment that will strengthen Internet trust?",
]


async def test_consultation_background_matches_the_report(client: httpx.AsyncClient) -> None:
    body = (await client.get(API)).json()
    assert {k: body[k] for k in ("forum", "edition", "city", "country", "secretariat")} == {
        "forum": "LACIGF",
        "edition": "2017",
        "city": "Panama City",
        "country": "PA",
        "secretariat": "LACNIC",
    }
    assert (body["starts_on"], body["ends_on"], body["state"]) == (
        "2017-08-02",
        "2017-08-04",
        "finalized",
    )
    assert body["counts"] == {"topics": 6, "participants": 0, "ratings": 0}


async def test_six_topics_in_report_order(client: httpx.AsyncClient) -> None:
    topics = (await client.get(f"{API}/topics")).json()
    assert topics["total"] == 6
    titles = [t["title"] for t in topics["items"]]
    assert titles == [
        "Digital Economy",
        "Internet Governance and Human Rights",
        SESSIONS[3][0],
        SESSIONS[4][0],
        SESSIONS[5][0],
        SESSIONS[6][0],
    ]


async def test_every_session_has_exactly_the_reported_people_and_format(
    client: httpx.AsyncClient,
) -> None:
    agenda = (await client.get(f"{API}/agenda")).json()
    assert agenda["state"] == "finalized"
    got = []
    for session in agenda["sessions"]:
        roles: dict[str, list[str]] = {}
        for person in session["people"]:
            roles.setdefault(person["role"], []).append(person["name"])
        got.append((session["title"], session["format"], roles))
    assert got == SESSIONS


async def test_both_human_rights_sessions_share_the_topic(client: httpx.AsyncClient) -> None:
    topics = {t["title"]: t["id"] for t in (await client.get(f"{API}/topics")).json()["items"]}
    sessions = (await client.get(f"{API}/agenda")).json()["sessions"]
    topic_of = {s["title"]: s["topic_id"] for s in sessions}
    human_rights = topics["Internet Governance and Human Rights"]
    assert topic_of["Internet Governance and Human Rights"] == human_rights
    assert topic_of["Multisectoral Panel"] == human_rights


async def test_roundtable_key_questions(client: httpx.AsyncClient) -> None:
    sessions = (await client.get(f"{API}/agenda")).json()["sessions"]
    roundtable = next(s for s in sessions if s["format"] == "roundtable")
    assert roundtable["questions"] == KEY_QUESTIONS
    assert all(s["questions"] == [] for s in sessions if s is not roundtable)


async def test_organizations_as_reported(client: httpx.AsyncClient) -> None:
    sessions = (await client.get(f"{API}/agenda")).json()["sessions"]
    people = {(p["name"], p["organization"]) for s in sessions for p in s["people"]}
    for expected in [
        ("Gonzalo Navarro", "ALAI"),
        ("Eli Fashka", "CAPATEC"),
        ("Melisa Gorondy Novak", "LACTLD"),
        ("Carlos Guerrero", None),
        ("Fátima Cambroneró", None),
        ("Youth LACIGF", None),
        ("Alejandra Erramuspe", "AGESIC Uruguay"),
        ("Raisa Urribarri", "ISOC Panama"),
        ("Valeria Betancourt", "Association for Progressive Communications APC"),
    ]:
        assert expected in people


async def test_committee_members_and_the_private_sector_vacancy(client: httpx.AsyncClient) -> None:
    committee = (await client.get(f"{API}/committee")).json()
    assert committee["seats_per_group"] == 3
    got = {
        g["stakeholder_group"]: [(m["name"], m["organization"], m["country"]) for m in g["members"]]
        for g in committee["groups"]
    }
    assert got == COMMITTEE
    vacancies = {g["stakeholder_group"]: g["vacancies"] for g in committee["groups"]}
    assert vacancies == {
        "government": 0,
        "private_sector": 1,
        "civil_society": 0,
        "technical_community": 0,
    }
    assert all(not m["linked"] for g in committee["groups"] for m in g["members"])


@pytest.mark.skipif(not REPORT.exists(), reason="the shared report is not beside the checkout")
async def test_every_seeded_name_and_organization_appears_in_the_report(
    client: httpx.AsyncClient,
) -> None:
    report = REPORT.read_text(encoding="utf-8")
    sessions = (await client.get(f"{API}/agenda")).json()["sessions"]
    committee = (await client.get(f"{API}/committee")).json()["groups"]
    texts = [p["name"] for s in sessions for p in s["people"]]
    texts += [p["organization"] for s in sessions for p in s["people"] if p["organization"]]
    texts += [m["name"] for g in committee for m in g["members"]]
    texts += [s["title"] for s in sessions] + KEY_QUESTIONS
    missing = [t for t in texts if t not in report]
    assert missing == []


def _counts(app: FastAPI) -> tuple[int, ...]:
    with app.state.sessions() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Consultation, Topic, Seat, AgendaSession, SessionPerson, AuditEntry)
        )


def test_loading_the_seed_again_changes_nothing(app: FastAPI) -> None:
    before = _counts(app)
    assert before[:5] == (1, 6, 11, 7, 55)
    with transaction(app.state.sessions, write=True) as session:
        assert load_all(session, app.state.settings.seed_dir) == []
    assert _counts(app) == before
