"""Similar texts, with each database's own full-text search: topics and proposals of one
consultation whose words are close to what someone is typing, ignoring case and accents.

Both tables keep `search_text`, their title and description and every translation of them
as app.text.searchable makes them (case folded, accents stripped): a translated title is
found as the original is. PostgreSQL searches it with `to_tsvector('simple', …)`
over a GIN expression index per table (no extension needed); SQLite with an FTS5 table,
`search_index` (tokenizer `unicode61 remove_diacritics 2`), which the models' write events
keep in step (`keep_indexed`, declared by app.consultations.models and app.proposals.models).
Words match by prefix, so "neutral" finds "Neutralidad"; the best matches (bm25, ts_rank)
come first.

The FTS5 table and the GIN indexes live outside the models (neither SQLAlchemy nor Alembic
can describe them): the migration creates them, and `is_search_object` tells Alembic's
comparison and the tests' table lists to leave them alone."""

import re
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Connection, event, text
from sqlalchemy.orm import Session

from app.text import searchable
from app.translations import Translations, translated_texts

FTS_TABLE = "search_index"
PG_INDEXES = ("ix_topics_search", "ix_proposals_search")
KINDS = ("topic", "proposal")
LIMIT = 5
# Words too common to say two texts are alike (en, es, pt, fr), and anything shorter than 3.
STOPWORDS = frozenset(
    [
        "and",
        "the",
        "for",
        "with",
        "from",
        "that",
        "this",
        "los",
        "las",
        "del",
        "por",
        "para",
        "con",
        "una",
        "uno",
        "que",
        "como",
        "sus",
        "das",
        "dos",
        "com",
        "uma",
        "nas",
        "nos",
        "les",
        "des",
        "une",
        "pour",
        "dans",
        "sur",
        "avec",
        "est",
    ]
)
WORD = re.compile(r"[a-z0-9]+")


def is_search_object(name: str | None) -> bool:
    """The FTS5 table (and its shadow tables) and the GIN indexes."""
    if name is None:
        return False
    return name == FTS_TABLE or name.startswith(f"{FTS_TABLE}_") or name in PG_INDEXES


def words(query: str, *, most: int = 12) -> list[str]:
    """The words of `query` worth searching for, normalized, once each, in order."""
    found: list[str] = []
    for word in WORD.findall(searchable(query)):
        if len(word) >= 3 and word not in STOPWORDS and word not in found:
            found.append(word)
    return found[:most]


def _rowid(kind: str, ref_id: int) -> int:
    return ref_id * 2 + KINDS.index(kind)


def index(connection: Connection, kind: str, ref_id: int, consultation_id: int, body: str) -> None:
    """Puts a topic's or proposal's text in the SQLite index (PostgreSQL's indexes follow
    the column by themselves)."""
    if connection.dialect.name != "sqlite":
        return
    rowid = _rowid(kind, ref_id)
    connection.execute(text("DELETE FROM search_index WHERE rowid = :r"), {"r": rowid})
    connection.execute(
        text("INSERT INTO search_index (rowid, consultation_id, body) VALUES (:r, :c, :b)"),
        {"r": rowid, "c": consultation_id, "b": body},
    )


def unindex(connection: Connection, kind: str, ref_id: int) -> None:
    if connection.dialect.name != "sqlite":
        return
    connection.execute(
        text("DELETE FROM search_index WHERE rowid = :r"), {"r": _rowid(kind, ref_id)}
    )


class Indexed(Protocol):
    """A topic or a proposal, as the index sees it."""

    search_text: str

    @property
    def id(self) -> int: ...
    @property
    def consultation_id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str | None: ...
    @property
    def translations(self) -> Translations | None: ...


def keep_indexed(model: type[Indexed], kind: str) -> None:
    """Keeps `model`'s rows in step with the search: `search_text` set before every write (its
    title, description and their translations as a search compares them), the index row
    written after it (SQLite) and removed with the row."""

    def set_text(_mapper: Any, _connection: Connection, row: Indexed) -> None:
        row.search_text = searchable(
            row.title, row.description, *translated_texts(row.translations)
        )

    def write(_mapper: Any, connection: Connection, row: Indexed) -> None:
        index(connection, kind, row.id, row.consultation_id, row.search_text)

    def remove(_mapper: Any, connection: Connection, row: Indexed) -> None:
        unindex(connection, kind, row.id)

    for name, listener in [
        ("before_insert", set_text),
        ("before_update", set_text),
        ("after_insert", write),
        ("after_update", write),
        ("after_delete", remove),
    ]:
        event.listen(model, name, listener)


@dataclass(frozen=True)
class Hit:
    kind: str  # "topic" or "proposal"
    id: int
    title: str


def similar(
    session: Session, *, consultation_id: int, query: str, exclude_proposal: int | None = None
) -> list[Hit]:
    """At most LIMIT topics or proposals of the consultation whose text is closest to
    `query`; none when it holds no word worth searching for."""
    terms = words(query)
    if not terms:
        return []
    # Proposals worth pointing to: those still undecided and those that became topics.
    params: dict[str, object] = {"c": consultation_id, "x": exclude_proposal or 0, "n": LIMIT}
    if session.get_bind().dialect.name == "postgresql":
        params["q"] = " | ".join(f"{w}:*" for w in terms)
        rows = session.execute(
            text(
                "SELECT kind, id, title FROM ("
                " SELECT 'topic' AS kind, t.id, t.title,"
                "  ts_rank(to_tsvector('simple', t.search_text), q) AS rank"
                "  FROM topics t, to_tsquery('simple', :q) q"
                "  WHERE t.consultation_id = :c AND to_tsvector('simple', t.search_text) @@ q"
                " UNION ALL"
                " SELECT 'proposal', p.id, p.title,"
                "  ts_rank(to_tsvector('simple', p.search_text), q)"
                "  FROM proposals p, to_tsquery('simple', :q) q"
                "  WHERE p.consultation_id = :c AND to_tsvector('simple', p.search_text) @@ q"
                "  AND p.status IN ('submitted', 'accepted') AND p.id <> :x"
                ") found ORDER BY rank DESC, kind DESC, id LIMIT :n"
            ),
            params,
        ).all()
        return [Hit(kind, ref_id, title) for kind, ref_id, title in rows]
    params["q"] = " OR ".join(f'"{w}"*' for w in terms)
    rows = session.execute(
        text(
            "SELECT CASE s.rowid % 2 WHEN 0 THEN 'topic' ELSE 'proposal' END AS kind,"
            " coalesce(t.id, p.id) AS id, coalesce(t.title, p.title) AS title"
            " FROM search_index s"
            " LEFT JOIN topics t ON s.rowid % 2 = 0 AND t.id = s.rowid / 2"
            "  AND t.consultation_id = :c"
            " LEFT JOIN proposals p ON s.rowid % 2 = 1 AND p.id = s.rowid / 2"
            "  AND p.consultation_id = :c AND p.status IN ('submitted', 'accepted') AND p.id <> :x"
            " WHERE search_index MATCH :q AND s.consultation_id = :c"
            "  AND coalesce(t.id, p.id) IS NOT NULL"
            " ORDER BY bm25(search_index), kind DESC, id LIMIT :n"
        ),
        params,
    ).all()
    return [Hit(kind, ref_id, title) for kind, ref_id, title in rows]
