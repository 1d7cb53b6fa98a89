"""End to end in headless Chromium: a real `consulta serve` process on a first run (no
administrator yet), driven as people would.

- The secretariat's whole flow, in English and in Spanish: the one-time setup link, a new
  consultation, its topics, open, a participant rating, the committee seated, close, results,
  sessions, finalize behind its confirmation page.
- Every page, in both languages, at 1280 and 390 px: no serious or critical accessibility
  violation (axe-core, WCAG 2.2 AA), never wider than the screen, a screenshot of each in
  test-artifacts/pages/ (NAME-LANG-WIDTH.png).
- /docs works with every request to another host blocked.

One server and one browser for the module; the tests share them (each makes its own
consultation)."""

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.databases import Databases
from tests.processes import CHEAP_HASHING, served
from tests.web.browsing import ADMIN, ARGS, ARTIFACTS, BROWSER_MODULE, CHROMIUM, PASSWORD, Api
from tests.web.html import csrf

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
LONG_WORD = "Interoperabilidaddelossistemasdeidentificacióndigitaltransfronterizos" * 2
TOPICS = ["Net neutrality", "Cybersecurity", "Digital inclusion", f"Zero rating {LONG_WORD}"]
# Ratings of three participants who use the API, per topic: no two topics tie.
OTHERS = [[5, 4, 3, 1], [5, 4, 3, 2], [5, 4, 2, 1]]
LEVELS = "Not relevant\nSlightly\nRelevant\nVery\nEssential"
WIDTHS = (1280, 390)
AXE_SOURCE = AXE.read_text() if AXE.exists() else ""
BLOCKING_IMPACTS = ("serious", "critical")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

LOGIN = {
    "en": ("Email", "Password", "Sign in"),
    "es": ("Correo electrónico", "Contraseña", "Iniciar sesión"),
}


pytestmark = BROWSER_MODULE


@dataclass
class Server:
    base: str
    database_url: str
    setup_link: str
    admin_made: bool = False

    def ensure_admin(self) -> None:
        """The administrator from the setup link, unless the English flow made it already."""
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
def api(server: Server) -> Iterator[Api]:
    with Api(server.base, server.database_url) as client:
        yield client


def new_page(browser: Any, locale: str, errors: list[str], width: int = 1100) -> Any:
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


