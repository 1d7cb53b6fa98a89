"""The read-path targets: each histogram method's ranking at 1M ratings within 1.5x of the bare
aggregate query; schulze at 100k participants x 10 topics within 1.5x of the faster of the bare
pairwise self-join and a single ordered scan counted in plain Python; peak memory flat from
100k to 1M ratings."""

import itertools
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, TextClause, delete, text

from app import migrate
from app.config import Settings
from app.db import driver_sql, make_engine, make_sessionmaker
from app.models import CachedResult, Consultation
from app.results import service
from app.results.queries import PARTICIPANT_ORDER
from app.scoring import METHODS
from bench import data
from bench.timing import Timing, ratio, timed

Log = Callable[[str], None]
TARGET_RATINGS = 1_000_000
TARGET = 1.5
SCHULZE_SHAPE = (100_000, 10)  # participants x topics at which schulze is judged
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
    participants: int
    topics: int
    ratings: int
    aggregate: Timing
    pairwise: Timing
    scan: Timing
    methods: dict[str, Timing] = field(default_factory=dict)
    with_digest: Timing | None = None  # `mean` with the ballots digest recomputed too
    peak_kib: dict[str, int] = field(default_factory=dict)


def _bare(engine: Engine, query: TextClause, consultation_id: int) -> None:
    with engine.connect() as connection:
        connection.execute(query, {"c": consultation_id}).all()


def _python_scan(engine: Engine, consultation_id: int) -> None:
    """The other pairwise baseline: the ratings in participant order (the query the app
    uses), each participant's pairs counted in plain Python."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(
            driver_sql(PARTICIPANT_ORDER, engine.dialect.name), {"consultation_id": consultation_id}
        )
        counts: dict[tuple[int, int], int] = {}
        for _, rows in itertools.groupby(iter(cursor.fetchone, None), key=lambda r: r[0]):
            mine = list(rows)
            for _, a, score_a in mine:
                for _, b, score_b in mine:
                    if score_a > score_b:
                        counts[(a, b)] = counts.get((a, b), 0) + 1
        cursor.close()
    finally:
        connection.close()


def _rank(engine: Engine, consultation_id: int, method: str) -> None:
    with make_sessionmaker(engine)() as session:
        consultation = session.get(Consultation, consultation_id)
        assert consultation is not None
        service.ranking(session, consultation, method=method)
        session.rollback()


def _clear_rankings(engine: Engine, consultation_id: int) -> None:
    with make_sessionmaker(engine).begin() as session:
        session.execute(
            delete(CachedResult).where(
                CachedResult.consultation_id == consultation_id, CachedResult.key.like("ranking:%")
            )
        )


def _clear_all(engine: Engine, consultation_id: int) -> None:
    with make_sessionmaker(engine).begin() as session:
        session.execute(delete(CachedResult).where(CachedResult.consultation_id == consultation_id))


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
        participants=participants,
        topics=topics,
        ratings=count,
        aggregate=timed(lambda: _bare(engine, BARE_AGGREGATE, cid), repeat),
        pairwise=timed(lambda: _bare(engine, BARE_PAIRWISE, cid), repeat),
        scan=timed(lambda: _python_scan(engine, cid), repeat),
    )
    for method in METHODS:
        result.methods[method] = timed(
            lambda m=method: _rank(engine, cid, m),  # type: ignore[misc]
            repeat,
            before=lambda: _clear_rankings(engine, cid),
        )
        log(f"  {method}: {result.methods[method].cell()} ms")
    result.with_digest = timed(
        lambda: _rank(engine, cid, "mean"), repeat, before=lambda: _clear_all(engine, cid)
    )
    log(f"  mean with the digest recomputed: {result.with_digest.cell()} ms")
    _warm_digest(engine, cid)
    for method in ("mean", "schulze"):
        _clear_rankings(engine, cid)  # the process measured must compute, not read the cache
        result.peak_kib[method] = _peak(url, slug, method)
    return result


def run(url: str, sizes: list[tuple[int, int]], repeat: int, log: Log) -> list[SizeResult]:
    migrate.upgrade(Settings(database_url=url))
    engine = make_engine(url)
    try:
        return [_measure(engine, url, p, t, repeat, log) for p, t in sizes]
    finally:
        engine.dispose()


def _judged(method: str, r: SizeResult) -> bool:
    """The targets are stated for 1M ratings (histogram methods) and for 100k participants x
    10 topics (schulze); other sizes, and zscore, are for information."""
    needs = METHODS[method].needs
    if needs == "pairwise":
        return (r.participants, r.topics) == SCHULZE_SHAPE
    return needs == "histograms" and r.ratings >= TARGET_RATINGS


def report(backend: str, results: list[SizeResult]) -> list[str]:
    lines = [f"### Rankings on {backend}", ""]
    lines.append(
        "Times in ms as min / median / max; ratio = median / median of the baseline. "
        "`schulze`'s baseline is the faster of the self-join and the Python scan."
    )
    lines.append("")
    lines.append("| shape | ratings | what | time (ms) | baseline | ratio | target | met |")
    lines.append("| --- | ---: | --- | ---: | --- | ---: | ---: | :---: |")
    for r in results:
        size = [f"{r.participants:,} x {r.topics}", f"{r.ratings:,}"]
        for what, timing in (
            ("bare aggregate GROUP BY", r.aggregate),
            ("bare pairwise self-join", r.pairwise),
            ("ordered scan, pairs in Python", r.scan),
        ):
            lines.append(
                "| " + " | ".join([*size, what, timing.cell(), "—", "1.00", "", ""]) + " |"
            )
        for method, timing in r.methods.items():
            if METHODS[method].needs == "pairwise":
                base, name = min((r.pairwise, "self-join"), (r.scan, "scan"), key=_median)
            else:
                base, name = r.aggregate, "aggregate"
            value = ratio(timing, base)
            judged = _judged(method, r)
            target = f"{TARGET}" if judged else "—"
            met = ("yes" if value <= TARGET else "**no**") if judged else "n/a"
            cells = [*size, f"`{method}` ranking", timing.cell(), name, f"{value:.2f}"]
            lines.append("| " + " | ".join([*cells, target, met]) + " |")
        if r.with_digest is not None:
            what = "`mean` ranking, ballots digest recomputed"
            cells = [*size, what, r.with_digest.cell(), "aggregate"]
            lines.append(
                "| "
                + " | ".join([*cells, f"{ratio(r.with_digest, r.aggregate):.2f}", "—", "n/a"])
                + " |"
            )
    lines.append("")
    by_ratings = sorted(results, key=lambda r: r.ratings)
    if len(by_ratings) >= 2:
        small, large = by_ratings[0], by_ratings[-1]
        lines.append("Peak resident memory of a process computing one ranking (KiB):")
        lines.append("")
        lines.append(f"| method | {small.ratings:,} ratings | {large.ratings:,} ratings | growth |")
        lines.append("| --- | ---: | ---: | ---: |")
        for method in small.peak_kib:
            a, b = small.peak_kib[method], large.peak_kib[method]
            lines.append(f"| `{method}` | {a:,} | {b:,} | {b / a:.2f}x |")
        lines.append("")
    return lines


def _median(pair: tuple[Timing, str]) -> float:
    return pair[0].median
