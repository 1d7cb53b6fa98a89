"""What the browser tests share: Debian's chromium, the people they sign in as, and an API
client that registers people and confirms their addresses from the mails in the outbox."""

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.mail import latest_link, mails, outbox_of, query_value

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ADMIN = "secretariat@example.org"
PASSWORD = "correct horse battery"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (CI installs it)"
)
# Chromium sees the same HTML whichever database the server runs on, and every page handler
# also runs on PostgreSQL in the ASGI page tests: the browser modules run in the SQLite pass.
BROWSER_MODULE = [needs_chromium, pytest.mark.sqlite_pass_only]


class Api:
    """The served process's JSON API, and the mails it queued (read from its database)."""

    def __init__(self, base: str, database_url: str) -> None:
        self.http = httpx.Client(base_url=f"{base}/api/v1", timeout=30)
        self.database_url = database_url

    def __enter__(self) -> "Api":
        return self

    def __exit__(self, *_: object) -> None:
        self.http.close()

    def token(self, email: str) -> dict[str, str]:
        r = self.http.post("/auth/token", data={"username": email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    def register(
        self, email: str, *, verified: bool = True, language: str = "en"
    ) -> dict[str, str]:
        """A new account; confirmed from the mailed link unless `verified` is false."""
        body = {
            "email": email,
            "password": PASSWORD,
            "display_name": email.split("@")[0],
            "stakeholder_group": "government",
            "country": "UY",
            "language": language,
        }
        r = self.http.post("/accounts", json=body)
        assert r.status_code == 201, r.text
        if verified:
            token = query_value(self.link(email, "/verify"), "token")
            assert self.http.post("/accounts/verify", json={"token": token}).status_code == 200
        return self.token(email)

    def mail(self, email: str) -> dict[str, Any]:
        """The last mail sent to `email`."""
        with outbox_of(self.database_url) as sessions:
            return mails(sessions, email)[-1]

    def link(self, email: str, path: str) -> str:
        """The last link to `path` mailed to `email` (it points at the served process)."""
        with outbox_of(self.database_url) as sessions:
            return latest_link(sessions, email, path)

    def call(self, method: str, path: str, headers: dict[str, str], **kw: Any) -> httpx.Response:
        r = self.http.request(method, path, headers=headers, **kw)
        assert r.status_code < 300, r.text
        return r
