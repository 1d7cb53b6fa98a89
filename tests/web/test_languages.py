import re

import httpx
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from fastapi import FastAPI

from app.scoring import METHODS
from app.web import catalogues
from app.web.i18n import LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE, accepted_languages
from tests.actors import API, PASSWORD, admin, create_consultation, move, register
from tests.results.stored import random_ballots, store
from tests.snapshots import snapshot
from tests.web.html import csrf, elements, sign_in, submit, text_of
from tests.web.world import closed_with_ballots, open_consultation

pytestmark = pytest.mark.anyio


def html_lang(html: str) -> str:
    return elements(html, "html")[0].attrs["lang"]


@pytest.mark.parametrize(
    ("header", "lang", "heading"),
    [
        ("es-PA,es;q=0.9,en;q=0.5", "es", "Consultas"),
        ("en-US,en;q=0.8", "en", "Consultations"),
        ("pt-BR,es;q=0.7", "pt", "Consultas"),
        ("de, fr-HT;q=0.5", "fr", "Consultations"),
        ("de, it;q=0.5", "en", "Consultations"),
        ("en;q=0.2, es;q=0.9", "es", "Consultas"),
        ("", "en", "Consultations"),
    ],
)
async def test_the_language_comes_from_accept_language(
    client: httpx.AsyncClient, header: str, lang: str, heading: str
) -> None:
    page = await client.get("/", headers={"Accept-Language": header})
    assert html_lang(page.text) == lang
    assert text_of(page.text, "h1") == heading


async def test_the_switch_sets_a_cookie_that_wins_over_the_header(
    client: httpx.AsyncClient,
) -> None:
    switched = await submit(
        client, "/c/lacigf-2017", "/lang", {"lang": "es", "next": "/c/lacigf-2017"}
    )
    assert switched.status_code == 303
    assert switched.headers["location"] == "/c/lacigf-2017"
    page = await client.get("/c/lacigf-2017", headers={"Accept-Language": "en"})
    assert html_lang(page.text) == "es"
    assert "Temas candidatos" in page.text
    await submit(client, "/", "/lang", {"lang": "xx", "next": "/"})
    assert client.cookies["lang"] == "es"
    await submit(client, "/", "/lang", {"lang": "en", "next": "/"})
    assert html_lang((await client.get("/")).text) == "en"


async def test_the_language_switch_needs_the_csrf_token(client: httpx.AsyncClient) -> None:
    await client.get("/")
    response = await client.post("/lang", data={"lang": "es", "next": "/"})
    assert response.status_code == 403
    assert "lang" not in client.cookies


@pytest.mark.parametrize("lang", ["en", "es", "pt", "fr"])
async def test_every_page_renders_in_every_language(
    client: httpx.AsyncClient, app: FastAPI, lang: str
) -> None:
    boss, slug, _ids = await closed_with_ballots(client, app, participants=8)
    await sign_in(client, boss.email, PASSWORD)
    header = {"Accept-Language": lang}
    paths = [
        "/",
        "/login",
        "/register",
        "/help/receipt",
        "/account/tokens",
        f"/c/{slug}",
        f"/c/{slug}/results",
        f"/c/{slug}/committee",
        "/c/lacigf-2017/agenda",
        "/c/nope",
    ]
    skip = {
        "en": "Skip to content",
        "es": "Saltar al contenido",
        "pt": "Pular para o conteúdo",
        "fr": "Aller au contenu",
    }
    for path in paths:
        page = await client.get(path, headers=header)
        assert page.status_code == (404 if path == "/c/nope" else 200), path
        assert html_lang(page.text) == lang
        assert text_of(page.text, "a", class_="skip") == skip[lang], path
    results = await client.get(f"/c/{slug}/results", headers=header)
    expected = {
        "en": "Average rating",
        "es": "Calificación promedio",
        "pt": "Avaliação média",
        "fr": "Note moyenne",
    }[lang]
    assert expected in text_of(results.text, "dt", id="method-mean")


async def test_form_errors_are_translated(client: httpx.AsyncClient) -> None:
    person = await register(client)
    await client.get("/", headers={"Accept-Language": "es"})
    client.headers["Accept-Language"] = "es"
    wrong = await submit(client, "/login", "/login", {"email": person.email, "password": "x" * 12})
    assert "Correo electrónico o contraseña incorrectos." in wrong.text
    missing = await submit(client, "/login", "/login", {"email": "", "password": ""})
    assert missing.status_code == 422
    assert "Este campo es obligatorio." in text_of(missing.text, "ul", id="email-error")


