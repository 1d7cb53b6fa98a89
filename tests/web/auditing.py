"""The accessibility audit the browser modules share: axe-core's serious and critical
violations (WCAG 2.2 AA tags), the page never wider than the window, and a screenshot of each
page in test-artifacts/pages/ (NAME-LANG-WIDTH.png), at 1280 and 390 px.

Every page of a consultation's life is audited in one language by `audit_every_page`, as the
people who see it: one signed-in browser context per person, each page loaded once and
resized between the widths (the pages run no script, so the layout at a width does not
depend on the width the page was loaded at)."""

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.web.browsing import (
    ADMIN,
    ARTIFACTS,
    LOCALES,
    LOGIN,
    Api,
    Server,
    new_page,
    sign_in,
)

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE.read_text() if AXE.exists() else ""
WIDTHS = (1280, 390)
BLOCKING_IMPACTS = ("serious", "critical")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LONG_WORD = "Interoperabilidaddelossistemasdeidentificacióndigitaltransfronterizos" * 2
TOPICS = ["Net neutrality", "Cybersecurity", "Digital inclusion", f"Zero rating {LONG_WORD}"]
# Ratings of three participants who use the API, per topic: no two topics tie.
OTHERS = [[5, 4, 3, 1], [5, 4, 3, 2], [5, 4, 2, 1]]
LEVELS = "Not relevant\nSlightly\nRelevant\nVery\nEssential"


@pytest.fixture(scope="module")
def axe_installed() -> None:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing: npm ci --prefix tests/web/axe")
        pytest.skip("axe-core is not installed: npm ci --prefix tests/web/axe")


def audit_page(page: Any, name: str, lang: str, width: int) -> list[str]:
    """axe-core's serious and critical violations on the page (at the wide width: the same
    markup at 390 px), its language and its overflow at this width, and a screenshot. axe is
    evaluated over the devtools protocol, which the pages' CSP (no inline script) does not
    apply to."""
    problems = []
    violations = []
    if width == max(WIDTHS):
        page.evaluate(AXE_SOURCE + "\n;0")
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        violations = result["violations"]
        shown_in = page.evaluate("document.documentElement.lang")
        if shown_in != lang:
            problems.append(f"{name} {lang}: the page is in {shown_in!r}")
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


def audit_at_every_width(page: Any, name: str, lang: str) -> list[str]:
    """The loaded page audited at each width, resized in place."""
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        problems += audit_page(page, name, lang, width)
    return problems


@dataclass
class AuditWorld:
    """Who sees which pages (name: path), signed in as that person."""

    people: list[tuple[str, dict[str, str]]] = field(default_factory=list)


def consultations_for_the_audit(api: Api) -> tuple[str, str, int]:
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
        voter = api.register(f"voter{n}@example.org")
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


@pytest.fixture(scope="module")
def audit_world(server: Server, api: Api) -> AuditWorld:
    """Every page of a consultation's life, on the module's server, and who sees each."""
    server.ensure_admin()
    opened, closed, session_id = consultations_for_the_audit(api)
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
    api.register(unverified, verified=False)
    return AuditWorld(
        [
            ("voter0@example.org", visitor_pages),
            (unverified, {"consultation-unverified": f"/c/{opened}"}),
            (ADMIN, admin_pages),
        ]
    )


def audit_every_page(server: Server, browser: Any, world: AuditWorld, lang: str) -> None:
    """Every page of the world in `lang`: no blocking violation, no overflow, no script error
    and no Content Security Policy violation."""
    problems: list[str] = []
    errors: list[str] = []
    for email, pages in world.people:
        page = new_page(browser, LOCALES[lang], errors, width=max(WIDTHS))
        sign_in(page, server.base, email, labels=LOGIN[lang])
        for name, path in pages.items():
            page.goto(server.base + path)
            problems += audit_at_every_width(page, name, lang)
        page.context.close()
    assert problems == []
    assert errors == []
