"""A fixed audit chain, its canonical bytes and its hashes, written out literally: the known
answer that docs/api.md ("Verifying the audit chain") shows to outside verifiers."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

CHAIN = "consultation:42"


@dataclass(frozen=True)
class KnownEntry:
    seq: int
    actor: str
    action: str
    target_type: str
    target_id: str | None
    detail: dict[str, Any]
    created_at: datetime
    prev_hash: str
    canonical: str  # the exact UTF-8 text that is hashed
    hash: str

    def fields(self) -> dict[str, Any]:
        """The entry's hashed fields, as `app.audit.chain.entry_hash` takes them."""
        return {
            "chain": CHAIN,
            "seq": self.seq,
            "actor": self.actor,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "detail": self.detail,
            "created_at": self.created_at,
            "prev_hash": self.prev_hash,
        }


GENESIS = "0" * 64
HASH_1 = "8c5d2285f79718fd6e6740d86b1eefd1cc5cdc7b3b52489bcde516214fb5b35e"
HASH_2 = "8711cab6133a24d7cea7d53e6a69737a46de608153be3a55e75cb651e5cb3186"
HASH_3 = "7b1ff6b2deaff822428fde4664d76b37f4cce3b7fd7a7b5fc4ce8a87db1f1fef"
DIGEST = "6bef42a85561289ce276aa0575127c99e4811a024d7352bfbcd55d956c8126be"

# Chosen to catch a change of canonical form: keys given out of order (sorted in the hash),
# null and true, a list, text beyond ASCII (kept as UTF-8, not \u escapes), a time given in
# another zone (hashed in UTC) and times with and without microseconds.
ENTRIES = (
    KnownEntry(
        seq=1,
        actor="admin@example.org",
        action="consultation.create",
        target_type="consultation",
        target_id="lacigf-2017",
        detail={"topics_copied": 0, "copy_topics_from": None},
        created_at=datetime(2017, 6, 1, 12, 0, tzinfo=UTC),
        prev_hash=GENESIS,
        canonical=(
            '{"action":"consultation.create","actor":"admin@example.org",'
            '"chain":"consultation:42","created_at":"2017-06-01T12:00:00.000000+00:00",'
            '"detail":{"copy_topics_from":null,"topics_copied":0},'
            f'"prev_hash":"{GENESIS}","seq":1,"target_id":"lacigf-2017",'
            '"target_type":"consultation"}'
        ),
        hash=HASH_1,
    ),
    KnownEntry(
        seq=2,
        actor="comité@example.org",
        action="topic.update",
        target_type="topic",
        target_id="12",
        detail={
            "title": "Género y acceso — “Internet para todos”",
            "fields": ["title", "description"],
        },
        created_at=datetime(2017, 6, 1, 9, 30, 0, 250000, tzinfo=ZoneInfo("America/Montevideo")),
        prev_hash=HASH_1,
        canonical=(
            '{"action":"topic.update","actor":"comité@example.org","chain":"consultation:42",'
            '"created_at":"2017-06-01T12:30:00.250000+00:00",'
            '"detail":{"fields":["title","description"],'
            '"title":"Género y acceso — “Internet para todos”"},'
            f'"prev_hash":"{HASH_1}","seq":2,"target_id":"12","target_type":"topic"}}'
        ),
        hash=HASH_2,
    ),
    KnownEntry(
        seq=3,
        actor="system",
        action="consultation.close",
        target_type="consultation",
        target_id=None,
        detail={
            "participants": 56,
            "ratings": 1234,
            "ballot_writes": 78,
            "ballot_digest": DIGEST,
            "complete": True,
        },
        created_at=datetime(2017, 6, 30, 23, 59, 59, 999999, tzinfo=UTC),
        prev_hash=HASH_2,
        canonical=(
            '{"action":"consultation.close","actor":"system","chain":"consultation:42",'
            '"created_at":"2017-06-30T23:59:59.999999+00:00",'
            f'"detail":{{"ballot_digest":"{DIGEST}","ballot_writes":78,"complete":true,'
            '"participants":56,"ratings":1234},'
            f'"prev_hash":"{HASH_2}","seq":3,"target_id":null,"target_type":"consultation"}}'
        ),
        hash=HASH_3,
    ),
)