def test_the_secretariat_runs_a_consultation_from_the_pages(
    server: Server, browser: Any, api: Api
) -> None:
    from playwright.sync_api import expect

    base, slug = server.base, "lacigf-2030"
    errors: list[str] = []
    page = new_page(browser, "en-US", errors)

    # First run: the link printed by `consulta serve` creates the administrator.
    page.goto(base + server.setup_link)
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create the administrator").click()
    server.admin_made = True
    expect(page).to_have_url(re.compile("/consultations/new$"))
    expect(page.locator("#flash")).to_contain_text("administrator account is ready")

    # A new consultation, every setting explained on the form.
    page.get_by_label("Title", exact=True).fill("LACIGF 2030")
    page.get_by_label("Address").fill(slug)
    page.get_by_label("Forum").fill("LACIGF")
    page.get_by_label("Edition").fill("2030")
    page.get_by_label("City").fill("Montevideo")
    page.get_by_label("Country").select_option("UY")
    page.get_by_label("First day").fill("2030-08-01")
    page.get_by_label("Last day").fill("2030-08-03")
    page.get_by_label("Time zone").fill("America/Montevideo")
    page.get_by_label("Names of the levels (optional)").fill(LEVELS)
    page.get_by_label("Sessions on the agenda").fill("2")
    page.get_by_role("button", name="Create the consultation").click()
    expect(page).to_have_url(re.compile(f"/c/{slug}/topics$"))
    expect(page.locator("#flash")).to_contain_text("created as a draft")

    # Topics: added, reordered, one edited.
    for title in TOPICS:
        page.get_by_label("Title", exact=True).fill(title)
        page.get_by_role("button", name="Add the topic").click()
        expect(page.locator("#flash")).to_contain_text("topic is added")
    for title in ("Cybersecurity", "Net neutrality"):  # C N D Z, then N C D Z
        page.get_by_role("button", name=f"Move up: {title}").click()
        expect(page.locator("#flash")).to_contain_text("new order")
    page.get_by_role("link", name="Edit: Cybersecurity").click()
    page.get_by_label("Description (optional)").fill("Incidents, response and trust.")
    page.get_by_role("button", name="Save the topic").click()
    expect(page.locator("#flash")).to_contain_text("topic is saved")
    items = api.http.get(f"/consultations/{slug}/topics", headers=api.token(ADMIN)).json()
    assert [t["title"] for t in items["items"]] == TOPICS
    ids = {t["title"]: t["id"] for t in items["items"]}

    # Open, behind its confirmation page.
    page.get_by_role("link", name="Manage", exact=True).click()
    page.get_by_role("link", name="Open the consultation…").click()
    expect(page.locator("#consequences")).to_contain_text("can no longer change")
    page.get_by_role("button", name="Open the consultation").click()
    expect(page.locator("#flash")).to_contain_text("consultation is open")

    for n, scores in enumerate(OTHERS):
        voter = api.register(f"voter{n}@example.org")
        ratings = [{"topic_id": ids[t], "score": s} for t, s in zip(TOPICS, scores, strict=True)]
        api.call("PUT", f"/consultations/{slug}/ballot", voter, json={"ratings": ratings})

    # A participant registers (a country from the list) and rates with the keyboard.
    visitor = new_page(browser, "en-US", errors)
    visitor.goto(f"{base}/c/{slug}")
    visitor.get_by_role("link", name="register", exact=True).click()
    visitor.get_by_label("Email").fill("ana@example.org")
    visitor.get_by_label("Password").fill("short")
    visitor.get_by_label("Name shown to others").fill("Ana Pérez")
    visitor.get_by_label("Stakeholder group").select_option("civil_society")
    visitor.get_by_label("Country").select_option(label="Panama")
    visitor.get_by_role("button", name="Create my account").click()
    expect(visitor.locator("#password-error")).to_contain_text("at least 10 characters")
    visitor.get_by_label("Password").fill(PASSWORD)
    visitor.get_by_role("button", name="Create my account").click()
    expect(visitor).to_have_url(re.compile(f"/c/{slug}$"))
    expect(visitor.locator(".who")).to_contain_text("Ana Pérez")

    # She is asked to confirm her address, and does so from the mailed link.
    expect(visitor.locator("#unverified")).to_contain_text("ana@example.org")
    assert api.mail("ana@example.org")["subject"] == "Confirm your email address"
    visitor.goto(api.link("ana@example.org", "/verify"))
    visitor.get_by_role("button", name="Confirm my email address").click()
    expect(visitor.locator("#verified")).to_contain_text("Your email address is confirmed")
    expect(visitor.locator("#unverified")).to_have_count(0)
    visitor.goto(f"{base}/c/{slug}")
    expect(visitor.locator("#progress")).to_contain_text("rated 0 of 4")
    first = ids[TOPICS[0]]
    visitor.focus(f"#t{first}-none")
    for _ in range(4):
        visitor.keyboard.press("ArrowRight")
    expect(visitor.locator(f"#t{first}-4")).to_be_checked()
    visitor.locator(f"label[for='t{ids[TOPICS[1]]}-5']").click()
    visitor.get_by_role("button", name="Save my ballot").click()
    expect(visitor.locator("#saved")).to_contain_text("Net neutrality: Very")
    expect(visitor.locator("#progress")).to_contain_text("rated 2 of 4")
    expect(visitor.locator("nav.local")).not_to_contain_text("Results")
    expect(visitor.locator("#results-later")).to_be_visible()
    visitor.context.close()

    # The committee: a member linked to an account.
    api.register("member@example.org")
    page.get_by_role("link", name="Manage", exact=True).click()
    page.get_by_role("link", name="Program committee").click()
    page.get_by_label("Name", exact=True).fill("María Gómez")
    page.get_by_label("Stakeholder group").select_option("civil_society")
    page.get_by_label("Country (optional)").select_option("UY")
    page.get_by_label("Email of their account (optional)").fill("member@example.org")
    page.get_by_role("button", name="Seat the member").click()
    expect(page.locator("#flash")).to_contain_text("seated")
    expect(page.locator("#group-civil_society")).to_contain_text("María Gómez (Uruguay)")

    # Close, behind its confirmation page; the results are public.
    page.get_by_role("link", name="Manage", exact=True).click()
    page.get_by_role("link", name="Close the consultation…").click()
    expect(page.locator("#consequences")).to_contain_text("become public")
    page.get_by_role("button", name="Close the consultation").click()
    expect(page.locator("#flash")).to_contain_text("consultation is closed")
    page.get_by_role("link", name="Results", exact=True).click()
    bars = page.locator("li.bar-row")
    expect(bars).to_have_count(len(TOPICS))
    page.get_by_label("Scoring method", exact=True).select_option("schulze")
    page.get_by_role("button", name="Show the ranking").click()
    expect(page).to_have_url(re.compile("method=schulze"))
    expect(page.locator("#axis-title")).to_contain_text("Head-to-head")

    # Sessions from the ranking, completed in the editor, then finalize with confirmation.
    page.get_by_role("link", name="Committee workspace").click()
    expect(page.locator("tr.cut")).to_have_count(1)
    page.get_by_role("button", name="Create sessions").click()
    expect(page.locator("ol.sessions > li")).to_have_count(2)
    expect(page.locator("#finalize-link")).to_have_count(0)  # blocking problems
    people = [("moderator", "María Gómez", "UY"), ("panelist", "João Souza", "BR")]
    for n in range(2):
        page.locator("ol.sessions > li a").nth(n).click()
        page.get_by_label("Format").select_option("roundtable")
        page.get_by_label("Starts at").fill(f"2030-08-02T{9 + 2 * n:02d}:00")
        page.get_by_label("Ends at").fill(f"2030-08-02T{10 + 2 * n:02d}:30")
        page.get_by_label("Room", exact=True).fill("Sala Maldonado")
        page.get_by_label("Key questions", exact=True).fill("Who decides?\nHow do we measure it?")
        for i, (role, name, country) in enumerate(people):
            row = page.locator(f"#person-{i}")
            row.get_by_label("Role").select_option(role)
            row.get_by_label("Name").fill(name if n == 0 else f"{name} {n}")
            row.get_by_label("Country").select_option(country)
        page.get_by_role("button", name="Save the session").click()
        expect(page.locator("#saved")).to_be_visible()
        page.get_by_role("link", name="Back to the committee workspace").click()
    expect(page.locator("#no-blocking")).to_be_visible()
    page.locator("#finalize-link").click()
    expect(page.locator("#consequences")).to_contain_text("cannot be reopened")
    page.get_by_role("button", name="Finalize and publish the agenda").click()
    expect(page).to_have_url(re.compile(f"/c/{slug}/agenda$"))
    expect(page.locator("#flash")).to_contain_text("finalized and published")
    session = page.locator("li.session").first
    expect(session).to_contain_text("María Gómez (Uruguay)")
    expect(page.locator("#zone")).to_contain_text("Uruguay")
    page.context.close()
    assert errors == []  # no script error and no Content Security Policy violation


