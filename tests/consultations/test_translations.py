"""Content in several languages: translations of a consultation's and its topics' texts, the
original language, and Accept-Language choosing the text (with the original as fallback)."""

import httpx
import pytest
from fastapi import FastAPI

from tests.actors import API, add_topics, admin, create_consultation

pytestmark = pytest.mark.anyio

LABELS = ["Nothing", "Little", "Some", "Much", "All"]


async def test_a_consultation_and_its_topics_answer_in_the_language_asked(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    created = await create_consultation(
        client,
        boss,
        title="Which topics?",
        description="Rate them.",
        language="en",
        scale_labels=LABELS,
        translations={
            "pt": {
                "title": "Quais temas?",
                "description": "Avalie-os.",
                "scale_labels": ["Nada", "Pouco", "Algo", "Muito", "Tudo"],
            },
            "fr": {"title": "Quels thèmes ?"},
        },
    )
    slug = str(created["slug"])
    assert created["language"] == created["original_language"] == "en"
    assert created["translations"]["fr"] == {"title": "Quels thèmes ?"}
    [topic_id] = await add_topics(client, boss, slug, ["Privacy"])
    patched = await client.patch(
        f"{API}/consultations/{slug}/topics/{topic_id}",
        json={"translations": {"pt": {"title": "Privacidade"}}},
        headers=boss.headers,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["translations"] == {"pt": {"title": "Privacidade"}}

    pt = (
        await client.get(
            f"{API}/consultations/{slug}", headers={**boss.headers, "Accept-Language": "pt-BR"}
        )
    ).json()
    assert pt["title"] == "Quais temas?"
    assert pt["description"] == "Avalie-os."
    assert pt["scale_labels"] == ["Nada", "Pouco", "Algo", "Muito", "Tudo"]
    assert pt["language"] == "pt"
    # French: only the title is translated; the rest falls back to the original, never blank.
    fr = (
        await client.get(
            f"{API}/consultations/{slug}", headers={**boss.headers, "Accept-Language": "fr"}
        )
    ).json()
    assert fr["title"] == "Quels thèmes ?"
    assert fr["description"] == "Rate them."
    assert fr["scale_labels"] == LABELS
    assert fr["language"] == "en"
    plain = (await client.get(f"{API}/consultations/{slug}", headers=boss.headers)).json()
    assert plain["title"] == "Which topics?"
    assert plain["language"] == "en"
    assert plain["translations"] == pt["translations"] == fr["translations"]

    topics = await client.get(
        f"{API}/consultations/{slug}/topics", headers={**boss.headers, "Accept-Language": "pt"}
    )
    [item] = topics.json()["items"]
    assert (item["title"], item["language"]) == ("Privacidade", "pt")
    es = await client.get(
        f"{API}/consultations/{slug}/topics", headers={**boss.headers, "Accept-Language": "es"}
    )
    assert (es.json()["items"][0]["title"], es.json()["items"][0]["language"]) == ("Privacy", "en")


async def test_translations_are_replaced_per_language_and_removed_with_null(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    created = await create_consultation(
        client, boss, translations={"es": {"title": "Foro"}, "pt": {"title": "Fórum"}}
    )
    slug = str(created["slug"])
    changed = await client.patch(
        f"{API}/consultations/{slug}",
        json={"translations": {"es": None, "fr": {"description": "Le forum."}}, "language": "es"},
        headers=boss.headers,
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["translations"] == {"fr": {"description": "Le forum."}, "pt": {"title": "Fórum"}}
    assert body["original_language"] == "es"


@pytest.mark.parametrize(
    "translations",
    [
        {"de": {"title": "Forum"}},
        {"pt": {"slug": "x"}},
        {"pt": {"title": ""}},
        {"pt": {"title": "a\u0000b"}},
        {"pt": {"scale_labels": ["Um", "Dois"]}},
        {"pt": "Fórum"},
    ],
)
async def test_bad_translations_are_refused(
    client: httpx.AsyncClient, app: FastAPI, translations: object
) -> None:
    boss = await admin(client, app)
    refused = await client.post(
        f"{API}/consultations",
        json={
            "slug": "bad-translations",
            "title": "F",
            "forum": "F",
            "edition": "1",
            "translations": translations,
        },
        headers=boss.headers,
    )
    assert refused.status_code == 422, refused.text
    assert (
        await client.get(f"{API}/consultations/bad-translations", headers=boss.headers)
    ).status_code == 404


async def test_a_scale_change_that_leaves_a_translation_of_the_labels_wrong_is_refused(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    created = await create_consultation(
        client,
        boss,
        scale_labels=LABELS,
        translations={"pt": {"scale_labels": ["Nada", "Pouco", "Algo", "Muito", "Tudo"]}},
    )
    refused = await client.patch(
        f"{API}/consultations/{created['slug']}",
        json={"scale_max": 4, "scale_labels": LABELS[:4]},
        headers=boss.headers,
    )
    assert refused.status_code == 422
