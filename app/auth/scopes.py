"""What a bearer token may do. A token from the password form (or a web session) carries all
of its account's powers; a personal access token carries only the scopes it was made with.

Scopes limit, they never add: `admin` gives nothing to an account that is not an
administrator, `committee` nothing where the account holds no seat. Two scopes name kinds of
call (`ballot`: one's own ballots and proposals; `results`: reading results), two name roles
(`committee`, `admin`); a call needs the scope of its kind and, for a role's powers, the
role's scope.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.errors import Forbidden


class Scope(StrEnum):
    ballot = "ballot"
    results = "results"
    committee = "committee"
    admin = "admin"


DESCRIPTIONS: dict[Scope, str] = {
    Scope.ballot: "Read and write your own ballots and proposals.",
    Scope.results: "Read results: rankings, stability, ballots.csv and the open-data package.",
    Scope.committee: "Act as a program committee member where you hold a seat.",
    Scope.admin: "Act as an administrator (if you are one).",
}


def encode(scopes: Iterable[Scope]) -> str:
    """As stored in `access_tokens.scopes`: space-separated, in the order of `Scope`."""
    chosen = set(scopes)
    return " ".join(s.value for s in Scope if s in chosen)


@dataclass(frozen=True)
class Grant:
    """The scopes a token carries; None for a token with all of its account's powers."""

    scopes: frozenset[Scope] | None = None

    @classmethod
    def stored(cls, text: str | None) -> "Grant":
        if text is None:
            return FULL
        return cls(frozenset(Scope(word) for word in text.split()))

    @property
    def full(self) -> bool:
        return self.scopes is None

    def allows(self, scope: Scope) -> bool:
        return self.scopes is None or scope in self.scopes


FULL = Grant()


class InsufficientScope(Forbidden):
    """403 for a call the account may make but the token may not (RFC 6750's
    `insufficient_scope`); `required_scopes` lists the scopes any one of which would do."""

    kind = "insufficient-scope"

    def __init__(self, *needed: Scope, detail: str | None = None, **extensions: Any) -> None:
        names = [s.value for s in needed]
        detail = detail or (
            f"This token lacks the scope this call needs: {' or '.join(names)}."
            if names
            else "This call needs a token with all of the account's powers (sign in with "
            "your password), not a personal access token."
        )
        challenge = 'Bearer error="insufficient_scope"'
        if names:
            challenge += f', scope="{" ".join(names)}"'
        super().__init__(
            detail, headers={"WWW-Authenticate": challenge}, required_scopes=names, **extensions
        )