def test_la_secretaria_gestiona_una_consulta_en_espanol(server: Server, browser: Any) -> None:
    from playwright.sync_api import expect

    server.ensure_admin()
    base, slug = server.base, "lacigf-2031"
    errors: list[str] = []
    page = new_page(browser, "es-PA", errors)
    sign_in(page, base, ADMIN, labels=LOGIN["es"])
    page.get_by_role("link", name="Nueva consulta").click()
    page.get_by_label("Título", exact=True).fill("LACIGF 2031")
    page.get_by_label("Dirección").fill(slug)
    page.get_by_label("Foro").fill("LACIGF")
    page.get_by_label("Edición").fill("2031")
    page.get_by_label("País").select_option(label="Paraguay")
    page.get_by_label("Partir de los temas de").select_option("lacigf-2017")
    page.get_by_role("button", name="Crear la consulta").click()
    expect(page.locator("#flash")).to_contain_text("creada como borrador")
    expect(page.locator("ol.topic-list > li").first).to_be_visible()

    page.get_by_role("link", name="Gestionar", exact=True).click()
    page.get_by_role("link", name="Abrir la consulta…").click()
    page.get_by_role("button", name="Abrir la consulta").click()
    expect(page.locator("#flash")).to_contain_text("está abierta")

    page.get_by_role("link", name="Comité del programa").click()
    page.get_by_label("Nombre", exact=True).fill("Carlos Díaz")
    page.get_by_label("Sector", exact=True).select_option("government")
    page.get_by_role("button", name="Nombrar al miembro").click()
    expect(page.locator("#flash")).to_contain_text("nombrado")

    page.get_by_role("link", name="Gestionar", exact=True).click()
    page.get_by_role("link", name="Cerrar la consulta…").click()
    page.get_by_role("button", name="Cerrar la consulta").click()
    expect(page.locator("#flash")).to_contain_text("está cerrada")

    page.get_by_role("link", name="Espacio del comité", exact=True).click()
    page.get_by_label("Título de la nueva sesión").fill("Sesión de apertura")
    page.get_by_role("button", name="Agregar la sesión").click()
    expect(page.locator("#flash")).to_contain_text("sesión está agregada")
    for i, (role, name) in enumerate([("moderator", "Ana"), ("panelist", "Bruno")]):
        row = page.locator(f"#person-{i}")
        row.get_by_label("Rol").select_option(role)
        row.get_by_label("Nombre").fill(name)
    page.get_by_role("button", name="Guardar la sesión").click()
    page.get_by_role("link", name="Volver al espacio del comité").click()
    page.get_by_role("link", name="Finalizar y publicar la agenda…").click()
    expect(page.locator("#consequences")).to_contain_text("no se puede reabrir")
    page.get_by_role("button", name="Finalizar y publicar la agenda").click()
    expect(page.locator("#flash")).to_contain_text("finalizada y publicada")
    expect(page.locator("li.session")).to_contain_text("Sesión de apertura")
    page.context.close()
    assert errors == []


