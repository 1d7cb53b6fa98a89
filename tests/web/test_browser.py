"""End to end in headless Chromium: a real `consulta serve` process on a first run (no
administrator yet), driven as people would.

- The secretariat's whole flow in English: the one-time setup link, a new consultation, its
  topics, open, a participant rating, the committee seated, close, results, sessions,
  finalize behind its confirmation page; and a shorter one in Spanish, Portuguese and French,
  naming every label, button and link by the pages' own catalogue for that language.
- People confirm their address and reset a forgotten password, in English and in Spanish.
- /docs works with every request to another host blocked.

Every page's accessibility audit, in the four languages, is in test_browser_audit_en_es.py
and test_browser_audit_pt_fr.py (tests/web/auditing.py). One server and one browser for the
module (tests/web/browsing.py); the tests share them (each makes its own consultation)."""

import re
from typing import Any

import pytest

from app.web.labels import FLASHES
from tests.web import browsing
from tests.web.auditing import LEVELS, OTHERS, TOPICS
from tests.web.browsing import (
    ADMIN,
    ARTIFACTS,
    BROWSER_MODULE,
    LOCALES,
    LOGIN,
    PASSWORD,
    Api,
    Server,
    new_page,
    sign_in,
    words,
)

# The module's own served process, browser and API client (module-scoped fixtures).
server, browser, api = browsing.server, browsing.browser, browsing.api
pytestmark = BROWSER_MODULE


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


@pytest.mark.parametrize(("lang", "year"), [("es", 2031), ("pt", 2033), ("fr", 2034)])
def test_the_secretariat_runs_a_shorter_flow_in_another_language(
    server: Server, browser: Any, api: Api, lang: str, year: int
) -> None:
    from playwright.sync_api import expect

    server.ensure_admin()
    base, slug, _ = server.base, f"lacigf-{year}", words(lang)
    errors: list[str] = []
    page = new_page(browser, LOCALES[lang], errors)
    sign_in(page, base, ADMIN, labels=LOGIN[lang])
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.get_by_role("link", name=_("New consultation")).click()
    page.get_by_label(_("Title"), exact=True).fill(f"LACIGF {year}")
    page.get_by_label(_("Address"), exact=True).fill(slug)
    page.get_by_label(_("Forum"), exact=True).fill("LACIGF")
    page.get_by_label(_("Edition"), exact=True).fill(str(year))
    page.get_by_label(_("Country"), exact=True).select_option("PY")
    page.get_by_label(_("Start the topics from")).select_option("lacigf-2017")
    page.get_by_role("button", name=_("Create the consultation")).click()
    expect(page.locator("#flash")).to_contain_text(_(FLASHES["consultation-created"]))
    expect(page.locator("ol.topic-list > li").first).to_be_visible()

    page.get_by_role("link", name=_("Manage"), exact=True).click()
    page.get_by_role("link", name=_("Open the consultation…")).click()
    page.get_by_role("button", name=_("Open the consultation"), exact=True).click()
    expect(page.locator("#flash")).to_contain_text(_(FLASHES["opened"]))

    # A participant registers, confirms her address from the mailed link and rates, all in
    # this language.
    email = f"participant-{lang}@example.org"
    visitor = new_page(browser, LOCALES[lang], errors)
    visitor.goto(f"{base}/c/{slug}")
    visitor.get_by_role("link", name=_("register"), exact=True).click()
    visitor.get_by_label(_("Email")).fill(email)
    visitor.get_by_label(_("Password")).fill(PASSWORD)
    visitor.get_by_label(_("Name shown to others")).fill("Maria Silva")
    visitor.get_by_label(_("Stakeholder group")).select_option("civil_society")
    visitor.get_by_label(_("Country")).select_option("BR" if lang == "pt" else "HT")
    visitor.get_by_role("button", name=_("Create my account")).click()
    expect(visitor).to_have_url(re.compile(f"/c/{slug}$"))
    visitor.goto(api.link(email, "/verify"))
    visitor.get_by_role("button", name=_("Confirm my email address")).click()
    expect(visitor.locator("#verified")).to_contain_text(
        _("Your email address is confirmed. Thank you!")
    )
    visitor.goto(f"{base}/c/{slug}")
    visitor.locator("input[type='radio'][value='4']").first.check()
    visitor.get_by_role("button", name=_("Save my ballot")).click()
    expect(visitor.locator("#saved")).to_be_visible()
    expect(visitor.locator("html")).to_have_attribute("lang", lang)

    page.get_by_role("link", name=_("Program committee")).click()
    page.get_by_label(_("Name"), exact=True).fill("Carlos Díaz")
    page.get_by_label(_("Stakeholder group"), exact=True).select_option("government")
    page.get_by_role("button", name=_("Seat the member")).click()
    expect(page.locator("#flash")).to_contain_text(_(FLASHES["seated"]))

    page.get_by_role("link", name=_("Manage"), exact=True).click()
    page.get_by_role("link", name=_("Close the consultation…")).click()
    page.get_by_role("button", name=_("Close the consultation"), exact=True).click()
    expect(page.locator("#flash")).to_contain_text(_(FLASHES["closed"]))

    page.get_by_role("link", name=_("Committee workspace"), exact=True).click()
    page.get_by_label(_("Title of the new session")).fill("Sesión de apertura")
    page.get_by_role("button", name=_("Add the session")).click()
    expect(page.locator("#flash")).to_contain_text(_(FLASHES["session-added"]))
    for i, (role, name) in enumerate([("moderator", "Ana"), ("panelist", "Bruno")]):
        row = page.locator(f"#person-{i}")
        row.get_by_label(_("Role")).select_option(role)
        row.get_by_label(_("Name"), exact=True).fill(name)
    page.get_by_role("button", name=_("Save the session")).click()
    page.get_by_role("link", name=_("Back to the committee workspace")).click()
    page.get_by_role("link", name=_("Finalize and publish the agenda…")).click()
    consequence = "The sessions can no longer be edited, added or deleted, and the consultation"
    expect(page.locator("#consequences")).to_contain_text(_(consequence + " cannot be reopened."))
    page.get_by_role("button", name=_("Finalize and publish the agenda"), exact=True).click()
    expect(page.locator("#flash")).to_contain_text(_(FLASHES["finalized"]))
    expect(page.locator("li.session")).to_contain_text("Sesión de apertura")
    page.context.close()

    # She reads the results and the agenda in her language.
    for path, heading in (("results", _("Results")), ("agenda", _("Agenda"))):
        visitor.goto(f"{base}/c/{slug}/{path}")
        expect(visitor.locator("html")).to_have_attribute("lang", lang)
        expect(visitor.locator("h1")).to_contain_text(heading)
    expect(visitor.locator("li.session")).to_contain_text("Sesión de apertura")
    visitor.context.close()
    assert errors == []