def _ids(catalog: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def _catalogue(lang: str) -> Catalog:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


@pytest.fixture(scope="module")
def extracted() -> set[str]:
    """Every message the templates and modules use, extracted afresh."""
    return _ids(catalogues.template())


TRANSLATED = [lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE]


def test_the_template_is_up_to_date(extracted: set[str]) -> None:
    with (LOCALE_DIR / "messages.pot").open("rb") as f:
        assert _ids(read_po(f)) == extracted, "run: python -m app.web.catalogues"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(extracted: set[str], lang: str) -> None:
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in _catalogue(lang)
        if m.id
        and m.string
        and all(m.string if isinstance(m.string, tuple) else [m.string])
        and not m.fuzzy
    }
    assert sorted(extracted - translated) == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_catalogue_entry_is_used(extracted: set[str], lang: str) -> None:
    catalogue = _catalogue(lang)
    assert sorted(_ids(catalogue) - extracted) == []
    assert not catalogue.obsolete


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_placeholders(lang: str) -> None:
    placeholder = re.compile(r"%\([a-z_]+\)s|%%")
    for m in _catalogue(lang):
        if not m.id or "python-format" not in m.flags:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = sorted(placeholder.findall(ids[-1]))
        for string in strings:
            assert sorted(placeholder.findall(string)) == wanted, (lang, m.id, string)


def test_accept_language_is_read_by_quality() -> None:
    assert accepted_languages("es;q=0.5, en-GB;q=0.9, pt") == ["pt", "en", "es"]
    assert accepted_languages("es;q=0, en") == ["en"]
    assert accepted_languages("es;q=abc") == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_scoring_method_is_explained(lang: str) -> None:
    """The methods' titles and descriptions live in app/scoring (pure, no gettext); the
    catalogue tool adds them to the template by hand: none may go missing."""
    catalogue = _catalogue(lang)
    for method in METHODS.values():
        for text in (method.title, method.description):
            message = catalogue.get(text)
            assert message is not None, text
            assert message.string, text


