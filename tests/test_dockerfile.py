"""No Docker engine runs here, so the image's recipe is checked, and the command it runs is run
as the image would: from an installed layout with the env the Dockerfile sets."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx

from tests.processes import free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions(name: str) -> list[str]:
    joined = DOCKERFILE.replace("\\\n", " ")
    return [m.group(1).strip() for m in re.finditer(rf"^{name}\s+(.*)$", joined, re.M)]


def runtime_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for line in instructions("ENV"):
        env |= dict(re.findall(r"(\w+)=(\S+)", line))
    return env


def test_image_recipe_is_multi_stage_slim_and_non_root() -> None:
    stages = instructions("FROM")
    assert len(stages) == 2
    assert all(s.startswith("python:3.11-slim") for s in stages)
    users = instructions("USER")
    assert users
    assert users[-1] not in ("root", "0")
    assert instructions("EXPOSE") == ["8000"]
    assert "/healthz" in instructions("HEALTHCHECK")[0]
    assert json.loads(instructions("CMD")[0]) == ["consulta", "serve", "--host", "0.0.0.0"]  # noqa: S104


def test_the_command_the_image_runs_serves_from_the_image_layout(tmp_path: Path) -> None:
    env = runtime_env()
    workdir = tmp_path / "srv"
    (workdir / "data").mkdir(parents=True)
    mapping = {"/srv/consulta": str(workdir)}

    def relocate(value: str) -> str:
        for old, new in mapping.items():
            value = value.replace(old, new)
        return value

    process_env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULTA_")}
    process_env |= {k: relocate(v) for k, v in env.items() if k.startswith("CONSULTA_")}
    command = json.loads(instructions("CMD")[0])
    command[0] = str(Path(sys.executable).with_name(command[0]))
    port = free_port()
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        cwd=tmp_path,  # not the checkout: paths must come from the environment
        env=process_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", process)
        assert httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200
        assert (workdir / "data" / "consulta.db").exists()
    finally:
        process.terminate()
        process.wait(timeout=20)
