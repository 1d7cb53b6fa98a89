"""What the browser tests share: Debian's chromium, a served process on a first run, the
people they sign in as, the interface's words in each language (from the pages' own
catalogues), and an API client that registers people and confirms their addresses from the
mails in the outbox.

The `server`, `browser` and `api` fixtures are module-scoped: a module that imports them gets
its own served process and browser (pytest-xdist runs a module on one worker), and its tests
share them (each makes its own consultation)."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.web.i18n import translations
from tests.databases import Databases
from tests.mail import latest_link, mails, outbox_of, query_value
from tests.processes import CHEAP_HASHING, served
from tests.web.html import csrf

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
# The browser's locale per interface language (it sends Accept-Language from it).
LOCALES = {"en": "en-US", "es": "es-PA", "pt": "pt-BR", "fr": "fr-HT"}


def words(lang: str) -> Callable[[str], str]:
    """The interface's words in `lang` as the pages say them (their catalogue): a test names
    a button or a label by its English message, so it follows the translations."""
    return translations(lang).gettext


def login_labels(lang: str) -> tuple[str, str, str]:
    """The sign-in form's email and password labels and its button, in `lang`."""
    say = words(lang)
    return say("Email"), say("Password"), say("Sign in")


LOGIN = {lang: login_labels(lang) for lang in LOCALES}


@dataclass
class Server:
    base: str
    database_url: str
    setup_link: str
    admin_made: bool = False

    def ensure_admin(self) -> None:
        """The administrator from the setup link, unless a test made it already."""
        if self.admin_made:
            return
        with httpx.Client(base_url=self.base) as http:
            page = http.get(self.setup_link)
            form = {"csrf_token": csrf(page.text), "token": self.setup_link.split("=", 1)[1]}
            form |= {"email": ADMIN, "display_name": "", "password": PASSWORD}
            assert http.post("/setup", data=form).status_code == 303
        self.admin_made = True


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Server]:
    """`consulta serve` on a fresh database, with the one-time setup link it printed."""
    url, handle = databases.fresh()
    workdir = tmp_path_factory.mktemp("served")
    with served(workdir, url, env=CHEAP_HASHING) as (base, process):
        assert process.stdout is not None
        line = ""
        while "/setup?token=" not in line:
            line = process.stdout.readline()
            assert line, "consulta serve printed no setup link"
        link = "/setup?" + line.strip().split("/setup?", 1)[1]
        yield Server(base, url, link)
    databases.drop(handle)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def api(server: Server) -> Iterator["Api"]:
    with Api(server.base, server.database_url) as client:
        yield client


def new_page(browser: Any, locale: str, errors: list[str], width: int = 1100) -> Any:
    """A page in a new context (its own cookies) that records script errors and Content
    Security Policy violations in `errors`."""
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return page


def sign_in(page: Any, base: str, email: str, *, labels: tuple[str, str, str]) -> None:
    email_label, password_label, button = labels
    page.goto(f"{base}/login")
    page.get_by_label(email_label).fill(email)
    page.get_by_label(password_label).fill(PASSWORD)
    page.get_by_role("button", name=button, exact=True).click()


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
