"""Every page in every language: `<html lang>` names it, and the Portuguese and French pages
show no English interface text (the English rendering of the same page, less what comes from
the data, must not show through)."""

import re
from functools import cache
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.scoring import METHODS
from app.web.countries import countries
from app.web.i18n import LANGUAGES, translations
from tests.actors import API, PASSWORD, add_topics, create_consultation
from tests.snapshots import snapshot
from tests.web.html import elements, sign_in, submit
from tests.web.world import closed_with_ballots, open_consultation, register_api

# Compares every page's words across languages: the same templates and catalogues whichever
# database the app runs on (every page handler also runs on PostgreSQL in the page tests).
pytestmark = [pytest.mark.anyio, pytest.mark.sqlite_pass_only]
SHOWN_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "value")
# Words that are the same in every language: names, codes and loanwords the catalogues keep.
NEUTRAL = set(LANGUAGES.values()) | {"Consulta", "API", "#", "UTC"}


class _Texts(HTMLParser):
    """The text a person reads: text nodes and the attributes that are shown or spoken."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("code", "pre", "style", "script"):
            self.skip += 1
        kinds = dict(attrs)
        for name in SHOWN_ATTRIBUTES:
            if name == "value" and not (tag == "input" and kinds.get("type") == "submit"):
                continue
            if kinds.get(name):
                self.texts.append(" ".join(str(kinds[name]).split()))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("code", "pre", "style", "script") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self.skip:
            self.texts.append(text)


def texts(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    return parser.texts


def data_strings(app: FastAPI) -> list[str]:
    """Every text the database holds (titles, names, descriptions, labels, the audit's
    details...), longest first."""
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            if len(value) > 1:
                found.add(value)
                found.update(" ".join(line.split()) for line in value.splitlines())
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for rows in snapshot(app).values():
        walk(rows)
    return sorted(found - {""}, key=len, reverse=True)


@cache  # the catalogues do not change during a run; extracting the messages takes ~0.6 s
def same_in(lang: str) -> frozenset[str]:
    """What reads the same in English and in `lang`: messages whose translation is the English
    text itself ("Panel" in French; of a message with placeholders, its fixed parts), the
    country names the two languages share, the scoring methods' codes."""
    catalogue = translations(lang)
    same = set(NEUTRAL) | set(METHODS)
    for message in _template_ids():
        if catalogue.gettext(message) == message:
            same.update(p.strip(" :.") for p in re.split(r"%\([a-z_]+\)s", message))
    same |= {name for _, name in countries("en")} & {name for _, name in countries(lang)}
    return frozenset(word for word in same if re.search(r"[^\W\d_]", word))


def _template_ids() -> set[str]:
    from app.web import catalogues

    return {m.id for m in catalogues.template() if isinstance(m.id, str) and m.id}


def english_left(english: list[str], local: list[str], data: list[str], lang: str) -> list[str]:
    """Texts of the English page that the page in `lang` shows as well, once what comes from the
    data, numbers and words the same in both languages are taken out."""
    keep = sorted(same_in(lang), key=len, reverse=True)
    shared = set(english) & set(local)
    left = []
    for text in sorted(shared):
        rest = text
        for value in [*data, *keep]:
            if value in rest:
                rest = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", rest)
        if re.search(r"[^\W\d_]{2,}", rest):
            left.append(text)
    return left


async def world(client: httpx.AsyncClient, app: FastAPI) -> tuple[list[str], str]:
    """Every page, with something on each: an open consultation with a ballot, a closed one with
    a committee and sessions, a draft; signed in as the administrator."""
    boss, closed, _ = await closed_with_ballots(client, app, participants=8)
    _, opened, ids = await open_consultation(client, app)
    draft = await create_consultation(client, boss)
    draft_slug = str(draft["slug"])
    (topic_id,) = await add_topics(client, boss, draft_slug, ["Data protection"])
    person = await register_api(client)
    await client.post(
        f"{API}/consultations/{closed}/committee",
        json={
            "name": "Ana Souza",
            "stakeholder_group": "civil_society",
            "country": "BR",
            "email": person.email,
        },
        headers=boss.headers,
    )
    await sign_in(client, boss.email, PASSWORD)
    made = await submit(
        client,
        f"/c/{closed}/committee",
        f"/c/{closed}/committee/from-ranking",
        {"top": "2", "include_ties": "1"},
    )
    assert made.status_code == 303
    workspace = await client.get(f"/c/{closed}/committee")
    session_page = next(
        a.attrs["href"]
        for a in elements(workspace.text, "a")
        if "/committee/sessions/" in a.attrs.get("href", "")
    )
    await submit(client, f"/c/{opened}", f"/c/{opened}/ballot", {f"topic-{ids[0]}": "4"})
    paths = [
        "/",
        "/login",
        "/register",
        "/forgot-password",
        "/reset-password?token=x",
        "/verify?token=x",
        "/help/receipt",
        "/account/tokens",
        "/consultations/new",
        f"/c/{opened}",
        f"/c/{opened}/results",
        f"/c/{opened}/close",
        f"/c/{closed}",
        f"/c/{closed}/results",
        f"/c/{closed}/agenda",
        f"/c/{closed}/manage",
        f"/c/{closed}/settings",
        f"/c/{closed}/topics",
        f"/c/{closed}/seats",
        f"/c/{closed}/audit",
        f"/c/{closed}/committee",
        f"/c/{closed}/committee/finalize",
        f"/c/{closed}/reopen",
        session_page,
        f"/c/{draft_slug}/topics",
        f"/c/{draft_slug}/topics/{topic_id}",
        f"/c/{draft_slug}/open",
        f"/c/{draft_slug}/manage",
        "/c/lacigf-2017",
        "/c/lacigf-2017/agenda",
        "/c/lacigf-2017/results",
        "/c/nope",
        "/no/such/page",
    ]
    return paths, closed


@pytest.mark.parametrize("lang", ["es", "pt", "fr"])
async def test_every_page_speaks_the_language_with_no_english_left(
    client: httpx.AsyncClient, app: FastAPI, lang: str
) -> None:
    paths, _ = await world(client, app)
    data = data_strings(app)
    problems: dict[str, Any] = {}
    for path in paths:
        english = await client.get(path, headers={"Accept-Language": "en"})
        local = await client.get(path, headers={"Accept-Language": lang})
        assert local.status_code == english.status_code, path
        assert local.status_code in (200, 404), (path, local.status_code)
        assert elements(local.text, "html")[0].attrs["lang"] == lang, path
        assert elements(english.text, "html")[0].attrs["lang"] == "en", path
        left = english_left(texts(english.text), texts(local.text), data, lang)
        if left:
            problems[path] = left
    report = "\n".join(f"{path}: {left}" for path, left in problems.items())
    assert not problems, f"English left on the {lang} pages:\n{report}"
