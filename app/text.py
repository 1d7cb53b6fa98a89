"""Text fields shared by every schema. Single-line fields (titles, names, organizations, rooms,
labels, cities) refuse control characters; multi-line fields (descriptions, questions) allow
only newline and tab. Exports can then rely on what they receive (docs/api.md)."""

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

# C0 and C1 control characters, DEL, and Unicode's line and paragraph separators.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(value: str) -> str:
    if CONTROL.search(value):
        raise ValueError("must be a single line without control characters")
    return value


def _lines(value: str) -> str:
    if CONTROL.search(value.replace("\n", "").replace("\t", "")):
        raise ValueError("may hold line breaks and tabs, but no other control characters")
    return value


OneLine = AfterValidator(_one_line)
Lines = AfterValidator(_lines)

Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), OneLine
]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), OneLine
]
Organization = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), OneLine
]
Label = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), OneLine
]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000), Lines]
Question = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), Lines
]
# A proposal's description: shorter than a topic's, never empty.
ProposalText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000), Lines
]


def searchable(*parts: str | None) -> str:
    """The text a search compares: case folded, accents stripped (NFKD, combining marks
    dropped), runs of anything but letters and digits made one space. So "Inclusão digital"
    and "INCLUSAO  digital!" are the same words."""
    joined = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", joined.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", stripped))
