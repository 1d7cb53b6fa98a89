"""End to end in headless Chromium, on a real `consulta serve`: a call for topics from the
pages, from a participant's proposal (with the similar-topics step) to its acceptance in the
review queue, to rating the topic it became. (The committee's powers need a verified email,
which the served process can only confirm by mail: the administrator reviews here; the queue
is the committee's too, see tests/web/test_proposal_pages.py.)"""

import re
from typing import Any

from tests.web import browsing
from tests.web.auditing import AXE_SOURCE, audit_at_every_width
from tests.web.browsing import ADMIN, BROWSER_MODULE, LOGIN, Api, Server, new_page, sign_in

# The module's own served process, browser and API client (module-scoped fixtures).
server, browser, api = browsing.server, browsing.browser, browsing.api

pytestmark = BROWSER_MODULE


def audited(page: Any, name: str, problems: list[str]) -> None:
    """axe-core's serious and critical violations (where it is installed) and overflow, at
    each width, as tests/web/auditing.py audits every other page."""
    if AXE_SOURCE:
        problems += audit_at_every_width(page, name, "en")
        page.set_viewport_size({"width": 1100, "height": 900})


def test_from_proposal_to_accepted_topic_to_rating(server: Server, browser: Any, api: Api) -> None:
    from playwright.sync_api import expect

    server.ensure_admin()
    base, slug = server.base, "lacigf-2032"
    boss = api.token(ADMIN)
    api.call(
        "POST",
        "/consultations",
        boss,
        json={
            "slug": slug,
            "title": "LACIGF 2032",
            "forum": "LACIGF",
            "edition": "2032",
            "require_verified_email": False,
        },
    )
    api.call("POST", f"/consultations/{slug}/topics", boss, json={"title": "Neutralidad de la red"})
    api.register("comite@example.org")
    api.call(
        "POST",
        f"/consultations/{slug}/committee",
        boss,
        json={
            "name": "Comité",
            "stakeholder_group": "civil_society",
            "email": "comite@example.org",
        },
    )
    errors: list[str] = []
    problems: list[str] = []

    # The secretariat opens the call from Manage.
    admin = new_page(browser, "en-US", errors)
    sign_in(admin, base, ADMIN, labels=LOGIN["en"])
    admin.goto(f"{base}/c/{slug}/manage")
    admin.get_by_role("button", name="Open a call for topics").click()
    expect(admin).to_have_url(re.compile(f"/c/{slug}/proposals$"))
    expect(admin.locator("#flash")).to_contain_text("call for topics is open")

    # A participant checks for similar topics, then proposes.
    api.register("ana@example.org")
    person = new_page(browser, "en-US", errors)
    sign_in(person, base, "ana@example.org", labels=LOGIN["en"])
    person.goto(f"{base}/c/{slug}")
    person.locator("#call-for-topics a").click()
    person.get_by_role("link", name="Propose a topic").click()
    person.get_by_label("Title", exact=True).fill("Neutralidád e inclusão")
    person.get_by_label("Why it matters").fill("Acceso abierto para todas las personas.")
    person.get_by_role("button", name="Check for similar topics").click()
    expect(person.locator("#similar")).to_contain_text("Neutralidad de la red")
    audited(person, "proposal-form", problems)
    expect(person.get_by_label("Title", exact=True)).to_have_value("Neutralidád e inclusão")
    person.get_by_role("button", name="Submit the proposal").click()
    expect(person).to_have_url(re.compile(f"/c/{slug}/proposals/mine$"))
    expect(person.locator("ol.topic-list")).to_contain_text("Submitted")
    audited(person, "my-proposals", problems)
    person.goto(f"{base}/c/{slug}/proposals")
    audited(person, "call-for-topics", problems)

    # The secretariat (as the committee would) accepts it from the review queue.
    admin.goto(f"{base}/c/{slug}/manage")
    admin.get_by_role("link", name="Proposals", exact=True).click()
    audited(admin, "proposals-review", problems)
    admin.get_by_role("checkbox", name="Neutralidád e inclusão").check()
    admin.get_by_role("button", name="Accept the ticked proposals").click()
    expect(admin.locator("#flash")).to_contain_text("decision is saved")
    person.goto(f"{base}/c/{slug}/proposals/mine")
    expect(person.locator("ol.topic-list")).to_contain_text("Accepted")

    # The rating opens; the accepted proposal is a topic to rate.
    admin.goto(f"{base}/c/{slug}/manage")
    admin.get_by_role("link", name="Open the consultation…").click()
    admin.get_by_role("button", name="Open the consultation").click()
    expect(admin.locator("#flash")).to_contain_text("consultation is open")
    admin.context.close()
    person.goto(f"{base}/c/{slug}")
    topics = api.http.get(f"/consultations/{slug}/topics").json()["items"]
    proposed = next(t for t in topics if t["title"] == "Neutralidád e inclusão")
    assert proposed["origin"]["kind"] == "proposal"
    person.locator(f"label[for='t{proposed['id']}-4']").click()
    person.get_by_role("button", name="Save my ballot").click()
    expect(person.locator("#saved")).to_contain_text("Neutralidád e inclusão")
    person.context.close()
    assert errors == []
    assert problems == []
