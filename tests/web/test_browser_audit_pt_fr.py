"""Every page in headless Chromium, in Portuguese and French, at 1280 and 390 px: no serious or
critical accessibility violation, never wider than the screen, a screenshot of each
(tests/web/auditing.py). The module has its own served process and browser; the other two
languages' audit is test_browser_audit_en_es.py, which another worker runs alongside."""

from typing import Any

import pytest

from tests.web import auditing, browsing
from tests.web.auditing import AuditWorld, audit_every_page
from tests.web.browsing import BROWSER_MODULE, Server

# The module's own served process, browser, API client and audited world (module-scoped).
server, browser, api = browsing.server, browsing.browser, browsing.api
audit_world, axe_installed = auditing.audit_world, auditing.axe_installed
pytestmark = [*BROWSER_MODULE, pytest.mark.usefixtures("axe_installed")]


@pytest.mark.parametrize("lang", ["pt", "fr"])
def test_every_page_is_accessible_fits_390_px_and_is_photographed(
    lang: str,
    server: Server,
    browser: Any,
    audit_world: AuditWorld,
) -> None:
    audit_every_page(server, browser, audit_world, lang)
