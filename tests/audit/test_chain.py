"""The audit chain's hashing, as pure functions: a known answer, every hashed field, and each
check that verification makes."""

import hashlib
import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.audit.chain import GENESIS, Link, entry_hash, first_broken
from tests.audit.known_chain import CHAIN, ENTRIES, KnownEntry


def link(entry: KnownEntry, **changes: Any) -> Link:
    return replace(
        Link(
            seq=entry.seq,
            actor=entry.actor,
            action=entry.action,
            target_type=entry.target_type,
            target_id=entry.target_id,
            detail=entry.detail,
            created_at=entry.created_at,
            prev_hash=entry.prev_hash,
            hash=entry.hash,
        ),
        **changes,
    )


def rehashed(chain: str, links: list[Link]) -> list[Link]:
    """The links re-linked and re-hashed in order, as a forger who rewrites the rest would."""
    out, prev = [], GENESIS
    for item in links:
        fields = {k: v for k, v in vars(item).items() if k not in ("hash", "prev_hash")}
        new_hash = entry_hash(chain=chain, prev_hash=prev, **fields)
        out.append(replace(item, prev_hash=prev, hash=new_hash))
        prev = new_hash
    return out


KNOWN = [link(e) for e in ENTRIES]
HASH_OF_NOTHING = hashlib.sha256(b"").hexdigest()


def canonical_by_the_docs(chain: str, entry: KnownEntry) -> bytes:
    """docs/api.md's recipe, followed to the letter: the nine fields in one JSON object, keys
    sorted, no whitespace, text as UTF-8, the time in UTC with six decimals and +00:00."""
    content = {
        "action": entry.action,
        "actor": entry.actor,
        "chain": chain,
        "created_at": entry.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00"),
        "detail": entry.detail,
        "prev_hash": entry.prev_hash,
        "seq": entry.seq,
        "target_id": entry.target_id,
        "target_type": entry.target_type,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"entry-{e.seq}")
def test_the_known_chain_hashes_to_its_published_values(entry: KnownEntry) -> None:
    assert canonical_by_the_docs(CHAIN, entry) == entry.canonical.encode()
    assert hashlib.sha256(entry.canonical.encode()).hexdigest() == entry.hash
    assert entry_hash(**entry.fields()) == entry.hash


def test_the_api_documentation_publishes_the_same_known_answer() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    for entry in ENTRIES:
        assert f"{entry.canonical}\n{entry.hash}\n" in docs


def test_the_known_chain_links_each_entry_to_the_one_before() -> None:
    assert [e.prev_hash for e in ENTRIES] == [GENESIS] + [e.hash for e in ENTRIES[:-1]]
    assert first_broken(CHAIN, KNOWN) is None


def test_the_genesis_hash_is_64_zeros() -> None:
    assert GENESIS == "0000000000000000000000000000000000000000000000000000000000000000"


# One change to each hashed field of the middle entry, each as small as can be.
CHANGED_FIELDS: list[tuple[str, Any]] = [
    ("seq", 4),
    ("actor", "comite@example.org"),
    ("action", "topic.delete"),
    ("target_type", "session"),
    ("target_id", "13"),
    ("target_id", None),
    ("detail", {"title": "Género y acceso — “Internet para todos”", "fields": ["title"]}),
    (
        "detail",
        {"title": "Género y acceso — “Internet para todos”", "fields": ["description", "title"]},
    ),
    ("detail", {}),
    ("created_at", ENTRIES[1].created_at + timedelta(microseconds=1)),
    ("prev_hash", GENESIS),
]


@pytest.mark.parametrize(("field", "value"), CHANGED_FIELDS, ids=[f for f, _ in CHANGED_FIELDS])
def test_every_hashed_field_changes_the_hash(field: str, value: Any) -> None:
    fields = ENTRIES[1].fields() | {field: value}
    assert entry_hash(**fields) != ENTRIES[1].hash


def test_the_chain_name_is_hashed() -> None:
    # An entry copied into another consultation's chain does not verify there.
    assert entry_hash(**(ENTRIES[0].fields() | {"chain": "consultation:43"})) != ENTRIES[0].hash
    assert first_broken("consultation:43", KNOWN) == 1


def test_the_same_moment_in_another_zone_has_the_same_hash() -> None:
    utc = ENTRIES[1].created_at.astimezone(UTC)
    assert entry_hash(**(ENTRIES[1].fields() | {"created_at": utc})) == ENTRIES[1].hash


