"""The sender in real server processes: a mail server that refuses, then comes back, and
restarts of the service in between: no mail lost, none sent twice."""

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from app.models import OutboxMessage
from tests.actors import API, PASSWORD, register, unique_email
from tests.mail import outbox_of
from tests.processes import CHEAP_HASHING, CONSULTA, served
from tests.smtp_server import smtp_server


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout}s: {what}")


def outbox_rows(database_url: str) -> list[tuple[str, str, int]]:
    with outbox_of(database_url) as sessions, sessions() as session:
        query = select(OutboxMessage.target, OutboxMessage.status, OutboxMessage.attempts)
        return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def register_over_http(base: str, email: str) -> None:
    body = {
        "email": email,
        "password": PASSWORD,
        "display_name": "Someone",
        "stakeholder_group": "academia",
        "country": "BR",
    }
    response = httpx.post(f"{base}{API}/accounts", json=body, timeout=30)
    assert response.status_code == 201, response.text


@pytest.mark.slow
def test_no_mail_is_lost_or_sent_twice_across_refusals_and_restarts(
    tmp_path: Path, database_url: str
) -> None:
    with smtp_server() as (inbox, port):
        env = CHEAP_HASHING | {
            "CONSULTA_SMTP_URL": f"smtp://127.0.0.1:{port}",
            "CONSULTA_OUTBOX_POLL_SECONDS": "0.2",
            "CONSULTA_OUTBOX_RETRY_SECONDS": "0.2",
            "CONSULTA_OUTBOX_RETRY_MAX_SECONDS": "0.4",
        }
        inbox.reply = "451 4.3.0 Try again later"
        early = [unique_email("early") for _ in range(4)]
        with served(tmp_path, database_url, workers=2, env=env) as (base, _):
            for email in early:
                register_over_http(base, email)  # answered while the mail server refuses
            wait_until(
                lambda: all(attempts >= 2 for _, _, attempts in outbox_rows(database_url)),
                "every mail tried twice",
            )
        assert inbox.received() == []
        assert {status for _, status, _ in outbox_rows(database_url)} == {"pending"}

        inbox.reply = "250 OK"
        late = [unique_email("late") for _ in range(3)]
        with served(tmp_path, database_url, workers=2, env=env) as (base, _):
            for email in late:
                register_over_http(base, email)
            wait_until(lambda: len(inbox.received()) >= 7, "seven mails delivered")
            wait_until(
                lambda: {s for _, s, _ in outbox_rows(database_url)} == {"sent"},
                "every mail recorded as sent",
            )

        # Once more: a restarted service sends nothing again. The mail of a last registration
        # arrives after the sender has looked at every older row.
        last = unique_email("last")
        with served(tmp_path, database_url, env=env) as (base, _):
            register_over_http(base, last)
            wait_until(lambda: any(m["To"] == last for m in inbox.received()), "the last mail")

        received = inbox.received()
        ids = [m["Message-ID"] for m in received]
        assert len(ids) == len(set(ids)) == 8
        assert sorted(m["To"] for m in received) == sorted([*early, *late, last])
        assert {status for _, status, _ in outbox_rows(database_url)} == {"sent"}


async def test_the_outbox_command_lists_kept_mails_with_their_links(
    client: httpx.AsyncClient, database_url: str, tmp_path: Path
) -> None:
    person = await register(client, verified=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULTA_")}
    env["CONSULTA_DATABASE_URL"] = database_url
    listed = subprocess.run(
        [CONSULTA, "outbox"], env=env, cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert any(person.email in line and "Confirm your email address" in line for line in lines)
    assert any(line.strip().startswith("http://localhost:8000/verify?token=") for line in lines)
    assert lines[-1] == "1 of 1 message(s)."
    refused = subprocess.run(
        [CONSULTA, "outbox", "--status", "lost"], env=env, cwd=tmp_path, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    assert refused.returncode == 2
