"""What the OpenAPI document lists as an operation's answers, so that a test can check that
every status a request got is documented ("every error response listed", api.md)."""

import re

from fastapi import FastAPI


def documented_statuses(app: FastAPI, method: str, path: str) -> set[int]:
    """The statuses the document lists for `method` on `path`, a concrete path (`/api/v1/…`,
    ids filled in); the most literal template that matches is the one FastAPI routes to."""
    paths = app.openapi()["paths"]
    for template in sorted(paths, key=lambda t: t.count("{")):
        pattern = "".join(
            "[^/]+" if part.startswith("{") else re.escape(part)
            for part in re.split(r"(\{[^}]+\})", template)
        )
        operation = paths[template].get(method.lower())
        if operation is not None and re.fullmatch(pattern, path.split("?")[0]):
            return {int(status) for status in operation["responses"]}
    raise AssertionError(f"{method} {path} is no operation of the OpenAPI document")
