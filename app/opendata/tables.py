"""The tables of the open-data package: their Table Schemas (Frictionless) and the CSV they are
written in. Pure: plain values in, bytes and dicts out."""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.vocabulary import PersonRole, SessionFormat, StakeholderGroup


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8, comma-separated, `\\n` line endings (as ballots.csv), minimal quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return buffer.getvalue().encode()


def _field(name: str, kind: str, description: str, **constraints: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": name, "type": kind, "description": description}
    if constraints:
        spec["constraints"] = constraints
    return spec


def _text(name: str, description: str, *, required: bool = False) -> dict[str, Any]:
    return _field(
        name,
        "string",
        description + " Text that starts with =, +, -, @, a tab or a carriage return carries "
        "a leading ' so that spreadsheets do not run it.",
        **({"required": True} if required else {}),
    )


def _enum(values: Iterable[str]) -> list[str]:
    return [str(v) for v in values]


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    fields: list[dict[str, Any]]
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: list[dict[str, Any]] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    @property
    def header(self) -> list[str]:
        return [f["name"] for f in self.fields]

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"fields": self.fields, "missingValues": [""]}
        if self.primary_key:
            schema["primaryKey"] = self.primary_key
        if self.foreign_keys:
            schema["foreignKeys"] = self.foreign_keys
        return schema


def _to_topics(column: str) -> dict[str, Any]:
    return {"fields": column, "reference": {"resource": "topics", "fields": "id"}}


ID = {"required": True, "unique": True, "minimum": 1}
TOPICS = Table(
    "topics",
    "Candidate topics",
    "The topics the participants rated, in the consultation's order.",
    [
        _field("id", "integer", "The topic's id, as in the API and every other table.", **ID),
        _field("position", "integer", "Its place in the consultation's list.", required=True),
        _text("title", "The topic's title.", required=True),
        _text("description", "The topic's description."),
    ],
    primary_key=["id"],
)


def ballots(scale_min: int, scale_max: int) -> Table:
    return Table(
        "ballots",
        "Anonymised ballots",
        "Every rating, one row each: the same bytes as GET /consultations/{slug}/ballots.csv, "
        "whose SHA-256 is each ranking's ballot_digest. `ballot` is a random key per "
        "participant, unlinkable to the account; groups smaller than min_group_size are "
        "folded into `other`.",
        [
            _field("ballot", "string", "The participant's anonymous ballot key.", required=True),
            _field(
                "stakeholder_group",
                "string",
                "The participant's stakeholder group (small groups folded into `other`).",
                required=True,
                enum=_enum(StakeholderGroup),
            ),
            _field("topic_id", "integer", "The topic rated.", required=True),
            _field(
                "score",
                "integer",
                "The rating, on the consultation's scale.",
                required=True,
                minimum=scale_min,
                maximum=scale_max,
            ),
        ],
        primary_key=["ballot", "topic_id"],
        foreign_keys=[_to_topics("topic_id")],
    )


def ranking(method: str, title: str, levels: range) -> Table:
    number = "number"
    return Table(
        f"ranking-{method}",
        f"Ranking: {title}",
        f"The topics ranked by the `{method}` method (as GET …/ranking.csv?method={method} "
        "serves it to the public), from the ballots in ballots.csv.",
        [
            _field("rank", "integer", "Rank (tied topics share it); empty if unranked."),
            _field("tied", "boolean", "Whether another topic has the same rank.", required=True),
            _field("topic_id", "integer", "The topic.", required=True, unique=True),
            _text("topic_title", "The topic's title.", required=True),
            _field("score", number, "The method's score; empty without ratings."),
            _field("n", "integer", "Ratings of the topic.", required=True, minimum=0),
            _field("spread", number, "Sample s.d. of the ratings; empty below two."),
            _field("interval_low", number, "Lower end of the 95% interval, where defined."),
            _field("interval_high", number, "Upper end of the 95% interval, where defined."),
            *(
                _field(f"level_{level}", "integer", f"Ratings of {level}.", minimum=0)
                for level in levels
            ),
        ],
        primary_key=["topic_id"],
        foreign_keys=[_to_topics("topic_id")],
    )


COMMITTEE = Table(
    "committee",
    "Program committee",
    "The members of the program committee by stakeholder group and seat.",
    [
        _field("id", "integer", "The member's id (member_id in the API).", **ID),
        _field(
            "stakeholder_group",
            "string",
            "The group whose seat the member holds.",
            required=True,
            enum=_enum(StakeholderGroup),
        ),
        _field("seat_number", "integer", "The seat within the group.", required=True, minimum=1),
        _text("name", "The member's name.", required=True),
        _text("organization", "The member's organization."),
        _field("country", "string", "ISO 3166-1 alpha-2 code.", pattern="[A-Z]{2}"),
    ],
    primary_key=["id"],
)
SESSIONS = Table(
    "sessions",
    "Agenda sessions",
    "The finalized agenda's sessions in order (empty until the agenda is finalized).",
    [
        _field("id", "integer", "The session's id, as in the API and people.csv.", **ID),
        _field("position", "integer", "Its place in the agenda.", required=True),
        _text("title", "The session's title.", required=True),
        _field(
            "format", "string", "The session's format.", required=True, enum=_enum(SessionFormat)
        ),
        _field("topic_id", "integer", "The topic it discusses, if any."),
        _field("starts_at", "datetime", "When it starts (UTC)."),
        _field("ends_at", "datetime", "When it ends (UTC)."),
        _text("room", "Where it takes place."),
        _text("description", "What it is about."),
        _text("questions", "Its key questions, one per line."),
        _field("origin_method", "string", "The scoring method whose ranking proposed it."),
        _field("origin_rank", "integer", "The topic's rank then."),
        _field("origin_score", "number", "The topic's score then."),
    ],
    primary_key=["id"],
    foreign_keys=[_to_topics("topic_id")],
)
PEOPLE = Table(
    "people",
    "Session people",
    "Who holds which role in each session (empty until the agenda is finalized). A person "
    "in two roles has two rows; a role may be held by a group.",
    [
        _field("session_id", "integer", "The session.", required=True),
        _field("position", "integer", "Order within the session.", required=True),
        _field("role", "string", "The role held.", required=True, enum=_enum(PersonRole)),
        _text("name", "The person's (or group's) name.", required=True),
        _text("organization", "Their organization."),
        _field("country", "string", "ISO 3166-1 alpha-2 code.", pattern="[A-Z]{2}"),
        _field(
            "stakeholder_group",
            "string",
            "Their stakeholder group.",
            enum=_enum(StakeholderGroup),
        ),
    ],
    primary_key=["session_id", "position"],
    foreign_keys=[{"fields": "session_id", "reference": {"resource": "sessions", "fields": "id"}}],
)