def test_people_confirm_their_address_and_reset_a_forgotten_password(
    server: Server, browser: Any, api: Api
) -> None:
    server.ensure_admin()
    errors: list[str] = []
    api.register("carla@example.org")
    reset_password(browser, server.base, api, "carla@example.org", "carla", "en-US", errors)
    verify_and_reset_in_spanish(browser, server.base, api, errors)
    assert errors == []


def reset_password(
    browser: Any, server: str, api: Api, email: str, name: str, locale: str, errors: list[str]
) -> None:
    """Forgot the password: ask for a link on the sign-in page, follow it, choose a new one."""
    from playwright.sync_api import expect

    spanish = locale.startswith("es")
    page = new_page(browser, locale, errors)
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
    page.context.close()


def verify_and_reset_in_spanish(browser: Any, server: str, api: Api, errors: list[str]) -> None:
    """A Spanish speaker signs in unverified, has the link mailed again, confirms, then resets
    a forgotten password: every page and mail in Spanish."""
    from playwright.sync_api import expect

    email = "beto@example.org"
    api.register(email, verified=False, language="es")
    page = new_page(browser, "es-PA", errors)
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
    page.context.close()
    reset_password(browser, server, api, email, "beto", "es-PA", errors)


def audit_page(page: Any, name: str, lang: str, width: int) -> list[str]:
    """axe-core's serious and critical violations on the page (at the wide width: the same
    markup at 390 px), its overflow at this width, and a screenshot. axe is evaluated over
    the devtools protocol, which the pages' CSP (no inline script) does not apply to."""
    problems = []
    violations = []
    if width == max(WIDTHS):
        page.evaluate(AXE_SOURCE + "\n;0")
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        violations = result["violations"]
    for violation in violations:
        if violation["impact"] in BLOCKING_IMPACTS:
            targets = [str(node["target"]) for node in violation["nodes"]][:3]
            problems.append(f"{name} {lang} {width}: {violation['id']} {targets}")
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide > width:
        problems.append(f"{name} {lang} {width}: the page is {wide}px wide")
    folder = ARTIFACTS / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / f"{name}-{lang}-{width}.png", full_page=True)
    return problems


def world_for_the_audit(api: Api) -> tuple[str, str, int]:
    """An open consultation with a long unbroken word, its ballots, and a closed one with
    sessions; returns their slugs and a session id."""
    admin = api.token(ADMIN)
    slugs = ("audit-open", "audit-closed")
    for slug in slugs:
        api.call(
            "POST",
            "/consultations",
            admin,
            json={
                "slug": slug,
                "title": f"Audit {LONG_WORD}",
                "forum": "LACIGF",
                "edition": "2032",
                "description": f"A description with {LONG_WORD}.",
                "starts_on": "2032-08-01",
                "ends_on": "2032-08-03",
                "timezone": "America/Panama",
                "closes_at": "2032-07-20T23:00:00Z",
                "agenda_size": 2,
                "scale_labels": LEVELS.split("\n"),
            },
        )
        for title in TOPICS:
            api.call("POST", f"/consultations/{slug}/topics", admin, json={"title": title})
        api.call("POST", f"/consultations/{slug}/open", admin)
    for n, scores in enumerate(OTHERS):
        voter = api.token(f"voter{n}@example.org")
        for slug in slugs:
            topics = api.http.get(f"/consultations/{slug}/topics", headers=admin).json()
            ratings = [
                {"topic_id": t["id"], "score": s}
                for t, s in zip(topics["items"], scores, strict=True)
            ]
            api.call("PUT", f"/consultations/{slug}/ballot", voter, json={"ratings": ratings})
    api.call("POST", f"/consultations/{slugs[1]}/close", admin)
    made = api.call("POST", f"/consultations/{slugs[1]}/agenda/from-ranking", admin, json={}).json()
    return slugs[0], slugs[1], made["items"][0]["id"]


