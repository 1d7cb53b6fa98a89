"""Bulk import against the raw driver: `consulta import-ratings` (parse, check every row, write)
against loading the same rows with executemany (SQLite) or COPY (PostgreSQL) in the same run."""

import time
from collections.abc import Callable

from app import demo, migrate
from app.cli import _import_lines
from app.config import Settings
from app.consultations import service as consultations
from app.db import make_engine, make_sessionmaker, transaction
from bench import data

Log = Callable[[str], None]


def run(url: str, participants: int, log: Log) -> dict[str, float]:
    settings = Settings(database_url=url, secret_key="benchmark-secret-key")  # noqa: S106
    migrate.upgrade(settings)
    engine = make_engine(url)
    try:
        rows, seconds = data.load_timed(engine, "raw-load", participants, 20)
        raw = rows / seconds
        sessions = make_sessionmaker(engine)
        with transaction(sessions, write=True) as session:
            _, titles = demo.create_consultation(session, "import-load")
        lines = list(demo.synthetic_csv(participants, titles, 0, 1, 5))
        started = time.perf_counter()
        with transaction(sessions, write=True) as session:
            consultation = consultations.get_by_slug(session, "import-load")
            assert consultation is not None
            report = _import_lines(settings, session, consultation, lines, show_progress=False)
    finally:
        engine.dispose()
    imported = report.rows / (time.perf_counter() - started)
    log(f"  raw {raw:,.0f} rows/s, import {imported:,.0f} rows/s ({report.rows} rows)")
    return {"raw": raw, "import": imported, "rows": float(report.rows)}


def report(backend: str, result: dict[str, float]) -> list[str]:
    ratio = result["import"] / result["raw"]
    tool = "COPY" if backend == "PostgreSQL" else "executemany"
    return [
        f"### Bulk import on {backend}",
        "",
        f"{int(result['rows']):,} ratings: `consulta import-ratings` (parse, check every row, "
        f"write) {result['import']:,.0f} rows/s; raw {tool} of the same shape "
        f"{result['raw']:,.0f} rows/s; ratio {ratio:.2f} (target 0.5: "
        f"{'met' if ratio >= 0.5 else '**not met**'}).",
        "",
    ]
