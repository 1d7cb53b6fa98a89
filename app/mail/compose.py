"""Mails as text and HTML, in the recipient's language, from templates translated through the
pages' Babel catalogues (app/web/locale)."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app.web.i18n import LANGUAGES, N_, SOURCE_LANGUAGE, translations

TEMPLATES = Path(__file__).parent / "templates"

# The subject of each kind of mail (translated when composed).
SUBJECTS = {
    "verify": N_("Confirm your email address"),
    "reset": N_("Reset your password"),
    "invitation": N_("You are invited to a program committee"),
    "proposal_decision": N_("A decision on your proposal"),
}


@dataclass(frozen=True)
class Composed:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=2 * len(LANGUAGES))
def _environment(lang: str, html: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=html,  # noqa: S701 (the text part is plain text, never HTML)
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def mail_language(lang: str | None) -> str:
    return lang if lang in LANGUAGES else SOURCE_LANGUAGE


def compose(template: str, lang: str, **context: Any) -> Composed:
    """`template` names a pair of files, `<template>.txt` and `<template>.html`. The text part
    puts every link alone on its own line, so any mail program can open it."""
    lang = mail_language(lang)
    subject = translations(lang).gettext(SUBJECTS[template])
    values = {"subject": subject, "lang": lang, **context}
    text = _environment(lang, html=False).get_template(f"{template}.txt").render(values)
    html = _environment(lang, html=True).get_template(f"{template}.html").render(values)
    return Composed(subject=subject, text=text, html=html)
