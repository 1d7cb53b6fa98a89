"""Content in several languages: a consultation has an original language; its texts, its
topics', its sessions' and its proposals' take translations `{lang: {field: value}}`. Readers
get the text in their language where there is one and the original otherwise (never a blank).
Ids, never titles, identify topics in exports, so rankings and digests do not change with
language."""

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request

from app.text import Description, Label, ProposalText, Question, Title

T = TypeVar("T")
Lang = Literal["en", "es", "pt", "fr"]
CONTENT_LANGUAGES: tuple[str, ...] = ("en", "es", "pt", "fr")


class _Texts(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConsultationTexts(_Texts):
    title: Title | None = None
    description: Description | None = None
    scale_labels: list[Label] | None = None


class TopicTexts(_Texts):
    title: Title | None = None
    description: Description | None = None


class SessionTexts(_Texts):
    title: Title | None = None
    description: Description | None = None
    questions: list[Question] | None = Field(default=None, max_length=50)


class ProposalTexts(_Texts):
    title: Title | None = None
    description: ProposalText | None = None


CONSULTATION_FIELDS = tuple(ConsultationTexts.model_fields)
TOPIC_FIELDS = tuple(TopicTexts.model_fields)
SESSION_FIELDS = tuple(SessionTexts.model_fields)
PROPOSAL_FIELDS = tuple(ProposalTexts.model_fields)
Translations = dict[str, dict[str, Any]]


def merged(stored: Translations | None, given: Mapping[Any, BaseModel | None]) -> Translations:
    """The stored translations with the given languages replaced (None removes a language;
    fields left out or null are no translation)."""
    result = {lang: dict(texts) for lang, texts in (stored or {}).items()}
    for lang, texts in given.items():
        values = {} if texts is None else texts.model_dump(exclude_none=True)
        if values:
            result[lang] = values
        else:
            result.pop(lang, None)
    return dict(sorted(result.items()))


def updated(
    stored: Translations | None, given: Mapping[Any, BaseModel | None] | None
) -> Translations | None:
    """What to store when a request's `translations` (None: take them all away) arrive over the
    stored ones; None when no language is left."""
    return None if given is None else merged(stored, given) or None


def translated_texts(translations: Translations | None) -> list[str]:
    """Every translated text, language by language: what a search also finds an object by."""
    found: list[str] = []
    for _lang, texts in sorted((translations or {}).items()):
        for value in texts.values():
            found.extend(value if isinstance(value, list) else [value])
    return [v for v in found if isinstance(v, str) and v]


def text_in(original: Any, field: str, translations: Translations | None, lang: str | None) -> Any:
    """A field's text in `lang`: its translation where there is one, else the original."""
    if lang is None:
        return original
    value = (translations or {}).get(lang, {}).get(field)
    return original if value in (None, "", []) else value


def shown_language(
    original_language: str,
    translations: Translations | None,
    fields: tuple[str, ...],
    texts: Mapping[str, Any],
    lang: str | None,
) -> str:
    """The language an object's texts are shown in: `lang` when it has a translation of every
    field that has a text, else the original language."""
    if lang is None or lang == original_language:
        return original_language
    wanted = (translations or {}).get(lang, {})
    filled = [f for f in fields if texts.get(f) not in (None, "", [])]
    if filled and all(wanted.get(f) not in (None, "", []) for f in filled):
        return lang
    return original_language


def requested_language(request: Request) -> str | None:
    """The content language an API call asks for with Accept-Language (None: no header, or no
    language we have)."""
    from app.web.i18n import accepted_languages

    for tag in accepted_languages(request.headers.get("accept-language", "")):
        if tag in CONTENT_LANGUAGES:
            return tag
    return None


class _Shown:
    """An object read through its translations: the translated fields in one language (the
    original where there is none), every other attribute the object's own; `original` is the
    object itself (for what must not change with language, such as a slug from a title)."""

    def __init__(self, obj: Any, fields: tuple[str, ...], lang: str) -> None:
        stored = getattr(obj, "translations", None) or {}
        self.original = obj
        self._texts = {f: text_in(getattr(obj, f), f, stored, lang) for f in fields}

    def __getattr__(self, name: str) -> Any:
        texts = self.__dict__.get("_texts", {})
        if name in texts:
            return texts[name]
        return getattr(self.__dict__["original"], name)


def shown_in(obj: T, fields: tuple[str, ...], lang: str | None) -> T:
    """`obj` as read in `lang` (itself when no language is asked for), for the exports."""
    if lang is None:
        return obj
    return cast(T, _Shown(obj, fields, lang))
