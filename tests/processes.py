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

CONSULTA = str(Path(sys.executable).with_name("consulta"))
CHEAP_HASHING = {"CONSULTA_ARGON2_MEMORY_KIB": "64", "CONSULTA_ARGON2_TIME_COST": "1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_until_up(url: str, process: subprocess.Popen[Any], timeout: float = 60) -> None:
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
    workdir: Path, database_url: str, *, workers: int = 1, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`consulta serve` as a real process on a free port; yields its base URL and process."""
    port = free_port()
    process_env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULTA_")}
    process_env |= {
        "CONSULTA_DATABASE_URL": database_url,
        "CONSULTA_SECRET_KEY": "a-test-secret-for-served-processes",
        **(env or {}),
    }
    process = subprocess.Popen(
        [CONSULTA, "serve", "--port", str(port), "--workers", str(workers)],
        cwd=workdir,
        env=process_env,
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
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()
