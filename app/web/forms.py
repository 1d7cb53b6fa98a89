"""Form validation messages: pydantic's errors mapped to the field they concern, as
translatable messages shown next to each field."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from app.agenda.schemas import ENDS_BEFORE_START
from app.committee.schemas import NOT_A_COMMITTEE_GROUP
from app.consultations.schemas import DATES_ORDER, SCALE_LABELS_COUNT, SCALE_ORDER, SCALE_SIZE
from app.errors import Invalid
from app.web.i18n import N_


@dataclass(frozen=True)
class Message:
    """A msgid and its parameters; translated when the page is rendered."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)


BY_TYPE: dict[str, str] = {
    "missing": N_("This field is required."),
    "string_too_long": N_("Use at most %(max_length)s characters."),
    "enum": N_("Choose one of the options."),
    "literal_error": N_("Choose one of the options."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "greater_than_equal": N_("Enter a number of at least %(ge)s."),
    "less_than_equal": N_("Enter a number of at most %(le)s."),
    "datetime_parsing": N_("Enter a date and time."),
    "timezone_aware": N_("Enter a date and time."),
    "too_long": N_("There are too many entries."),
    "float_parsing": N_("Enter a number."),
    "float_type": N_("Enter a number."),
    "date_from_datetime_parsing": N_("Enter a date."),
    "date_parsing": N_("Enter a date."),
    "timezone_naive": N_("Enter a date and time."),
}
# The schemas' rule errors (value_error), by their English message.
RULES: dict[str, str] = {
    ENDS_BEFORE_START: N_("A session must end after it starts."),
    SCALE_ORDER: N_("The lowest level must be below the highest."),
    SCALE_SIZE: N_("A scale has at most 11 levels."),
    SCALE_LABELS_COUNT: N_("Give exactly one label per level, one per line."),
    DATES_ORDER: N_("The last day cannot be before the first."),
    NOT_A_COMMITTEE_GROUP: N_("Choose one of the four committee groups."),
}
BY_FIELD: dict[str, str] = {
    "email": N_("Enter a valid email address, such as name@example.org."),
    "country": N_("Choose a country from the list."),
    "slug": N_("Use lowercase letters, digits and single hyphens, such as lacigf-2031."),
    "timezone": N_("Enter a time zone name such as America/Panama."),
    "default_method": N_("Choose one of the options."),
}
FALLBACK = N_("This value is not valid.")


def field_key(loc: Sequence[str | int]) -> str:
    """('people', 0, 'name') -> 'people-0-name', the name of the form field."""
    return "-".join(str(part) for part in loc if part != "body")


def message_for(error: Mapping[str, Any]) -> Message:
    kind = str(error.get("type", ""))
    context = dict(error.get("ctx") or {})
    last = next((p for p in reversed(error.get("loc", ())) if isinstance(p, str)), "")
    if kind == "string_too_short":
        if context.get("min_length", 1) <= 1:
            return Message(BY_TYPE["missing"])
        return Message(N_("Use at least %(min_length)s characters."), context)
    if kind in BY_TYPE:
        return Message(BY_TYPE[kind], context)
    if kind == "value_error" and str(context.get("error", "")) in RULES:
        return Message(RULES[str(context["error"])])
    if last in BY_FIELD:
        return Message(BY_FIELD[last])
    return Message(FALLBACK)


def said(sentence: str) -> Message:
    """A service's sentence next to a field: a schema rule's error as the form says it
    (RULES), any other as it is (said in the page's language by its template)."""
    return Message(RULES.get(sentence, sentence))


class FieldErrors(dict[str, list[Message]]):
    """Messages by form field name; empty when the form is valid."""

    def add(self, key: str, message: Message) -> None:
        self.setdefault(key, []).append(message)

    def merge(self, other: "FieldErrors") -> None:
        for key, messages in other.items():
            for message in messages:
                self.add(key, message)

    @classmethod
    def from_validation(cls, exc: ValidationError) -> "FieldErrors":
        errors = cls()
        for error in exc.errors():
            errors.add(field_key(error["loc"]), message_for(error))
        return errors

    @classmethod
    def from_invalid(cls, exc: Invalid, *, fallback: str) -> "FieldErrors":
        """A service's Invalid carries the API's loc; its detail is already a sentence."""
        errors = cls()
        for error in exc.extensions.get("errors", []):
            key = field_key(error.get("loc", ())) or fallback
            errors.add(key, said(str(error.get("msg", exc.detail))))
        return errors or cls({fallback: [said(exc.detail)]})
