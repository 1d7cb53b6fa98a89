"""Real server processes for the tests."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.mail import latest_token, outbox_of

CONSULTA = str(Path(sys.executable).with_name("consulta"))
CHEAP_HASHING = {"CONSULTA_ARGON2_MEMORY_KIB": "64", "CONSULTA_ARGON2_TIME_COST": "1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_until_up(url: str, process: subprocess.Popen[Any], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout}s")


@contextmanager
def served(
    workdir: Path,
    database_url: str,
    *,
    workers: int = 1,
    env: dict[str, str | None] | None = None,
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`consulta serve` as a real process on a free port; yields its base URL and process. The
    links in its mails point at it. A variable given as None in `env` is left unset."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process_env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULTA_")}
    chosen = {
        "CONSULTA_DATABASE_URL": database_url,
        "CONSULTA_SECRET_KEY": "a-test-secret-for-served-processes",
        # Nobody reads the process's output while it runs: an access-log line per request
        # would fill the pipe, and a full pipe blocks the server.
        "CONSULTA_LOG_LEVEL": "WARNING",
        "CONSULTA_PUBLIC_URL": base,
        **(env or {}),
    }
    process_env |= {name: value for name, value in chosen.items() if value is not None}
    process = subprocess.Popen(
        [CONSULTA, "serve", "--port", str(port), "--workers", str(workers)],
        cwd=workdir,
        env=process_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_up(f"{base}/healthz", process)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


ADMIN_EMAIL = "boss@example.org"
ADMIN_PASSWORD = "correct horse battery"
ADMIN_ENV = {"CONSULTA_ADMIN_EMAIL": ADMIN_EMAIL, "CONSULTA_ADMIN_PASSWORD": ADMIN_PASSWORD}


def bearer(http: httpx.Client, email: str, password: str = ADMIN_PASSWORD) -> dict[str, str]:
    response = http.post("/api/v1/auth/token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def verify_email(http: httpx.Client, database_url: str, email: str) -> None:
    """Confirms `email` from the link of the mail the served process queued for it."""
    with outbox_of(database_url) as sessions:
        token = latest_token(sessions, email, "/verify")
    response = http.post("/api/v1/accounts/verify", json={"token": token})
    assert response.status_code == 200, response.text


def open_consultation(
    http: httpx.Client, slug: str, *, topics: int, voters: int, database_url: str
) -> tuple[list[int], dict[int, dict[str, str]]]:
    """Over the API of a served process started with ADMIN_ENV: an open consultation with
    `topics` topics and `voters` signed-in participants with verified emails (account id ->
    auth headers)."""
    api = "/api/v1/consultations"
    boss = bearer(http, ADMIN_EMAIL)
    body = {"slug": slug, "title": slug, "forum": "F", "edition": "1"}
    assert http.post(api, json=body, headers=boss).status_code == 201
    topic_ids = []
    for i in range(topics):
        created = http.post(f"{api}/{slug}/topics", json={"title": f"T{i}"}, headers=boss)
        topic_ids.append(created.json()["id"])
    assert http.post(f"{api}/{slug}/open", headers=boss).status_code == 200
    participants = {}
    for i in range(voters):
        email = f"{slug}-{i}@example.org"
        account = {
            "email": email,
            "password": ADMIN_PASSWORD,
            "display_name": f"Voter {i}",
            "stakeholder_group": "civil_society",
            "country": "PA",
        }
        created = http.post("/api/v1/accounts", json=account)
        assert created.status_code == 201, created.text
        verify_email(http, database_url, email)
        participants[created.json()["id"]] = bearer(http, email)
    return topic_ids, participants
