"""End to end in headless Chromium: a real `consulta serve` process, driven as people would."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.mail import latest_link, mails, outbox_of, query_value
from tests.processes import CHEAP_HASHING, served

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ADMIN = "secretariat@example.org"
PASSWORD = "correct horse battery"
TOPICS = ["Net neutrality", "Cybersecurity", "Digital inclusion", "Zero rating"]
# Ratings of three participants who use the API, per topic: no two topics tie.
OTHERS = [[5, 4, 3, 1], [5, 4, 3, 2], [5, 4, 2, 1]]
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

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (CI installs it)"
)


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[str]:
    env = {"CONSULTA_ADMIN_EMAIL": ADMIN, "CONSULTA_ADMIN_PASSWORD": PASSWORD, **CHEAP_HASHING}
    with served(tmp_path, database_url, env=env) as (base, _):
        yield base


class Api:
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
        body = {
            "email": email,
            "password": PASSWORD,
            "display_name": email.split("@")[0],
            "stakeholder_group": "government",
            "country": "UY",
            "language": language,
        }
        assert self.http.post("/accounts", json=body).status_code == 201
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

    def call(self, method: str, path: str, headers: dict[str, str], **kw: object) -> httpx.Response:
        r = self.http.request(method, path, headers=headers, **kw)  # type: ignore[arg-type]
        assert r.status_code < 300, r.text
        return r


def prepare(api: Api) -> tuple[dict[str, str], str, list[int]]:
    admin = api.token(ADMIN)
    slug = "lacigf-2030"
    api.call(
        "POST",
        "/consultations",
        admin,
        json={
            "slug": slug,
            "title": "LACIGF 2030",
            "forum": "LACIGF",
            "edition": "2030",
            "city": "Montevideo",
            "starts_on": "2030-08-01",
            "ends_on": "2030-08-03",
            "timezone": "America/Montevideo",
            "agenda_size": 2,
            "scale_labels": ["Not relevant", "Slightly", "Relevant", "Very", "Essential"],
            "description": "Which topics should the 2030 forum discuss?",
        },
    )
    ids = [
        api.call("POST", f"/consultations/{slug}/topics", admin, json={"title": t}).json()["id"]
        for t in TOPICS
    ]
    api.call("POST", f"/consultations/{slug}/open", admin)
    for n, scores in enumerate(OTHERS):
        voter = api.register(f"voter{n}@example.org")
        ratings = [{"topic_id": t, "score": s} for t, s in zip(ids, scores, strict=True)]
        api.call("PUT", f"/consultations/{slug}/ballot", voter, json={"ratings": ratings})
    return admin, slug, ids


def test_from_registration_to_the_published_agenda(server: str, database_url: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with Api(server, database_url) as api:
        drive(server, api)


def drive(server: str, api: Api) -> None:
    from playwright.sync_api import expect, sync_playwright

    admin, slug, ids = prepare(api)
    committee_email = "member@example.org"
    api.register(committee_email)
    api.call(
        "POST",
        f"/consultations/{slug}/committee",
        admin,
        json={"name": "Member", "stakeholder_group": "civil_society", "email": committee_email},
    )

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(locale="en-US", viewport={"width": 1100, "height": 900})
        page.set_default_timeout(15_000)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "console",
            lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
        )

        # A community member finds the consultation and registers.
        page.goto(server + "/")
        expect(page.get_by_role("heading", name="Past editions")).to_be_visible()
        page.screenshot(path=ARTIFACTS / "home.png", full_page=True)
        page.get_by_role("link", name="LACIGF 2030").click()
        page.get_by_role("link", name="register", exact=True).click()
        page.get_by_label("Email").fill("ana@example.org")
        page.get_by_label("Password").fill("short")
        page.get_by_label("Name shown to others").fill("Ana Pérez")
        page.get_by_label("Stakeholder group").select_option("civil_society")
        page.get_by_label("Country code").fill("PA")
        page.get_by_role("button", name="Create my account").click()
        expect(page.locator("#password-error")).to_contain_text("at least 10 characters")
        page.screenshot(path=ARTIFACTS / "register-errors.png", full_page=True)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Create my account").click()
        expect(page).to_have_url(re.compile(f"/c/{slug}$"))
        expect(page.locator(".who")).to_contain_text("Ana Pérez")

        # She is asked to confirm her email, and does so from the mailed link.
        expect(page.locator("#unverified")).to_contain_text("ana@example.org")
        page.screenshot(path=ARTIFACTS / "unverified.png", full_page=True)
        assert api.mail("ana@example.org")["subject"] == "Confirm your email address"
        page.goto(api.link("ana@example.org", "/verify"))
        page.get_by_role("button", name="Confirm my email address").click()
        expect(page.locator("#verified")).to_contain_text("Your email address is confirmed")
        expect(page.locator("#unverified")).to_have_count(0)
        page.goto(f"{server}/c/{slug}")

        # Rates one topic with the keyboard and one with the mouse, then saves.
        page.focus(f"#t{ids[0]}-none")
        for _ in range(4):
            page.keyboard.press("ArrowRight")
        expect(page.locator(f"#t{ids[0]}-4")).to_be_checked()
        page.locator(f"label[for='t{ids[1]}-5']").click()
        page.get_by_role("button", name="Save my ballot").click()
        saved = page.locator("#saved")
        expect(saved).to_contain_text("Your ballot is saved")
        expect(saved).to_contain_text("Net neutrality: Very")
        expect(saved).to_contain_text("Cybersecurity: Essential")
        expect(page.locator(f"#t{ids[2]}-none")).to_be_checked()
        receipt = page.locator("#ballot-key").inner_text()
        assert re.fullmatch(r"[0-9a-f]{32}", receipt)
        page.screenshot(path=ARTIFACTS / "consultation.png", full_page=True)

        # The secretariat closes the consultation; the results are public.
        api.call("POST", f"/consultations/{slug}/close", admin)
        page.get_by_role("link", name="Results").first.click()
        bars = page.locator("svg rect.bar")
        expect(bars).to_have_count(len(TOPICS))
        order = [int(bars.nth(i).get_attribute("data-topic-id") or 0) for i in range(len(TOPICS))]
        assert order == ids
        page.get_by_label("Head-to-head (Schulze)").check()
        page.get_by_role("button", name="Show the ranking").click()
        expect(page).to_have_url(re.compile("method=schulze"))
        expect(bars).to_have_count(len(TOPICS))
        page.screenshot(path=ARTIFACTS / "results.png", full_page=True)

        # A committee member builds and publishes the agenda.
        page.get_by_role("button", name="Sign out").click()
        page.goto(f"{server}/c/{slug}/committee")
        expect(page).to_have_url(re.compile("/login"))
        page.get_by_label("Email").fill(committee_email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(re.compile(f"/c/{slug}/committee$"))
        expect(page.locator("tr.cut")).to_have_count(1)
        page.get_by_role("button", name="Create sessions").click()
        expect(page.locator("#sessions li")).to_have_count(2)
        expect(page.locator("#blocking")).to_be_visible()
        page.screenshot(path=ARTIFACTS / "committee.png", full_page=True)

        people = [
            ("moderator", "María Gómez", "UY"),
            ("panelist", "João Souza", "BR"),
            ("panelist", "Carlos Díaz", "PA"),
        ]
        for n, title in enumerate(TOPICS[:2]):
            page.get_by_role("link", name=title).click()
            page.get_by_label("Format").select_option("roundtable")
            page.get_by_label("Starts at").fill(f"2030-08-02T{9 + 2 * n:02d}:00")
            page.get_by_label("Ends at").fill(f"2030-08-02T{10 + 2 * n:02d}:30")
            page.get_by_label("Room", exact=True).fill("Sala Maldonado")
            page.get_by_label("Key questions").fill("Who decides?\nHow do we measure it?")
            for i, (role, name, country) in enumerate(people):
                row = page.locator(f"#person-{i}")
                row.get_by_label("Role").select_option(role)
                row.get_by_label("Name").fill(name if n == 0 else f"{name} {n}")
                row.get_by_label("Country code").fill(country)
            page.get_by_role("button", name="Save the session").click()
            expect(page.locator("#saved")).to_be_visible()
            if n == 0:
                page.screenshot(path=ARTIFACTS / "session-editor.png", full_page=True)
            page.get_by_role("link", name="Back to the committee workspace").click()
        expect(page.locator("#no-blocking")).to_be_visible()
        page.get_by_role("button", name="Finalize and publish the agenda").click()
        expect(page).to_have_url(re.compile(f"/c/{slug}/agenda$"))

        # Anyone sees the published agenda, in Spanish too.
        visitor = browser.new_page(locale="es-PA")
        visitor.goto(f"{server}/c/{slug}/agenda")
        expect(visitor.locator("html")).to_have_attribute("lang", "es")
        session = visitor.locator("li.session").first
        expect(session).to_contain_text("Net neutrality")
        expect(session).to_contain_text("Moderación")
        expect(session).to_contain_text("María Gómez")
        expect(session).to_contain_text("Who decides?")
        expect(session).to_contain_text("Sala Maldonado")
        expect(visitor.get_by_role("link", name=re.compile("agenda.ics"))).to_be_visible()
        visitor.screenshot(path=ARTIFACTS / "agenda-es.png", full_page=True)
        visitor.get_by_role("button", name="English").click()
        expect(visitor.locator("html")).to_have_attribute("lang", "en")

        reset_password(browser, server, api, "ana@example.org", "Ana Pérez", "en-US")
        verify_and_reset_in_spanish(browser, server, api)
        browser.close()
    assert errors == []  # no script error and no Content Security Policy violation


def reset_password(browser: Any, server: str, api: Api, email: str, name: str, locale: str) -> None:
    """Forgot the password: ask for a link on the sign-in page, follow it, choose a new one."""
    from playwright.sync_api import expect

    spanish = locale.startswith("es")
    page = browser.new_page(locale=locale)
    page.goto(f"{server}/login")
    page.get_by_role(
        "link", name="¿Olvidó su contraseña?" if spanish else "Forgot your password?"
    ).click()
    page.locator("#email").fill(email)
    page.get_by_role("button", name="Enviarme un enlace" if spanish else "Mail me a link").click()
    expect(page.locator("#sent")).to_be_visible()
    subject = api.mail(email)["subject"]
    assert subject == ("Restablezca su contraseña" if spanish else "Reset your password")
    page.goto(api.link(email, "/reset-password"))
    page.locator("#password").fill("my new password 2030")
    page.screenshot(path=ARTIFACTS / f"reset-password-{locale[:2]}.png", full_page=True)
    page.get_by_role(
        "button", name="Guardar mi nueva contraseña" if spanish else "Save my new password"
    ).click()
    expect(page.locator("#reset-done")).to_be_visible()
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión" if spanish else "Sign in").last.click()
    expect(page.locator(".form-error")).to_be_visible()  # the old password no longer works
    page.locator("#password").fill("my new password 2030")
    page.get_by_role("button", name="Iniciar sesión" if spanish else "Sign in").last.click()
    expect(page.locator(".who")).to_contain_text(name)
    page.close()


def verify_and_reset_in_spanish(browser: Any, server: str, api: Api) -> None:
    """A Spanish speaker signs in unverified, has the link mailed again, confirms, then resets
    a forgotten password: every page and mail in Spanish."""
    from playwright.sync_api import expect

    email = "beto@example.org"
    api.register(email, verified=False, language="es")
    page = browser.new_page(locale="es-PA")
    page.goto(f"{server}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").last.click()
    banner = page.locator("#unverified")
    expect(banner).to_contain_text("Confirme su dirección de correo")
    first_link = api.link(email, "/verify")
    banner.get_by_role("button", name="Enviarme un nuevo enlace").click()
    expect(page.locator("#sent")).to_contain_text("Un nuevo enlace va en camino")
    assert api.mail(email)["subject"] == "Confirme su dirección de correo"
    page.goto(first_link)  # the earlier link no longer works
    page.get_by_role("button", name="Confirmar mi dirección de correo").click()
    expect(page.locator(".form-error")).to_contain_text("Este enlace es desconocido")
    page.goto(api.link(email, "/verify"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_role("button", name="Confirmar mi dirección de correo").click()
    expect(page.locator("#verified")).to_contain_text("Su dirección de correo está confirmada")
    expect(page.locator("#unverified")).to_have_count(0)
    page.screenshot(path=ARTIFACTS / "verified-es.png", full_page=True)
    page.get_by_role("button", name="Cerrar sesión").click()
    page.close()
    reset_password(browser, server, api, email, "beto", "es-PA")
