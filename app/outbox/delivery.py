"""What a handler is given and what it answers: the contract between the dispatcher and each
kind of message."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class Delivery:
    """One claimed message. `attempt` counts this attempt (1 for the first)."""

    id: int
    kind: str
    target: str
    payload: dict[str, Any]
    attempt: int
    max_attempts: int


@dataclass(frozen=True)
class Outcome:
    """sent: delivered. retry: a passing failure (tried again later, until max_attempts).
    failed: a lasting failure (never retried). kept: no transport for this kind is configured;
    the message stays in the outbox."""

    status: Literal["sent", "retry", "failed", "kept"]
    detail: str | None = None
    response_status: int | None = None


# Runs in a worker thread, outside any database transaction; it may block (network I/O).
Handler = Callable[[Delivery], Outcome]
