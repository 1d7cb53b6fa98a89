"""`consulta serve` as a real process: migrates, seeds, bootstraps the admin, serves."""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.processes import CHEAP_HASHING, served


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    admin = {
        "CONSULTA_ADMIN_EMAIL": "secretariat@example.org",
        "CONSULTA_ADMIN_PASSWORD": "a long enough password",
    }
    with served(tmp_path, f"sqlite:///{tmp_path / 'served.db'}", env=admin) as running:
        yield running


def test_serve_comes_up_migrated_seeded_and_ready(
    server: tuple[str, subprocess.Popen[str]],
) -> None:
    base, _ = server
    assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{base}/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok"
    slugs = [c["slug"] for c in httpx.get(f"{base}/api/v1/consultations").json()["items"]]
    assert slugs == ["lacigf-2017"]


def test_serve_creates_the_admin_from_the_environment_and_prints_its_url(
    server: tuple[str, subprocess.Popen[str]],
) -> None:
    base, process = server
    token = httpx.post(
        f"{base}/api/v1/auth/token",
        data={"username": "secretariat@example.org", "password": "a long enough password"},
    )
    assert token.status_code == 200
    me = httpx.get(
        f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
    )
    assert me.json()["is_admin"] is True
    assert me.json()["email_verified"] is True
    process.terminate()
    output, _ = process.communicate(timeout=20)
    port = base.rsplit(":", 1)[1]
    assert f"Consulta is serving at http://localhost:{port}/" in output
    assert "Created the administrator secretariat@example.org." in output
    assert "/setup?token=" not in output  # there is an administrator: no setup link


def test_a_first_run_without_an_administrator_prints_a_one_time_setup_link(
    tmp_path: Path,
) -> None:
    from tests.web.html import csrf

    with served(tmp_path, f"sqlite:///{tmp_path / 'first.db'}", env=CHEAP_HASHING) as (
        base,
        process,
    ):
        assert process.stdout is not None
        link = ""
        while "/setup?token=" not in link:
            link = process.stdout.readline()
            assert link, "serve printed no setup link"
        path = link.strip().split(base.rsplit(":", 1)[1], 1)[1]  # after the port
        with httpx.Client(base_url=base) as browser:
            page = browser.get(path)
            assert page.status_code == 200
            form = {
                "csrf_token": csrf(page.text),
                "token": path.split("token=", 1)[1],
                "email": "first@example.org",
                "display_name": "",
                "password": "a long enough password",
            }
            made = browser.post("/setup", data=form)
            assert made.status_code == 303
            me = browser.get("/consultations/new")
            assert me.status_code == 200  # signed in, as an administrator
            assert browser.get(path).status_code == 404  # single use
        token = httpx.post(
            f"{base}/api/v1/auth/token",
            data={"username": "first@example.org", "password": "a long enough password"},
        )
        assert token.status_code == 200
