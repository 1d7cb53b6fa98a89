"""The services' sentences people read (problem details, the agenda's checks) have templates in
app.messages, so that pages and the API can say them in the reader's language."""

import ast
import re
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from app import errors, messages
from app.consultations.lifecycle import PHRASES, Move
from app.proposals.models import ProposalStatus
from app.vocabulary import ConsultationState
from app.web.i18n import LANGUAGES, SOURCE_LANGUAGE, localize, scale_labels
from tests.actors import API, register
from tests.web.world import closed_with_ballots, open_consultation

APP = Path(__file__).resolve().parents[1] / "app"
# Callables whose first text argument is a sentence a person reads (Problem and
# conflict_on_duplicate: the second).
SAYERS = {
    name
    for name, value in vars(errors).items()
    if isinstance(value, type) and issubclass(value, errors.DomainError)
} | {"InsufficientScope", "deny"}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")


def _shape(node: ast.expr, constants: dict[str, ast.expr]) -> str | None:
    """A sentence's text with its variable parts as '%s'; None when it is not a literal."""
    if isinstance(node, ast.Name) and node.id in constants:
        return _shape(constants[node.id], constants)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) if isinstance(v, ast.Constant) else "%s" for v in node.values)
    return None


def said_in_code() -> set[tuple[str, str]]:
    found = set()
    for path in sorted(APP.rglob("*.py")):
        if "scoring" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        constants = {
            t.id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            for t in node.targets
            if isinstance(t, ast.Name)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in ("Problem", "conflict_on_duplicate") and len(node.args) > 1:
                argument: ast.expr | None = node.args[1]
            elif name in SAYERS and node.args:
                argument = node.args[0]
            else:
                argument = None
            shape = None if argument is None else _shape(argument, constants)
            if shape is not None:
                found.add((f"{path.relative_to(APP)}:{node.lineno}", shape))
    return found


def test_every_sentence_the_services_say_has_a_template() -> None:
    patterns = [
        re.compile(".+?".join(re.escape(part) for part in PLACEHOLDER.split(m)), re.DOTALL)
        for m in messages.MESSAGES
    ]
    said = said_in_code()
    assert len(said) > 40
    missing = sorted(
        f"{where}: {shape}"
        for where, shape in said
        if not any(p.fullmatch(shape) for p in patterns)
    )
    assert missing == []


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("es", "No existe la consulta «lacigf-2099»."),
        ("pt", "Não existe a consulta “lacigf-2099”."),
        ("fr", "Aucune consultation « lacigf-2099 »."),
        ("en", "No consultation 'lacigf-2099'."),
    ],
)
def test_a_sentence_is_said_in_the_language_with_its_parts_kept(lang: str, expected: str) -> None:
    assert localize("No consultation 'lacigf-2099'.", lang) == expected


def test_dates_and_nested_sentences_are_said_in_the_language_too() -> None:
    said = localize("'Opening' is outside the event's dates (2031-11-12 to 2031-11-14).", "fr")
    dates = "(du 12 nov. 2031 au 14 nov. 2031)."
    assert said == f"« Opening » a lieu en dehors des dates de l\u2019événement {dates}"
    move = localize("Cannot close a consultation that is finalized (it is final).", "pt")
    assert move.endswith("(é definitivo).")


def test_text_that_is_no_message_is_left_as_it_is() -> None:
    assert localize("Zero rating and net neutrality", "fr") == "Zero rating and net neutrality"
    assert localize("", "es") == ""


def test_the_default_scales_are_shown_in_the_language() -> None:
    for scale in messages.DEFAULT_SCALES:
        for lang in LANGUAGES:
            shown = scale_labels(list(scale), lang)
            assert shown is not None
            assert len(shown) == len(scale)
            if lang != SOURCE_LANGUAGE:
                assert not set(shown) & set(scale) - {"Relevante"}, (lang, shown)
    assert scale_labels(["Bad", "Good"], "fr") == ["Bad", "Good"]
    assert scale_labels(None, "fr") is None


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("lang", "detail"),
    [
        ("es-AR,es;q=0.9", "No existe la consulta «nope»."),
        ("pt-BR", "Não existe a consulta “nope”."),
        ("fr-HT, fr;q=0.8", "Aucune consultation « nope »."),
        ("de", "No consultation 'nope'."),
    ],
)
async def test_the_api_says_a_problem_in_the_accepted_language_with_a_stable_type(
    client: httpx.AsyncClient, lang: str, detail: str
) -> None:
    response = await client.get(f"{API}/consultations/nope", headers={"Accept-Language": lang})
    assert response.status_code == 404
    body = response.json()
    assert body["type"] == "urn:consulta:problem:not-found"
    assert body["detail"] == detail


