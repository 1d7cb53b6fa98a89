"""The method agreement's target: at ~1M ratings, `GET …/ranking/agreement` (every method scored
once from one reading of the tallies, then tau-b and the top sets) within 1.5x of computing the
eight rankings alone (each method's ranking with the cache cleared and the ballots digest warm,
one after the other, as `bench/ranking.py` times them). Also, for information, each ranking on its
own, `consensus`'s against the bare aggregate as the other histogram methods are judged.

    python -m bench.agreement [--repeat 3] [--quick]

runs only this piece, on SQLite and (with CONSULTA_BENCH_POSTGRES_URL or
CONSULTA_TEST_POSTGRES_URL) PostgreSQL (in a database `consulta_bench_agreement`, dropped
afterwards), and puts its sections into bench/RESULTS.md in place of
the earlier ones; `python -m bench.run` runs it with everything else.
"""

import argparse
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

from sqlalchemy import Engine, delete, or_

from app import migrate
from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.models import CachedResult, Consultation
from app.results import service
from app.scoring import METHODS
from bench import data
from bench.ranking import (
    BARE_AGGREGATE,
    TARGET,
    TARGET_RATINGS,
    Log,
    _bare,
    _rank,
    _warm_digest,
)
from bench.timing import Timing, ratio, timed

SHAPE = (58_800, 20)  # ~1M ratings
QUICK_SHAPE = (5_880, 20)  # ~100k


@dataclass
class AgreementResult:
    participants: int
    topics: int
    ratings: int
    aggregate: Timing
    agreement: Timing
    eight: Timing  # the eight rankings, one after another
    rankings: dict[str, Timing] = field(default_factory=dict)


def _clear(engine: Engine, consultation_id: int) -> None:
    with make_sessionmaker(engine).begin() as session:
        session.execute(
            delete(CachedResult).where(
                CachedResult.consultation_id == consultation_id,
                or_(CachedResult.key.like("ranking:%"), CachedResult.key.like("agreement:%")),
            )
        )


def _agreement(engine: Engine, consultation_id: int) -> None:
    with make_sessionmaker(engine)() as session:
        consultation = session.get(Consultation, consultation_id)
        assert consultation is not None
        service.agreement(session, consultation, top=None)
        session.rollback()


def _eight_rankings(engine: Engine, consultation_id: int, repeat: int) -> dict[str, Timing]:
    """Each method's ranking, every repetition computing all eight after clearing the cache."""
    samples: dict[str, list[float]] = {method: [] for method in METHODS}
    for _ in range(repeat):
        _clear(engine, consultation_id)
        for method in METHODS:
            started = time.perf_counter()
            _rank(engine, consultation_id, method)
            samples[method].append(time.perf_counter() - started)
    return {method: Timing(tuple(values)) for method, values in samples.items()}


def run(url: str, shape: tuple[int, int], repeat: int, log: Log) -> AgreementResult:
    migrate.upgrade(Settings(database_url=url))
    engine = make_engine(url)
    try:
        participants, topics = shape
        slug = f"agreement-{participants}x{topics}"
        count = data.load(engine, slug, participants, topics)
        cid = data.consultation_id(engine, slug)
        log(f"  loaded {count} ratings ({participants} x {topics})")
        _warm_digest(engine, cid)
        aggregate = timed(lambda: _bare(engine, BARE_AGGREGATE, cid), repeat)
        rankings = _eight_rankings(engine, cid, repeat)
        eight = Timing(tuple(map(sum, zip(*(t.samples for t in rankings.values()), strict=True))))
        log(f"  the eight rankings: {eight.cell()} ms")
        agreement = timed(
            lambda: _agreement(engine, cid), repeat, before=lambda: _clear(engine, cid)
        )
        log(f"  agreement: {agreement.cell()} ms")
        return AgreementResult(participants, topics, count, aggregate, agreement, eight, rankings)
    finally:
        engine.dispose()


def report(backend: str, r: AgreementResult) -> list[str]:
    value = ratio(r.agreement, r.eight)
    size = [f"{r.participants:,} x {r.topics}", f"{r.ratings:,}"]
    lines = [f"### Method agreement on {backend}", ""]
    lines.append(
        "`GET …/ranking/agreement` (every method scored once from one reading of the tallies, "
        "tau-b between every two, the top sets) against the eight rankings computed one after "
        "another, each with the result cache cleared and the ballots digest warm. Times in ms "
        "as min / median / max; ratio = median / median of the baseline. "
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end."
    )
    lines.append("")
    lines.append("| shape | ratings | what | time (ms) | baseline | ratio | target | met |")
    lines.append("| --- | ---: | --- | ---: | --- | ---: | ---: | :---: |")

    def row(what: str, timing: Timing, base: str, value: float | None, judged: bool) -> None:
        met = ("yes" if value is not None and value <= TARGET else "**no**") if judged else "n/a"
        cells = [*size, what, timing.cell(), base, "1.00" if value is None else f"{value:.2f}"]
        lines.append("| " + " | ".join([*cells, f"{TARGET}" if judged else "—", met]) + " |")

    # Judged at 1M ratings; `consensus` as the other histogram methods are in the rankings table.
    at_target = r.ratings >= TARGET_RATINGS
    row("bare aggregate GROUP BY", r.aggregate, "—", None, False)
    for method, timing in r.rankings.items():
        judged = at_target and method == "consensus"
        row(f"`{method}` ranking", timing, "aggregate", ratio(timing, r.aggregate), judged)
    row("the eight rankings, one after another", r.eight, "—", None, False)
    row("method agreement", r.agreement, "eight rankings", value, at_target)
    lines.append("")
    return lines


def replace_sections(text: str, backend: str, section: list[str]) -> str:
    """`text` with its "Method agreement on {backend}" section replaced by `section`, or the
    section put after that backend's rankings (or at the end) if it had none."""
    from bench.run import replace_section

    return replace_section(
        text, f"Method agreement on {backend}", section, f"Rankings on {backend}"
    )


def main() -> None:
    # bench.run imports this module to run it with everything else.
    from bench.run import backends, log, update_results

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="~100k ratings, to try it")
    args = parser.parse_args()
    shape = QUICK_SHAPE if args.quick else SHAPE
    updates: list[Callable[[str], str]] = []
    for name, fresh in backends("consulta_bench_agreement"):
        with fresh() as url:
            log(f"{name}: method agreement")
            section = report(name, run(url, shape, args.repeat, log))
        updates.append(partial(replace_sections, backend=name, section=section))
    update_results(updates)


if __name__ == "__main__":
    main()
