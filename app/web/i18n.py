"""Languages: the request's language, and the message catalogues compiled from the .po files."""

import gettext
import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from starlette.requests import Request

from app import messages

LANGUAGES: dict[str, str] = {"en": "English", "es": "Español", "pt": "Português", "fr": "Français"}
SOURCE_LANGUAGE = "en"  # the msgids are English, so English needs no catalogue
LANG_COOKIE = "lang"
LOCALE_DIR = Path(__file__).parent / "locale"


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional marker name)
    """Marks a message for extraction (pybabel -k N_); it is translated where it is shown."""
    return message


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue for `lang`, compiled in memory from its .po file (no build step)."""
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=lang)
    mo = BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    return Translations(mo)


def accepted_languages(header: str) -> list[str]:
    """The primary language subtags of an Accept-Language header, most preferred first."""
    weighted: list[tuple[float, int, str]] = []
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, i, tag.split("-")[0].lower()))
    return [tag for _, _, tag in sorted(weighted)]


def api_language(request: Request) -> str:
    """The API's language: Accept-Language's best match, else English (no cookie)."""
    for tag in accepted_languages(request.headers.get("accept-language", "")):
        if tag in LANGUAGES:
            return tag
    return SOURCE_LANGUAGE


def request_language(request: Request) -> str:
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    for tag in accepted_languages(request.headers.get("accept-language", "")):
        if tag in LANGUAGES:
            return tag
    return SOURCE_LANGUAGE


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@lru_cache(maxsize=1)
def _templates() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each service message template as a pattern that recognises its sentences."""
    found = []
    for template in messages.MESSAGES:
        pattern = ""
        for part in re.split(r"(%\([a-z_]+\)s)", template):
            name = re.fullmatch(r"%\(([a-z_]+)\)s", part)
            pattern += f"(?P<{name.group(1)}>.+?)" if name else re.escape(part)
        found.append((re.compile(pattern, re.DOTALL), template))
    # The longest first: a template that is a prefix of another never shadows it.
    return tuple(sorted(found, key=lambda pair: -len(pair[1])))


def localize(text: str, lang: str) -> str:
    """A sentence of the app's in `lang`: a catalogue message as it is, or a service's
    sentence recognised by its template (app.messages), its variable parts kept (dates in the
    language's format, parts that are sentences themselves translated, states and moves by
    their words in app.messages.WORDS). Anything else, such as a message from a newer version
    or a person's own text, is returned as it is."""
    if lang == SOURCE_LANGUAGE or not text:
        return text
    catalogue = translations(lang)
    translated = catalogue.gettext(text)
    if translated != text:
        return translated
    for pattern, template in _templates():
        match = pattern.fullmatch(text)
        if match is None:
            continue
        if catalogue.gettext(template) == template:
            return text
        return fill(template, match.groupdict(), lang)
    return text


def fill(template: str, params: Mapping[str, Any], lang: str) -> str:
    """A catalogue message in `lang` with its parameters said as localize says a sentence's
    variable parts (a date in the language's format, a state by its word)."""
    if lang == SOURCE_LANGUAGE:
        return template % params
    said = {k: _part(k, v, lang) if isinstance(v, str) else v for k, v in params.items()}
    return translations(lang).gettext(template) % said


def _part(name: str, value: str, lang: str) -> str:
    context = messages.PLACEHOLDER_WORDS.get(name)
    if context is not None:  # a state, a move or a status (or a list of moves), by its word
        words = value.split(", ")
        return ", ".join(translations(lang).pgettext(context, word) for word in words)
    if _ISO_DATE.fullmatch(value):
        return format_date(date.fromisoformat(value), "medium", locale=lang)
    return localize(value, lang)


def scale_labels(labels: list[str] | None, lang: str) -> list[str] | None:
    """A consultation's level labels as shown: one of the default scales in `lang`, labels of
    the consultation's own as written."""
    if labels and tuple(labels) in messages.DEFAULT_SCALES:
        return [localize(label, lang) for label in labels]
    return labels