@pytest.mark.anyio
@pytest.mark.parametrize("lang", ["es", "pt", "fr"])
async def test_common_api_problems_are_translated(client: httpx.AsyncClient, lang: str) -> None:
    header = {"Accept-Language": lang}
    english = {"Accept-Language": "en"}
    person = await register(client)
    calls = [
        ("POST", f"{API}/consultations", {}, "urn:consulta:problem:unauthorized", 401),
        ("POST", f"{API}/consultations", person.headers, "urn:consulta:problem:forbidden", 403),
        ("POST", f"{API}/me", person.headers, "about:blank", 405),
    ]
    for method, url, headers, kind, status in calls:
        local = await client.request(method, url, headers={**headers, **header}, json={})
        plain = await client.request(method, url, headers={**headers, **english}, json={})
        assert local.status_code == plain.status_code == status, (url, local.text)
        assert local.json()["type"] == plain.json()["type"] == kind
        assert local.json()["detail"] != plain.json()["detail"], (lang, url)
    invalid = await client.post(f"{API}/accounts", headers=header, json={"email": "not an email"})
    assert invalid.status_code == 422
    assert invalid.json()["type"] == "urn:consulta:problem:validation"
    assert invalid.json()["detail"] == localize("The request has invalid values.", lang)
    assert invalid.json()["detail"] != "The request has invalid values."


def test_every_state_move_and_status_has_its_word() -> None:
    words = {context: set(said) for context, said in messages.WORDS.items()}
    assert words[messages.STATE] == {state.value for state in ConsultationState}
    assert words[messages.MOVE] == {move.value for move in Move} | set(PHRASES.values())
    assert words[messages.STATUS] == {status.value for status in ProposalStatus}


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "es",
            "No se puede aplicar «abrir la convocatoria de temas» a una consulta en estado "
            "«cerrada» (permitido desde «cerrada»: finalizar, reabrir).",
        ),
        (
            "pt",
            "Não é possível aplicar “abrir a chamada de temas” a uma consulta no estado "
            "“encerrada” (permitido a partir de “encerrada”: finalizar, reabrir).",
        ),
        (
            "fr",
            "Impossible d\u2019appliquer « ouvrir l\u2019appel à thèmes » à une consultation à "
            "l\u2019état "
            "« clôturée » (possible depuis « clôturée » : finaliser, rouvrir).",
        ),
    ],
)
def test_states_and_moves_are_said_in_the_language(lang: str, expected: str) -> None:
    english = (
        "Cannot open the call for topics of a consultation that is closed "
        "(allowed from closed: finalize, reopen)."
    )
    assert localize(english, lang) == expected
    said = localize("The proposal was merged; it takes no more support.", lang)
    assert {"es": "«fusionada»", "pt": "“mesclada”", "fr": "« fusionnée »"}[lang] in said


def test_a_title_that_is_a_state_word_stays_as_written() -> None:
    """Only the placeholders that name a state, a move or a status take its word."""
    said = localize("A topic titled 'open' already exists.", "es")
    assert said == "Ya existe un tema titulado «open»."


@pytest.mark.anyio
async def test_an_api_problem_says_the_state_in_the_accepted_language(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug, _ = await closed_with_ballots(client, app, participants=2)
    headers = boss.headers | {"Accept-Language": "pt-BR"}
    response = await client.post(f"{API}/consultations/{slug}/open", headers=headers)
    assert response.status_code == 409
    body = response.json()
    assert body["state"] == "closed"  # the machine-readable part stays as it is
    said = "Não é possível aplicar “abrir” a uma consulta no estado “encerrada”"
    assert body["detail"].startswith(said)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("lang", "msg"),
    [
        ("fr-HT, fr;q=0.8", "La note doit être un nombre entier de 1 à 5."),
        ("en", "The score must be a whole number from 1 to 5."),
    ],
)
async def test_an_error_msg_of_ours_is_said_in_the_accepted_language(
    client: httpx.AsyncClient, app: FastAPI, lang: str, msg: str
) -> None:
    _, slug, ids = await open_consultation(client, app)
    person = await register(client)
    ballot = {"ratings": [{"topic_id": ids[0], "score": 9}]}
    response = await client.put(
        f"{API}/consultations/{slug}/ballot",
        json=ballot,
        headers=person.headers | {"Accept-Language": lang},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "urn:consulta:problem:invalid"
    assert body["errors"] == [
        {"loc": ["body", "ratings", 0, "score"], "msg": msg, "type": "value_error"}
    ]
    assert body["detail"] == msg


@pytest.mark.anyio
async def test_pydantics_own_msgs_stay_as_pydantic_says_them(client: httpx.AsyncClient) -> None:
    answers = [
        await client.post(f"{API}/accounts", headers={"Accept-Language": lang}, json={})
        for lang in ("en", "pt")
    ]
    english, portuguese = (answer.json()["errors"] for answer in answers)
    assert portuguese == english
    assert portuguese[0]["msg"] == "Field required"
