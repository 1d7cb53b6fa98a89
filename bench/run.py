"""Runs the benchmark suite and writes bench/RESULTS.md.

    python -m bench.run [--repeat 3] [--quick]

Needs wrk (Debian package `wrk`). SQLite always; PostgreSQL too when CONSULTA_BENCH_POSTGRES_URL (or CONSULTA_TEST_POSTGRES_URL)
is set: a fresh database `consulta_bench` is created on that server and dropped afterwards.
"""

import argparse
import os
import platform
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from bench import agreement, imports, ranking, server

RESULTS = Path(__file__).with_name("RESULTS.md")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="consulta-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'bench.db'}"


@contextmanager
def postgres_database(server_url: str, name: str = "consulta_bench") -> Iterator[str]:
    admin = make_url(server_url).set(drivername="postgresql+psycopg")
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {name}"))
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        engine.dispose()


def backends(
    database: str = "consulta_bench",
) -> list[tuple[str, Callable[[], AbstractContextManager[str]]]]:
    """Each database to measure on, with a way to make a fresh one: SQLite always, PostgreSQL
    when CONSULTA_BENCH_POSTGRES_URL (or CONSULTA_TEST_POSTGRES_URL) names a server. There the
    database is `database`: one piece run on its own takes a name of its own, so that it may run
    beside a whole bench.run on the same server."""
    found: list[tuple[str, Callable[[], AbstractContextManager[str]]]] = [
        ("SQLite", sqlite_database)
    ]
    server_url = os.environ.get("CONSULTA_BENCH_POSTGRES_URL") or os.environ.get(
        "CONSULTA_TEST_POSTGRES_URL", ""
    )
    if server_url:
        found.append(("PostgreSQL", lambda: postgres_database(server_url, database)))
    return found


def update_results(updates: list[Callable[[str], str]]) -> None:
    """Rewrites RESULTS.md through each of `updates` in turn (the sections of a piece of the
    benchmarks run on its own), once every backend has run."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    for update in updates:
        text = update(text)
    RESULTS.write_text(text)
    log(f"updated {RESULTS}")


def replace_section(text: str, heading: str, section: list[str], after: str | None = None) -> str:
    """`text` with its "### {heading}" section replaced by `section` (for a piece of the
    benchmarks run on its own); a new section goes after the section `after`, or at the end."""
    body = "\n".join(section)
    own = re.compile(rf"^### {re.escape(heading)}\n.*?(?=^### |\Z)", re.M | re.S)
    if own.search(text):
        return own.sub(lambda _: body + "\n", text, count=1)
    found = after and re.search(rf"^### {re.escape(after)}\n.*?(?=^### |\Z)", text, re.M | re.S)
    if not found:
        return text.rstrip("\n") + "\n\n" + body + "\n"
    return text[: found.end()] + body + "\n" + text[found.end() :]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="small sizes, to try the suite")
    args = parser.parse_args()
    # About 0.85 of the topics are rated: 5,880 and 58,800 participants give ~100k and ~1M
    # ratings; schulze is judged at its own shape.
    sizes = (
        [(500, 20), (5_880, 20), (10_000, 10)]
        if args.quick
        else [(5_880, 20), (58_800, 20), ranking.SCHULZE_SHAPE]
    )
    lines = [
        "# Benchmark results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{args.repeat} repetitions each. Regenerate with `python -m bench.run`.",
        "",
    ]
    for name, fresh in backends():
        with fresh() as url:
            log(f"{name}: write path")
            lines += server.report(name, server.run(url, args.repeat, log))
        with fresh() as url:
            log(f"{name}: rankings")
            lines += ranking.report(name, ranking.run(url, sizes, args.repeat, log))
        with fresh() as url:
            log(f"{name}: method agreement")
            shape = agreement.QUICK_SHAPE if args.quick else agreement.SHAPE
            lines += agreement.report(name, agreement.run(url, shape, args.repeat, log))
        with fresh() as url:
            log(f"{name}: bulk import")
            lines += imports.report(name, imports.run(url, sizes[1][0] // 5, log))
    RESULTS.write_text("\n".join(lines) + "\n")
    log(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