def test_people_confirm_their_address_and_reset_a_forgotten_password(
    server: Server, browser: Any, api: Api
) -> None:
    server.ensure_admin()
    errors: list[str] = []
    api.register("carla@example.org")
    reset_password(browser, server.base, api, "carla@example.org", "carla", "en", errors)
    verify_and_reset_in_spanish(browser, server.base, api, errors)
    assert errors == []


def reset_password(
    browser: Any, server: str, api: Api, email: str, name: str, lang: str, errors: list[str]
) -> None:
    """Forgot the password: ask for a link on the sign-in page, follow it, choose a new one."""
    from playwright.sync_api import expect

    _ = words(lang)
    page = new_page(browser, LOCALES[lang], errors)
    page.goto(f"{server}/login")
    page.get_by_role("link", name=_("Forgot your password?")).click()
    page.locator("#email").fill(email)
    page.get_by_role("button", name=_("Mail me a link")).click()
    expect(page.locator("#sent")).to_be_visible()
    assert api.mail(email)["subject"] == _("Reset your password")
    page.goto(api.link(email, "/reset-password"))
    page.locator("#password").fill("my new password 2030")
    page.screenshot(path=ARTIFACTS / f"reset-password-{lang}.png", full_page=True)
    page.get_by_role("button", name=_("Save my new password")).click()
    expect(page.locator("#reset-done")).to_be_visible()
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name=_("Sign in")).last.click()
    expect(page.locator(".form-error")).to_be_visible()  # the old password no longer works
    page.locator("#password").fill("my new password 2030")
    page.get_by_role("button", name=_("Sign in")).last.click()
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
    reset_password(browser, server, api, email, "beto", "es", errors)


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
