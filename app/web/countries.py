"""Countries by name in the page's language (Babel's CLDR names), for country lists."""

import unicodedata
from functools import lru_cache

import pycountry
from babel import Locale


def _sort_key(name: str) -> str:
    """Alphabetical as people expect: accents and case do not move a name."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=8)
def countries(lang: str) -> tuple[tuple[str, str], ...]:
    """(ISO 3166-1 alpha-2 code, name) of every country, sorted by name in `lang`."""
    names = Locale.parse(lang).territories
    pairs = [(c.alpha_2, names.get(c.alpha_2, c.name)) for c in pycountry.countries]
    return tuple(sorted(pairs, key=lambda pair: _sort_key(pair[1])))


def country_name(code: str | None, lang: str) -> str:
    if not code:
        return ""
    return dict(countries(lang)).get(code, code)
