"""Issue 4's targets: each histogram method's ranking within 2x of the bare aggregate query,
schulze within 2x of the bare pairwise self-join, and peak memory flat from 100k to 1M ratings."""

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, TextClause, delete, text

from app import migrate
from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.models import CachedResult, Consultation
from app.results import service
from app.scoring import METHODS
from bench import data
from bench.timing import Timing, ratio, timed

Log = Callable[[str], None]
TARGET_RATINGS = 1_000_000
HISTOGRAM_METHODS = [name for name, m in METHODS.items() if m.needs == "histograms"]

BARE_AGGREGATE = text(
    "SELECT topic_id, stakeholder_group, score, count(*) FROM ratings "
    "WHERE consultation_id = :c GROUP BY topic_id, stakeholder_group, score"
)
BARE_PAIRWISE = text(
    "SELECT a.topic_id, b.topic_id, count(*) FROM ratings a JOIN ratings b "
    "ON b.participant_id = a.participant_id AND b.score < a.score "
    "WHERE a.consultation_id = :c GROUP BY a.topic_id, b.topic_id"
)


@dataclass
class SizeResult:
    ratings: int
    aggregate: Timing
    pairwise: Timing
    methods: dict[str, Timing] = field(default_factory=dict)
    peak_kib: dict[str, int] = field(default_factory=dict)


def _bare(engine: Engine, query: TextClause, consultation_id: int) -> None:
    with engine.connect() as connection:
        connection.execute(query, {"c": consultation_id}).all()


def _rank(engine: Engine, consultation_id: int, method: str) -> None:
    with make_sessionmaker(engine)() as session:
        consultation = session.get(Consultation, consultation_id)
        assert consultation is not None
        service.ranking(session, consultation, method=method, fold_groups=True)
        session.rollback()


def _clear_rankings(engine: Engine, consultation_id: int) -> None:
    with make_sessionmaker(engine).begin() as session:
        session.execute(
            delete(CachedResult).where(
                CachedResult.consultation_id == consultation_id, CachedResult.key.like("ranking:%")
            )
        )


def _warm_digest(engine: Engine, consultation_id: int) -> None:
    """The digest is computed once per tally version (at close); rankings reuse it."""
    with make_sessionmaker(engine).begin() as session:
        consultation = session.get(Consultation, consultation_id)
        assert consultation is not None
        service.ballot_digest(session, consultation, 1)


def _peak(url: str, slug: str, method: str) -> int:
    out = subprocess.run(
        [sys.executable, "-m", "bench.memory", url, slug, method],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return int(out[1])


def _measure(
    engine: Engine, url: str, participants: int, topics: int, repeat: int, log: Log
) -> SizeResult:
    slug = f"bench-{participants}x{topics}"
    count = data.load(engine, slug, participants, topics)
    cid = data.consultation_id(engine, slug)
    log(f"  loaded {count} ratings ({participants} x {topics})")
    _warm_digest(engine, cid)
    result = SizeResult(
        ratings=count,
        aggregate=timed(lambda: _bare(engine, BARE_AGGREGATE, cid), repeat),
        pairwise=timed(lambda: _bare(engine, BARE_PAIRWISE, cid), repeat),
    )
    for method in METHODS:
        result.methods[method] = timed(
            lambda m=method: _rank(engine, cid, m),  # type: ignore[misc]
            repeat,
            before=lambda: _clear_rankings(engine, cid),
        )
        log(f"  {method}: {result.methods[method].cell()} ms")
    for method in ("mean", "schulze"):
        result.peak_kib[method] = _peak(url, slug, method)
    return result


def run(url: str, sizes: list[tuple[int, int]], repeat: int, log: Log) -> dict[int, SizeResult]:
    migrate.upgrade(Settings(database_url=url))
    engine = make_engine(url)
    try:
        measured = [_measure(engine, url, p, t, repeat, log) for p, t in sizes]
    finally:
        engine.dispose()
    return {r.ratings: r for r in measured}


def report(backend: str, results: dict[int, SizeResult]) -> list[str]:
    lines = [f"### Rankings on {backend}", ""]
    lines.append("Times in ms as min / median / max; ratio = median / median of the baseline.")
    lines.append("")
    lines.append("| ratings | what | time (ms) | baseline | ratio | target | met |")
    lines.append("| ---: | --- | ---: | --- | ---: | ---: | :---: |")
    for count, r in sorted(results.items()):
        lines.append(
            f"| {count:,} | bare aggregate GROUP BY | {r.aggregate.cell()} | — | 1.00 | | |"
        )
        lines.append(
            f"| {count:,} | bare pairwise self-join | {r.pairwise.cell()} | — | 1.00 | | |"
        )
        for method, timing in r.methods.items():
            needs = METHODS[method].needs
            base, name = (
                (r.pairwise, "self-join") if needs == "pairwise" else (r.aggregate, "aggregate")
            )
            value = ratio(timing, base)
            # The targets are stated for a million ratings; smaller sizes are for information.
            judged = needs != "profiles" and count >= TARGET_RATINGS
            target = "2.0" if judged else "—"
            met = ("yes" if value <= 2.0 else "**no**") if judged else "n/a"
            cells = [f"{count:,}", f"`{method}` ranking", timing.cell(), name, f"{value:.2f}"]
            lines.append("| " + " | ".join([*cells, target, met]) + " |")
    lines.append("")
    if len(results) >= 2:
        small, large = sorted(results)[0], sorted(results)[-1]
        lines.append("Peak resident memory of a process computing one ranking (KiB):")
        lines.append("")
        lines.append(f"| method | {small:,} ratings | {large:,} ratings | growth |")
        lines.append("| --- | ---: | ---: | ---: |")
        for method in results[small].peak_kib:
            a, b = results[small].peak_kib[method], results[large].peak_kib[method]
            lines.append(f"| `{method}` | {a:,} | {b:,} | {b / a:.2f}x |")
        lines.append("")
    return lines
