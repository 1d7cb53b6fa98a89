"""Pure hashing of the audit chain: each entry's hash covers its content and its
predecessor's hash, so an edited, inserted or removed entry breaks every hash after it."""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class Link:
    seq: int
    actor: str
    action: str
    target_type: str
    target_id: str | None
    detail: Mapping[str, Any]
    created_at: datetime
    prev_hash: str
    hash: str


def entry_hash(
    *,
    chain: str,
    seq: int,
    actor: str,
    action: str,
    target_type: str,
    target_id: str | None,
    detail: Mapping[str, Any],
    created_at: datetime,
    prev_hash: str,
) -> str:
    content = {
        "chain": chain,
        "seq": seq,
        "actor": actor,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "detail": detail,
        "created_at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def first_broken(chain: str, links: Iterable[Link]) -> int | None:
    """The seq of the first entry whose hash or link does not hold, or None if all hold.
    `links` must be ordered by seq; a gap in the numbering is a removed entry."""
    prev_hash, expected_seq = GENESIS, 1
    for link in links:
        recomputed = entry_hash(
            chain=chain,
            seq=link.seq,
            actor=link.actor,
            action=link.action,
            target_type=link.target_type,
            target_id=link.target_id,
            detail=link.detail,
            created_at=link.created_at,
            prev_hash=link.prev_hash,
        )
        if link.seq != expected_seq or link.prev_hash != prev_hash or link.hash != recomputed:
            return link.seq
        prev_hash, expected_seq = link.hash, link.seq + 1
    return None
