"""Domain errors: what went wrong in the domain's words, with the HTTP status it means. They
know nothing of HTTP otherwise; app.problems renders them (as polar does: exceptions here,
exception handlers there)."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


class DomainError(Exception):
    status: int = 400
    kind: str = "bad-request"

    def __init__(
        self, detail: str, *, headers: dict[str, str] | None = None, **extensions: Any
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        self.extensions = extensions


class Unauthorized(DomainError):
    status, kind = 401, "unauthorized"

    def __init__(self, detail: str = "Sign in to do this.", **extensions: Any) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"}, **extensions)


class Forbidden(DomainError):
    status, kind = 403, "forbidden"


class EmailNotVerified(Forbidden):
    """The caller must confirm their email address first (POST /accounts/verify)."""

    kind = "email-not-verified"

    def __init__(
        self, detail: str = "Confirm your email address first: open the link we mailed you."
    ) -> None:
        super().__init__(detail)


class NotFound(DomainError):
    status, kind = 404, "not-found"


class Conflict(DomainError):
    status, kind = 409, "conflict"


class Invalid(DomainError):
    """Well-formed input with invalid values; `errors` follows the validation-error shape."""

    status, kind = 422, "invalid"

    def __init__(self, detail: str, *, loc: Sequence[str | int] = (), **extensions: Any) -> None:
        extensions.setdefault("errors", [{"loc": list(loc), "msg": detail, "type": "value_error"}])
        super().__init__(detail, **extensions)


class TooManyRequests(DomainError):
    status, kind = 429, "too-many-requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


class WrongState(Conflict):
    """Not in the consultation's current lifecycle state; `state` says which it is."""

    def __init__(self, detail: str, *, state: str) -> None:
        super().__init__(detail, state=state)
        self.state = state


class Duplicate(Conflict):
    """Something of the same name already exists (an email, a slug, a topic's title)."""


class Tied(Conflict):
    """Topics tied across the cut line: which ones, so that the caller can include them."""

    def __init__(self, detail: str, *, tied: list[dict[str, Any]]) -> None:
        super().__init__(detail, tied=tied)
        self.tied = tied


class Blocked(Conflict):
    """A move that problems block (finalizing an agenda): every problem, so all can be fixed."""

    def __init__(self, detail: str, *, problems: list[dict[str, Any]]) -> None:
        super().__init__(detail, problems=problems)
        self.problems = problems


@contextmanager
def conflict_on_duplicate(
    session: Session, detail: str, error: type[Conflict] = Duplicate
) -> Iterator[None]:
    """The block in a savepoint: a row that breaks a unique constraint (a race the service's
    own check could not see) is `error(detail)`, and the rest of the transaction stands."""
    try:
        with session.begin_nested():
            yield
    except IntegrityError as exc:
        raise error(detail) from exc
