"""Issue 7's write-path targets: `PUT /ballot/{topic_id}` on the real server against a no-op
endpoint served the same way, both loaded by wrk from a separate process on loopback, plus the
cached `GET /ranking`."""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import httpx
from sqlalchemy import select

from app.db import make_engine
from app.outbox.models import OutboxMessage

Log = Callable[[str], None]
CONSULTA = str(Path(sys.executable).with_name("consulta"))
PASSWORD = "benchmark password"
VOTERS = 200
VERIFY_LINK = re.compile(r"/verify\?token=(\S+)")
TOPICS = 10
CONNECTIONS = 64
DURATION = 10


@dataclass(frozen=True)
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    errors: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


@contextmanager
def process(command: list[str], env: dict[str, str], url: str) -> Iterator[None]:
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_up(url)
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _ms(text: str) -> float:
    found = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    if found is None:
        raise ValueError(f"cannot read the latency {text!r}")
    value, unit = found.groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk(url: str, script: Path, duration: int = DURATION, connections: int = CONNECTIONS) -> Load:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 60,
    ).stdout
    if "Latency Distribution" not in out:
        raise RuntimeError(f"wrk gave no latencies:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return Load(
        rps,
        p50,
        p99,
        requests,
        int(non_2xx.group(1)) if non_2xx else 0,
        sum(int(g) for g in errors.groups()) if errors else 0,
    )


LUA = """
tokens = {%(tokens)s}
topics = {%(topics)s}
counter = 0
request = function()
  counter = counter + 1
  local token = tokens[(counter %% #tokens) + 1]
  %(request)s
end
"""
# PUT /ballot/{topic_id}: one random topic, one random score.
ONE_TOPIC = """local topic = topics[math.random(#topics)]
  local body = '{"score":' .. math.random(1, 5) .. '}'
  return wrk.format("PUT", "%(path)s/" .. topic, {
    ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)"""
# PUT /ballot: every topic, random scores.
WHOLE_BALLOT = """local parts = {}
  for i, topic in ipairs(topics) do
    parts[i] = '{"topic_id":' .. topic .. ',"score":' .. math.random(1, 5) .. '}'
  end
  local body = '{"ratings":[' .. table.concat(parts, ",") .. ']}'
  return wrk.format("PUT", "%(path)s", {
    ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)"""


@dataclass(frozen=True)
class Endpoint:
    name: str
    request: str  # Lua returning one request
    app_path: str
    noop_path: str


ENDPOINTS = [
    Endpoint("PUT /ballot/{topic_id}", ONE_TOPIC, "/api/v1/consultations/bench/ballot", "/noop"),
    Endpoint("PUT /ballot", WHOLE_BALLOT, "/api/v1/consultations/bench/ballot", "/noop"),
]


def lua(folder: Path, name: str, request: str, tokens: list[str], topics: list[int]) -> Path:
    script = folder / f"{name}.lua"
    script.write_text(
        LUA
        % {
            "tokens": ",".join(f'"{t}"' for t in tokens),
            "topics": ",".join(str(t) for t in topics),
            "request": request,
        }
    )
    return script


