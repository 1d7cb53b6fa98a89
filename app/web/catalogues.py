"""Refreshes the message catalogues after strings change: `python -m app.web.catalogues`.

Extracts every message marked in the templates (`_()`, `ngettext`) and the Python modules
(`N_()`, `_()`, and `NC_()` with a context) of app/web, app/mail and the services' messages
(app/messages.py), adds the scoring methods' titles and descriptions (app/scoring imports
nothing from gettext, so no extractor can see them), writes `app/web/locale/messages.pot`, and
brings every language's `.po` up to date with it: new messages arrive untranslated (or fuzzy,
with a near match as a suggestion), messages no longer used are dropped. Translate the empty
and fuzzy entries, then run `tests/web/test_languages.py`, which fails on any of them.
"""

import argparse
import subprocess
import sys
from collections.abc import Iterable
from io import BytesIO
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
    keywords = {**DEFAULT_KEYWORDS, "N_": None, "NC_": ((1, "c"), 2)}
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


def fill(catalog: Catalog, sources: list[Catalog]) -> int:
    """Gives the catalogue's untranslated (or fuzzy) messages the translation an earlier or
    another version of it has (the first source that has one); how many it filled."""
    filled = 0
    for message in catalog:
        if not message.id or not (message.fuzzy or not all(_strings(message.string))):
            continue
        for source in sources:
            found = source.get(message.id)
            if found is not None and not found.fuzzy and all(_strings(found.string)):
                message.string = found.string
                message.flags.discard("fuzzy")
                filled += 1
                break
    return filled


def _at_revision(revision: str, path: Path, lang: str) -> Catalog | None:
    """The catalogue as it is at a git revision (a branch being merged, say), if it has one."""
    relative = path.resolve().relative_to(APP.parent)
    shown = subprocess.run(  # noqa: S603 (a revision the maintainer names, as an argument)
        ["git", "show", f"{revision}:{relative.as_posix()}"],  # noqa: S607 (git from PATH)
        capture_output=True,
        cwd=APP.parent,
        check=False,
    )
    if shown.returncode != 0:
        return None
    return read_po(BytesIO(shown.stdout), locale=lang)


def refresh(locale_dir: Path = LOCALE_DIR, reuse: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Writes the template and updates every catalogue; says which messages need a translator.
    `reuse`: git revisions whose catalogues lend their translations to messages left without
    one (after a merge, the other branch: its new messages keep the translations it has)."""
    pot = template()
    existing = locale_dir / "messages.pot"
    if existing.exists():  # a stable header: a run changes only the messages that changed
        with existing.open("rb") as f:
            pot.creation_date = read_po(f).creation_date
    _write(pot, existing)
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
        sources = [c for rev in reuse if (c := _at_revision(rev, path, lang)) is not None]
        fill(catalog, sources)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--reuse",
        action="append",
        default=[],
        metavar="REV",
        help="a git revision whose catalogues lend translations (repeatable)",
    )
    args = parser.parse_args(argv)
    todo = refresh(reuse=tuple(args.reuse))
    for lang, messages in todo.items():
        for message in messages:
            print(f"{lang}: to translate: {message}")
    return 1 if any(todo.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