def test_every_page_is_accessible_fits_390_px_and_is_photographed(
    server: Server, browser: Any, api: Api
) -> None:
    server.ensure_admin()
    for n in range(len(OTHERS)):
        if (
            api.http.post(
                "/auth/token", data={"username": f"voter{n}@example.org", "password": PASSWORD}
            ).status_code
            != 200
        ):
            api.register(f"voter{n}@example.org")
    opened, closed, session_id = world_for_the_audit(api)
    hook = api.call(
        "POST",
        "/webhooks",
        api.token(ADMIN),
        json={"url": "http://127.0.0.1:9/unreachable", "events": ["consultation.closed"]},
    ).json()
    api.call("POST", f"/webhooks/{hook['id']}/test", api.token(ADMIN))
    admin_pages = {
        "home": "/",
        "new-consultation": "/consultations/new",
        "consultation-open": f"/c/{opened}",
        "results-live-committee": f"/c/{opened}/results",
        "results": f"/c/{closed}/results",
        "results-2017": "/c/lacigf-2017/results",
        "agenda-draft": f"/c/{closed}/agenda",
        "agenda-2017": "/c/lacigf-2017/agenda",
        "committee": f"/c/{closed}/committee",
        "session-editor": f"/c/{closed}/committee/sessions/{session_id}",
        "finalize-blocked": f"/c/{closed}/committee/finalize",
        "manage": f"/c/{closed}/manage",
        "settings": f"/c/{opened}/settings",
        "topics": f"/c/{opened}/topics",
        "seats": f"/c/{closed}/seats",
        "audit-log": f"/c/{closed}/audit",
        "webhooks": "/admin/webhooks",
        "webhook-deliveries": f"/admin/webhooks/{hook['id']}",
        "close-confirmation": f"/c/{opened}/close",
        "reopen-confirmation": f"/c/{closed}/reopen",
        "not-found": "/no/such/page",
    }
    visitor_pages = {
        "login": "/login",
        "register": "/register",
        "forgot-password": "/forgot-password",
        "reset-password": "/reset-password?token=unknown",
        "verify": "/verify?token=unknown",
        "tokens": "/account/tokens",
        "receipt-help": "/help/receipt",
        "consultation-ballot": f"/c/{opened}",
        "results-not-yet": f"/c/{opened}/results",
        "setup-spent": "/setup?token=spent",
    }
    unverified = "unconfirmed@example.org"
    if api.http.post("/auth/token", data={"username": unverified, "password": PASSWORD}).is_error:
        api.register(unverified, verified=False)
    people = [
        ("voter0@example.org", visitor_pages),
        (unverified, {"consultation-unverified": f"/c/{opened}"}),
        (ADMIN, admin_pages),
    ]
    problems: list[str] = []
    errors: list[str] = []
    for lang, locale in (("en", "en-US"), ("es", "es-PA")):
        for width in WIDTHS:
            for email, pages in people:
                page = new_page(browser, locale, errors, width=width)
                sign_in(page, server.base, email, labels=LOGIN[lang])
                for name, path in pages.items():
                    page.goto(server.base + path)
                    problems += audit_page(page, name, lang, width)
                page.context.close()
    assert problems == []
    assert errors == []


def test_the_api_docs_work_offline(server: Server, browser: Any) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, "en-US", [])
    elsewhere: list[str] = []

    def only_this_server(route: Any) -> None:
        if route.request.url.startswith(server.base):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    page.goto(f"{server.base}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Consulta")
    expect(page.get_by_text("/api/v1/consultations/{slug}/ballot").first).to_be_visible()
    page.goto(f"{server.base}/redoc")
    # ReDoc renders the whole document in the browser before its first heading appears: on a
    # busy two-core machine that took more than expect()'s default five seconds.
    expect(page.locator("h1").first).to_contain_text("Consulta", timeout=30_000)
    page.context.close()
    assert elsewhere == []


@pytest.fixture(scope="module", autouse=True)
def axe_installed() -> None:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing: npm ci --prefix tests/web/axe")
        pytest.skip("axe-core is not installed: npm ci --prefix tests/web/axe")
