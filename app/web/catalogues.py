"""Refreshes the message catalogues after strings change: `python -m app.web.catalogues`.

Extracts every message marked in the templates (`_()`, `ngettext`) and the Python modules
(`N_()`, `_()`) of app/web, app/mail and the services' messages (app/messages.py), adds the
scoring methods' titles and descriptions (app/scoring imports nothing from gettext, so no
extractor can see them), writes `app/web/locale/messages.pot`, and brings every language's
`.po` up to date with it: new messages arrive untranslated (or fuzzy, with a near match as a
suggestion), messages no longer used are dropped. Translate the empty and fuzzy entries, then
run `tests/web/test_languages.py`, which fails on any of them.
"""

import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from app import scoring
from app.web.i18n import LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE

APP = Path(__file__).resolve().parents[1]
SOURCES = (APP / "web", APP / "mail", APP / "messages.py")
WIDTH = 0  # no wrapping: one line per message, so a changed message is a one-line diff


def unextracted() -> Iterable[str]:
    """Messages shown with _() whose text no extractor sees: the scoring methods'."""
    for method in scoring.METHODS.values():
        yield method.title
        yield method.description


def template() -> Catalog:
    """Every message the app shows, as the catalogue template."""
    catalog = Catalog(project="Consulta", version="1.0", fuzzy=False)
    with (APP / "web" / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    for source in SOURCES:
        if not source.exists():
            continue
        if source.is_file():
            found = extract_from_dir(
                source.parent,
                [(source.name, "python")],
                keywords=keywords,
                directory_filter=lambda _: False,
            )
        else:
            found = extract_from_dir(source, method_map, options_map, keywords=keywords)
        for _filename, _lineno, message, comments, context in found:
            catalog.add(message, None, auto_comments=comments, context=context)
    for text in unextracted():
        catalog.add(text, None, auto_comments=["app/scoring/methods.py"])
    return catalog


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=WIDTH, no_location=True, sort_output=True)


def refresh(locale_dir: Path = LOCALE_DIR) -> dict[str, list[str]]:
    """Writes the template and updates every catalogue; says which messages need a translator."""
    pot = template()
    _write(pot, locale_dir / "messages.pot")
    todo: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        if lang == SOURCE_LANGUAGE:
            continue
        path = locale_dir / lang / "LC_MESSAGES" / "messages.po"
        if path.exists():
            with path.open("rb") as f:
                catalog = read_po(f, locale=lang)
        else:
            catalog = Catalog(locale=lang, project="Consulta", version="1.0", fuzzy=False)
        catalog.update(pot)
        catalog.obsolete.clear()
        _write(catalog, path)
        todo[lang] = [
            str(m.id) for m in catalog if m.id and (m.fuzzy or not all(_strings(m.string)))
        ]
    return todo


def _strings(string: str | tuple[str, ...] | list[str] | None) -> list[str]:
    if string is None:
        return [""]
    return [string] if isinstance(string, str) else list(string)


def main() -> int:
    todo = refresh()
    for lang, messages in todo.items():
        for message in messages:
            print(f"{lang}: to translate: {message}")
    return 1 if any(todo.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
