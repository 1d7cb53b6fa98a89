"""Languages: the request's language, and the message catalogues compiled from the .po files."""

import gettext
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from starlette.requests import Request

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


def request_language(request: Request) -> str:
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    for tag in accepted_languages(request.headers.get("accept-language", "")):
        if tag in LANGUAGES:
            return tag
    return SOURCE_LANGUAGE
