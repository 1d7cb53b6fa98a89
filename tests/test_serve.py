"""`consulta serve` as a real process: migrates, seeds, bootstraps the admin, serves."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.processes import free_port, wait_until_up

CONSULTA = str(Path(sys.executable).with_name("consulta"))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULTA_")} | {
        "CONSULTA_DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
        "CONSULTA_ADMIN_EMAIL": "secretariat@example.org",
        "CONSULTA_ADMIN_PASSWORD": "a long enough password",
    }
    process = subprocess.Popen(
        [CONSULTA, "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/healthz", process)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=20)
        if process.stdout is not None:
            process.stdout.close()


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
    process.terminate()
    output, _ = process.communicate(timeout=20)
    port = base.rsplit(":", 1)[1]
    assert f"Consulta is serving at http://localhost:{port}/" in output
    assert "Created the administrator secretariat@example.org." in output