async def test_switching_language_while_rating_keeps_the_unsaved_choices(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    _, slug, ids = await open_consultation(client, app)
    person = await register(client)
    await sign_in(client, person.email, PASSWORD)
    page = await client.get(f"/c/{slug}")
    # Every language button of the header posts the ballot form, not the header's own form.
    buttons = elements(page.text, "button", name="lang")
    assert [b.attrs["value"] for b in buttons] == ["en", "es", "pt", "fr"]
    assert {b.attrs.get("form") for b in buttons} == {"ballot-form"}
    assert {b.attrs.get("formaction") for b in buttons} == {f"/c/{slug}/ballot"}
    assert elements(page.text, "form", id="ballot-form")[0].attrs["action"] == f"/c/{slug}/ballot"
    before = snapshot(app)

    switched = await submit(
        client,
        f"/c/{slug}",
        f"/c/{slug}/ballot",
        {f"topic-{ids[0]}": "5", f"topic-{ids[1]}": "2", f"topic-{ids[2]}": "", "lang": "pt"},
    )
    assert switched.status_code == 200
    assert html_lang(switched.text) == "pt"
    assert "Salvar a minha cédula" in switched.text
    assert elements(switched.text, "p", id="unsaved")
    checked = {
        r.attrs["name"]: r.attrs["value"]
        for r in elements(switched.text, "input", type="radio")
        if "checked" in r.attrs
    }
    assert checked == {f"topic-{i}": {ids[0]: "5", ids[1]: "2"}.get(i, "") for i in ids}
    # Nothing is saved but the choice of language: the account's, which the mails use.
    after = snapshot(app)
    changed = {t for t in after if after[t] != before[t]}
    assert changed <= {"accounts", "audit_entries"}
    me = await client.get(f"{API}/me", headers=person.headers)
    assert me.json()["language"] == "pt"
    assert client.cookies["lang"] == "pt"
    assert html_lang((await client.get("/")).text) == "pt"

    # The same form, saved: the choices carried through the switch are the ballot.
    saved = await submit(
        client,
        f"/c/{slug}",
        f"/c/{slug}/ballot",
        {f"topic-{ids[0]}": "5", f"topic-{ids[1]}": "2", f"topic-{ids[2]}": ""},
    )
    assert saved.status_code == 303
    ballot = await client.get(f"{API}/consultations/{slug}/ballot", headers=person.headers)
    assert {r["topic_id"]: r["score"] for r in ballot.json()["ratings"]} == {
        ids[0]: 5,
        ids[1]: 2,
    }


async def test_an_unknown_language_in_the_ballot_switch_changes_nothing(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    _, slug, ids = await open_consultation(client, app)
    person = await register(client)
    await sign_in(client, person.email, PASSWORD)
    switched = await submit(
        client, f"/c/{slug}", f"/c/{slug}/ballot", {f"topic-{ids[0]}": "4", "lang": "xx"}
    )
    assert switched.status_code == 200
    assert html_lang(switched.text) == "en"
    assert "lang" not in client.cookies
    me = await client.get(f"{API}/me", headers=person.headers)
    assert me.json()["language"] == "en"


async def test_the_header_switch_sets_the_account_language(client: httpx.AsyncClient) -> None:
    person = await register(client)
    await sign_in(client, person.email, PASSWORD)
    await submit(client, "/", "/lang", {"lang": "fr", "next": "/"})
    me = await client.get(f"{API}/me", headers=person.headers)
    assert me.json()["language"] == "fr"
    assert html_lang((await client.get("/")).text) == "fr"


@pytest.mark.parametrize(
    ("lang", "brazil", "haiti", "decimal"),
    [
        ("en", "Brazil", "Haiti", r"^\d\.\d\d$"),
        ("es", "Brasil", "Haití", r"^\d,\d\d$"),
        ("pt", "Brasil", "Haiti", r"^\d,\d\d$"),
        ("fr", "Brésil", "Haïti", r"^\d,\d\d$"),
    ],
)
async def test_country_names_and_numbers_follow_the_language(
    client: httpx.AsyncClient, app: FastAPI, lang: str, brazil: str, haiti: str, decimal: str
) -> None:
    header = {"Accept-Language": lang}
    register_page = await client.get("/register", headers=header)
    options = {
        o.attrs["value"]: " ".join(o.text.split()) for o in elements(register_page.text, "option")
    }
    assert options["BR"] == brazil
    assert options["HT"] == haiti
    _, slug, _ = await closed_with_ballots(client, app, participants=8)
    results = await client.get(f"/c/{slug}/results", headers=header)
    scores = [cells[2] for cells in _rows(results.text, "ranking")]
    assert scores
    assert all(re.match(decimal, score) for score in scores), scores


def _rows(html: str, table_class: str) -> list[list[str]]:
    """The cells' text of each body row of the table with this class."""
    start = html.index(f'<table class="{table_class}"')
    body = html[html.index("<tbody>", start) : html.index("</tbody>", start)]
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


@pytest.mark.parametrize(
    ("lang", "detail", "no_moderator"),
    [
        ("es", "No existe la consulta «nope».", "no tiene moderador"),
        ("pt", "Não existe a consulta “nope”.", "não tem moderação"),
        ("fr", "Aucune consultation « nope ».", "n\u2019a pas de modérateur·rice"),
    ],
)
async def test_problems_and_checks_are_shown_in_the_language(
    client: httpx.AsyncClient, app: FastAPI, lang: str, detail: str, no_moderator: str
) -> None:
    header = {"Accept-Language": lang}
    missing = await client.get("/c/nope", headers=header)
    assert missing.status_code == 404
    assert text_of(missing.text, "p", class_="detail") == detail
    boss, slug, _ = await closed_with_ballots(client, app, participants=8)
    await sign_in(client, boss.email, PASSWORD)
    client.headers["Accept-Language"] = lang
    made = await submit(
        client,
        f"/c/{slug}/committee",
        f"/c/{slug}/committee/from-ranking",
        {"top": "2", "include_ties": "1"},
    )
    assert made.status_code == 303
    workspace = await client.get(f"/c/{slug}/committee")
    blocking = text_of(workspace.text, "ul", id="blocking")
    assert no_moderator in blocking
    assert "has no" not in blocking
    refused = await submit(
        client, f"/c/{slug}/committee/finalize", f"/c/{slug}/committee/finalize", {}
    )
    assert refused.status_code == 409
    assert "has no" not in refused.text
    assert no_moderator in refused.text


@pytest.mark.parametrize(
    ("lang", "essential"), [("es", "Esencial"), ("pt", "Essencial"), ("fr", "Essentiel")]
)
async def test_the_default_scale_is_shown_in_the_language(
    client: httpx.AsyncClient, app: FastAPI, lang: str, essential: str
) -> None:
    _, slug, ids = await open_consultation(client, app)
    person = await register(client)
    await sign_in(client, person.email, PASSWORD)
    page = await client.get(f"/c/{slug}", headers={"Accept-Language": lang})
    assert text_of(page.text, "label", for_=f"t{ids[0]}-5") == essential


async def test_pages_show_the_content_in_the_language_with_a_visible_fallback(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    created = await create_consultation(
        client,
        boss,
        title="Which topics?",
        description="Rate them.",
        translations={"pt": {"title": "Quais temas?", "description": "Avalie-os."}},
    )
    slug = str(created["slug"])
    response = await client.post(
        f"{API}/consultations/{slug}/topics",
        json={"title": "Privacy", "translations": {"pt": {"title": "Privacidade"}}},
        headers=boss.headers,
    )
    assert response.status_code == 201, response.text
    await move(client, boss, slug, "open")
    person = await register(client)
    await sign_in(client, person.email, PASSWORD)

    pt = await client.get(f"/c/{slug}", headers={"Accept-Language": "pt"})
    assert text_of(pt.text, "h1") == "Quais temas?"
    assert text_of(pt.text, "legend") == "Privacidade"
    assert "Avalie-os." in pt.text
    assert not elements(pt.text, "span", class_="untranslated")
    # No French translation: the original, marked as English, and said to be untranslated.
    fr = await client.get(f"/c/{slug}", headers={"Accept-Language": "fr"})
    assert html_lang(fr.text) == "fr"
    assert elements(fr.text, "span", lang="en")[0].text == "Which topics?"
    assert "(pas encore traduit)" in text_of(fr.text, "h1")
    assert "Privacy" in text_of(fr.text, "legend")
    home = await client.get("/", headers={"Accept-Language": "pt"})
    assert "Quais temas?" in home.text


async def test_the_committee_translates_a_topic_on_its_page_and_sees_what_is_missing(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss))["slug"])
    response = await client.post(
        f"{API}/consultations/{slug}/topics", json={"title": "Privacy"}, headers=boss.headers
    )
    topic_id = response.json()["id"]
    await sign_in(client, boss.email, PASSWORD)
    listing = await client.get(f"/c/{slug}/topics")
    assert "Español, Português, Français" in text_of(
        listing.text, "span", class_="missing-translations"
    )
    editor = await client.get(f"/c/{slug}/topics/{topic_id}")
    assert elements(editor.text, "input", name="translations-pt-title")
    assert not elements(editor.text, "input", name="translations-en-title")

    refused = await submit(
        client,
        f"/c/{slug}/topics/{topic_id}",
        f"/c/{slug}/topics/{topic_id}",
        {"title": "Privacy", "translations-pt-title": "x" * 301},
    )
    assert refused.status_code == 422
    assert elements(refused.text, "ul", id="translations-pt-title-error")
    saved = await submit(
        client,
        f"/c/{slug}/topics/{topic_id}",
        f"/c/{slug}/topics/{topic_id}",
        {
            "title": "Privacy",
            "translations-pt-title": "Privacidade",
            "translations-pt-description": "Dados pessoais.",
            "translations-fr-title": "Vie privée",
        },
    )
    assert saved.status_code == 303
    topic = await client.get(f"{API}/consultations/{slug}/topics", headers=boss.headers)
    assert topic.json()["items"][0]["translations"] == {
        "fr": {"title": "Vie privée"},
        "pt": {"title": "Privacidade", "description": "Dados pessoais."},
    }
    listing = await client.get(f"/c/{slug}/topics")
    assert text_of(listing.text, "span", class_="missing-translations") == (
        "Not translated yet into: Español"
    )
    # Emptying a language removes its translation.
    await submit(
        client,
        f"/c/{slug}/topics/{topic_id}",
        f"/c/{slug}/topics/{topic_id}",
        {"title": "Privacy", "translations-pt-title": "Privacidade"},
    )
    topic = await client.get(f"{API}/consultations/{slug}/topics", headers=boss.headers)
    assert topic.json()["items"][0]["translations"] == {"pt": {"title": "Privacidade"}}


async def test_the_settings_page_takes_the_original_language_and_translations(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    slug = str(
        (
            await create_consultation(
                client,
                boss,
                title="Which topics?",
                scale_labels=["A", "B", "C", "D", "E"],
                translations={"fr": {"scale_labels": ["Un", "Deux", "Trois", "Quatre", "Cinq"]}},
            )
        )["slug"]
    )
    await sign_in(client, boss.email, PASSWORD)
    page = await client.get(f"/c/{slug}/settings")
    assert elements(page.text, "input", name="translations-pt-title")
    assert not elements(page.text, "input", name="translations-en-title")
    form = {
        e.attrs["name"]: e.attrs.get("value", "")
        for e in elements(page.text, "input")
        if e.attrs.get("type") not in ("checkbox", "submit", "hidden") and "name" in e.attrs
    }
    form |= {
        "timezone": "UTC",
        "default_method": "mean",
        "language": "en",
        "scale_labels": "A\nB\nC\nD\nE",
        "translations-pt-title": "Quais temas?",
        "translations-fr-description": "Notez-les.",
    }
    saved = await submit(client, f"/c/{slug}/settings", f"/c/{slug}/settings", form)
    assert saved.status_code == 303, text_of(saved.text, "div", id="error-summary")
    stored = (await client.get(f"{API}/consultations/{slug}", headers=boss.headers)).json()
    assert stored["translations"] == {
        "fr": {
            "description": "Notez-les.",
            "scale_labels": ["Un", "Deux", "Trois", "Quatre", "Cinq"],
        },
        "pt": {"title": "Quais temas?"},
    }
    too_long = await submit(
        client,
        f"/c/{slug}/settings",
        f"/c/{slug}/settings",
        form | {"translations-es-title": "x" * 301},
    )
    assert too_long.status_code == 422
    assert elements(too_long.text, "ul", id="translations-es-title-error")


async def test_a_refused_move_names_the_state_in_the_pages_language(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss, slug, _ = await open_consultation(client, app)
    await sign_in(client, boss.email, PASSWORD)
    client.headers["Accept-Language"] = "pt-BR"
    confirmation = await client.get(f"/c/{slug}/close")
    await move(client, boss, slug, "close")  # meanwhile, through the API
    refused = await client.post(f"/c/{slug}/close", data={"csrf_token": csrf(confirmation.text)})
    assert refused.status_code == 409
    assert text_of(refused.text, "div", id="refused") == (
        "Não é possível aplicar “encerrar” a uma consulta no estado “encerrada” "
        "(permitido a partir de “encerrada”: finalizar, reabrir)."
    )


async def test_the_2017_agenda_stays_in_its_language_and_says_so(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/c/lacigf-2017/agenda", headers={"Accept-Language": "fr"})
    assert html_lang(page.text) == "fr"
    first = elements(page.text, "li", class_="session")[0]
    heading = next(e for e in first.children if e.tag == "h2")
    assert heading.children[0].attrs["lang"] == "en"
    assert "(pas encore traduit)" in " ".join(heading.text.split())
    english = await client.get("/c/lacigf-2017/agenda", headers={"Accept-Language": "en"})
    assert not elements(english.text, "span", class_="untranslated")


async def test_the_home_and_results_pages_mark_titles_not_translated_yet(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    boss = await admin(client, app)
    slug = str((await create_consultation(client, boss, title="Which topics?"))["slug"])
    topics = [
        {"title": "Privacy", "translations": {"pt": {"title": "Privacidade"}}},
        {"title": "Cybersecurity"},
    ]
    ids = []
    for body in topics:
        response = await client.post(
            f"{API}/consultations/{slug}/topics", json=body, headers=boss.headers
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    await move(client, boss, slug, "open")
    store(app, slug, random_ballots(3, ids, 8))
    await move(client, boss, slug, "close")
    portuguese = {"Accept-Language": "pt"}

    home = await client.get("/", headers=portuguese)
    [link] = elements(home.text, "a", href=f"/c/{slug}")
    assert [(e.attrs.get("lang"), e.text) for e in link.children] == [
        ("en", "Which topics?"),
        (None, "(ainda sem tradução)"),
    ]
    results = await client.get(f"/c/{slug}/results", headers=portuguese)
    ranked = {cells[1] for cells in _rows(results.text, "ranking")}
    assert ranked == {"Privacidade", "Cybersecurity (ainda sem tradução)"}
    table = text_of(results.text, "table", class_="ranking")
    assert "Privacy" not in table
    assert "Cybersecurity" in [e.text for e in elements(results.text, "span", lang="en")]
    chart = text_of(results.text, "figure")
    assert "Privacidade" in chart
    english = await client.get(f"/c/{slug}/results", headers={"Accept-Language": "en"})
    assert not elements(english.text, "span", class_="untranslated")
    assert {cells[1] for cells in _rows(english.text, "ranking")} == {"Privacy", "Cybersecurity"}


def test_the_catalogue_tool_reuses_translations_it_finds_elsewhere() -> None:
    mine = Catalog(locale="pt")
    mine.add("New message", "")
    mine.add("Kept", "Mantido")
    mine.add("Fuzzy", "Talvez", flags=["fuzzy"])
    theirs = Catalog(locale="pt")
    theirs.add("New message", "Mensagem nova")
    theirs.add("Kept", "Outro")
    theirs.add("Fuzzy", "Difuso")
    assert catalogues.fill(mine, [Catalog(locale="pt"), theirs]) == 2
    assert mine.get("New message").string == "Mensagem nova"
    assert mine.get("Kept").string == "Mantido"
    assert mine.get("Fuzzy").string == "Difuso"
    assert not mine.get("Fuzzy").fuzzy