def verify_all(http: httpx.Client, url: str) -> None:
    """Confirms every queued verification link (as the participants would from their mail)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            texts = connection.execute(select(OutboxMessage.payload["text"].as_string())).scalars()
            tokens = [m.group(1) for t in texts if (m := VERIFY_LINK.search(t or ""))]
    finally:
        engine.dispose()
    for token in tokens:
        http.post("/api/v1/accounts/verify", json={"token": token}).raise_for_status()


def arrange(base: str, url: str) -> tuple[list[str], list[int]]:
    """An open consultation `bench` with TOPICS topics and VOTERS signed-in participants whose
    emails are verified."""
    http = httpx.Client(base_url=base, timeout=60)
    boss = {
        "Authorization": "Bearer "
        + http.post(
            "/api/v1/auth/token", data={"username": "bench@example.org", "password": PASSWORD}
        ).json()["access_token"]
    }
    http.post(
        "/api/v1/consultations",
        json={
            "slug": "bench",
            "title": "Bench",
            "forum": "B",
            "edition": "1",
            "live_results": True,
        },
        headers=boss,
    )
    topics = [
        http.post(
            "/api/v1/consultations/bench/topics", json={"title": f"T{i}"}, headers=boss
        ).json()["id"]
        for i in range(TOPICS)
    ]
    http.post("/api/v1/consultations/bench/open", headers=boss)
    tokens = []
    for i in range(VOTERS):
        email = f"voter{i}@example.org"
        http.post(
            "/api/v1/accounts",
            json={
                "email": email,
                "password": PASSWORD,
                "display_name": f"V{i}",
                "stakeholder_group": "civil_society",
                "country": "PA",
            },
        )
        tokens.append(
            http.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD}).json()[
                "access_token"
            ]
        )
    verify_all(http, url)
    http.close()
    return tokens, topics


def cached_ranking_ms(base: str, samples: int = 200) -> list[float]:
    times = []
    with httpx.Client(base_url=base) as http:
        http.get("/api/v1/consultations/bench/ranking")
        for _ in range(samples):
            started = time.perf_counter()
            http.get("/api/v1/consultations/bench/ranking").raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def environment(url: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("CONSULTA_")} | {
        "CONSULTA_DATABASE_URL": url,
        "CONSULTA_SECRET_KEY": "benchmark-secret-key",
        "CONSULTA_ADMIN_EMAIL": "bench@example.org",
        "CONSULTA_ADMIN_PASSWORD": PASSWORD,
        "CONSULTA_ARGON2_MEMORY_KIB": "64",
        "CONSULTA_ARGON2_TIME_COST": "1",
        "CONSULTA_LOG_LEVEL": "WARNING",
        # Every benchmark voter registers from the loopback address.
        "CONSULTA_ACCOUNT_REQUESTS_PER_HOUR": "1000000",
    }


def run(url: str, repeat: int, log: Log) -> dict[str, object]:
    env = environment(url)
    app_port, noop_port = free_port(), free_port()
    base, noop_base = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{noop_port}"
    loads: dict[str, dict[str, list[Load]]] = {e.name: {"noop": [], "app": []} for e in ENDPOINTS}
    with (
        tempfile.TemporaryDirectory() as folder,
        process(
            [CONSULTA, "serve", "--port", str(app_port), "--workers", "1"], env, f"{base}/healthz"
        ),
        process(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.noop:app",
                "--port",
                str(noop_port),
                "--log-level",
                "warning",
            ],
            env,
            f"{noop_base}/docs",
        ),
    ):
        tokens, topics = arrange(base, url)
        for n, endpoint in enumerate(ENDPOINTS):
            scripts = {
                side: lua(
                    Path(folder),
                    f"{side}{n}",
                    endpoint.request % {"path": path},
                    tokens,
                    topics,
                )
                for side, path in (("noop", endpoint.noop_path), ("app", endpoint.app_path))
            }
            for i in range(repeat):
                for side, target in (("noop", noop_base), ("app", base)):
                    loads[endpoint.name][side].append(wrk(target, scripts[side]))
                runs = loads[endpoint.name]
                log(
                    f"  {endpoint.name} round {i + 1}: no-op {runs['noop'][-1].rps:.0f} req/s, "
                    f"consulta {runs['app'][-1].rps:.0f} req/s"
                )
        ranking = cached_ranking_ms(base)
    return {"loads": loads, "ranking_ms": ranking}


def _cell(values: list[float], fmt: str = "{:.0f}") -> str:
    ordered = sorted(values)
    return " / ".join(fmt.format(v) for v in (ordered[0], ordered[len(ordered) // 2], ordered[-1]))


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def _row(name: str, runs: list[Load]) -> str:
    failures = sum(r.non_2xx + r.errors for r in runs)
    return (
        f"| {name} | {_cell([r.rps for r in runs])} | {_cell([r.p50_ms for r in runs], '{:.1f}')} "
        f"| {_cell([r.p99_ms for r in runs], '{:.1f}')} | {failures} |"
    )


def report(backend: str, result: dict[str, object]) -> list[str]:
    loads: dict[str, dict[str, list[Load]]] = result["loads"]  # type: ignore[assignment]
    ranking: list[float] = result["ranking_ms"]  # type: ignore[assignment]
    target = 0.6 if backend == "SQLite" else 0.5
    repeats = len(next(iter(loads.values()))["noop"])
    lines = [
        f"### Write path on {backend}",
        "",
        f"Each endpoint on `consulta serve` (1 worker) against a no-op `def` endpoint with the "
        f"same path shape and body model under uvicorn (1 worker, `bench/noop.py`); wrk, 2 "
        f"threads, {CONNECTIONS} connections, {DURATION} s per run, {VOTERS} participants, "
        f"{TOPICS} topics (the whole ballot rates all {TOPICS}); min / median / max over "
        f"{repeats} runs.",
        "",
        "| endpoint | req/s | p50 (ms) | p99 (ms) | non-2xx + socket errors |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    verdicts = []
    for name, runs in loads.items():
        lines.append(_row(f"no-op for `{name}`", runs["noop"]))
        lines.append(_row(f"`{name}`", runs["app"]))
        ratio = _median([r.rps for r in runs["app"]]) / _median([r.rps for r in runs["noop"]])
        p99 = _median([r.p99_ms for r in runs["app"]]) / _median([r.p99_ms for r in runs["noop"]])
        verdicts.append(
            f"- `{name}`: throughput ratio {ratio:.2f} (target {target}: "
            f"{'met' if ratio >= target else '**not met**'}); p99 ratio {p99:.2f} (target under "
            f"2: {'met' if p99 < 2 else '**not met**'})."
        )
    lines += ["", *verdicts, ""]
    lines.append(
        f"Cached `GET /ranking` (nothing changed since it was computed), {len(ranking)} "
        f"sequential requests: p50 {_median(ranking):.1f} ms, p99 "
        f"{ranking[int(len(ranking) * 0.99) - 1]:.1f} ms (target under 10 ms)."
    )
    lines.append("")
    return lines


def main() -> None:
    """Runs only the write path, on SQLite and (with CONSULTA_BENCH_POSTGRES_URL, or the
    tests' CONSULTA_TEST_POSTGRES_URL) PostgreSQL, and replaces its sections in RESULTS.md."""
    import argparse

    from bench.run import backends, log, replace_section, update_results

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    updates: list[Callable[[str], str]] = []
    for name, fresh in backends("consulta_bench_write_path"):
        with fresh() as url:
            log(f"{name}: write path")
            section = report(name, run(url, args.repeat, log))
        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
        section[1:1] = ["", f"Rerun alone {when} UTC (`python -m bench.server`)."]
        updates.append(partial(replace_section, heading=f"Write path on {name}", section=section))
    update_results(updates)


if __name__ == "__main__":
    main()