def test_the_order_of_keys_in_detail_does_not_matter() -> None:
    reordered = dict(reversed(list(ENTRIES[2].detail.items())))
    assert list(reordered) != list(ENTRIES[2].detail)
    assert entry_hash(**(ENTRIES[2].fields() | {"detail": reordered})) == ENTRIES[2].hash


@pytest.mark.parametrize(("field", "value"), CHANGED_FIELDS, ids=[f for f, _ in CHANGED_FIELDS])
def test_an_edited_field_breaks_the_chain_at_that_entry(field: str, value: Any) -> None:
    edited = [KNOWN[0], replace(KNOWN[1], **{field: value}), KNOWN[2]]
    assert first_broken(CHAIN, edited) == (value if field == "seq" else 2)


def test_an_edited_stored_hash_breaks_the_chain_at_that_entry() -> None:
    # Entry 2 still matches its content, but no longer its stored hash.
    assert first_broken(CHAIN, [KNOWN[0], replace(KNOWN[1], hash=HASH_OF_NOTHING)]) == 2


def test_an_empty_chain_is_intact() -> None:
    assert first_broken(CHAIN, []) is None


# Forgeries that keep every hash consistent with its content: only the link checks see them.


def test_a_chain_that_does_not_start_at_genesis_is_broken() -> None:
    forged = [replace(KNOWN[0], prev_hash=HASH_OF_NOTHING)]
    forged = [replace(forged[0], hash=entry_hash(chain=CHAIN, **_content(forged[0])))]
    assert first_broken(CHAIN, forged) == 1


def test_an_entry_that_names_the_wrong_predecessor_is_broken() -> None:
    # Entry 3 is re-hashed over a prev_hash that is not entry 2's hash.
    wrong = replace(KNOWN[2], prev_hash=KNOWN[0].hash)
    wrong = replace(wrong, hash=entry_hash(chain=CHAIN, **_content(wrong)))
    assert first_broken(CHAIN, [KNOWN[0], KNOWN[1], wrong]) == 3


def test_a_removed_first_entry_is_detected_even_when_the_rest_is_rehashed() -> None:
    assert first_broken(CHAIN, rehashed(CHAIN, KNOWN[1:])) == 2


def test_a_removed_middle_entry_is_detected_even_when_the_rest_is_rehashed() -> None:
    assert first_broken(CHAIN, rehashed(CHAIN, [KNOWN[0], KNOWN[2]])) == 3


def test_a_repeated_entry_is_detected_even_when_rehashed() -> None:
    assert first_broken(CHAIN, rehashed(CHAIN, [KNOWN[0], KNOWN[1], KNOWN[1]])) == 2


def test_renumbered_entries_are_detected_even_when_rehashed() -> None:
    renumbered = [replace(item, seq=item.seq + 1) for item in KNOWN]
    assert first_broken(CHAIN, rehashed(CHAIN, renumbered)) == 2


def test_a_consistent_rehashed_chain_verifies() -> None:
    # The forgeries above fail on their links, not because rehashing itself is wrong.
    assert rehashed(CHAIN, KNOWN) == KNOWN
    assert first_broken(CHAIN, rehashed(CHAIN, KNOWN[:2])) is None


def test_only_the_first_broken_entry_is_named() -> None:
    edited = [KNOWN[0], replace(KNOWN[1], actor="x"), replace(KNOWN[2], actor="y")]
    assert first_broken(CHAIN, edited) == 2


def test_a_chain_verifies_from_any_iterable() -> None:
    assert first_broken(CHAIN, iter(KNOWN)) is None


def _content(item: Link) -> dict[str, Any]:
    return {k: v for k, v in vars(item).items() if k != "hash"}


def test_the_time_is_hashed_to_the_microsecond() -> None:
    base = datetime(2017, 6, 1, 12, 0, tzinfo=UTC)
    fields = ENTRIES[0].fields()
    hashes = {
        entry_hash(**(fields | {"created_at": base + timedelta(microseconds=us)}))
        for us in (0, 1, 999_999)
    }
    assert len(hashes) == 3


def test_the_hash_does_not_depend_on_the_machines_time_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Found by mutation testing: converting to the machine's zone instead of UTC passed every
    # test on a machine that runs in UTC.
    monkeypatch.setenv("TZ", "America/Montevideo")
    time.tzset()
    try:
        assert [entry_hash(**e.fields()) for e in ENTRIES] == [e.hash for e in ENTRIES]
    finally:
        monkeypatch.undo()
        time.tzset()
