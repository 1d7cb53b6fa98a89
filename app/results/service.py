"""Rankings, stability, method agreement and the ballots digest: queries -> scoring -> cached
results.

Every result is cached with the tally version it was computed from; a ballot write bumps the
version in its own transaction, so a cached result is served only while it is still exact, by
any worker; or, if the caller allows it, while the consultation is open and the result is only
seconds old (see _cached).
"""

import csv
import io
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Executable, delete, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app import scoring
from app.consultations import lifecycle
from app.consultations.models import Consultation
from app.db import dialect_insert, utcnow, writing
from app.db_turns import defer
from app.errors import Invalid
from app.results import exports, queries
from app.results.models import CachedResult
from app.results.schemas import (
    Agreement,
    DoubtfulTopic,
    GroupFigures,
    MethodPublic,
    Ranking,
    RankingEntry,
    Stability,
    StabilityEntry,
    TopicBrief,
)

T = TypeVar("T", bound=BaseModel)
log = logging.getLogger(__name__)

MAX_DRAWS = 2000  # resampling is CPU time anyone may ask for: bounded
MAX_CACHED_PER_FAMILY = 16

STABILITY_NOTE = (
    "An estimate from resampling participants with replacement; repeatable with the same seed."
)


def methods() -> list[MethodPublic]:
    return [
        MethodPublic(name=m.name, title=m.title, description=m.description)
        for m in scoring.METHODS.values()
    ]


def is_public(consultation: Consultation) -> bool:
    return lifecycle.results_published(consultation.state, live_results=consultation.live_results)


def ballots_published(consultation: Consultation) -> bool:
    return lifecycle.ballots_published(consultation.state)


def method_or_default(
    consultation: Consultation, method: str | None, *, loc: tuple[str, ...] = ("query", "method")
) -> str:
    """`method`, or else the consultation's default; an unknown one is 422 at `loc`, where the
    caller gave it."""
    name = method or consultation.default_method
    if name not in scoring.METHODS:
        raise Invalid(
            f"Unknown scoring method '{name}'; one of: {', '.join(scoring.METHODS)}.", loc=loc
        )
    return name


def _cached(
    session: Session,
    consultation: Consultation,
    key: str,
    version: int,
    model: type[T],
    max_age: float,
) -> T | None:
    """The stored result if it is exact for `version`; while the consultation is open, also
    one computed less than `max_age` seconds ago. Ratings may arrive many times a second
    then, and each new version would otherwise mean recomputing the ballots digest, a pass
    over every rating (seconds at a million)."""
    row = session.get(CachedResult, (consultation.id, key))
    if row is None:
        return None
    if row.version != version:
        live = lifecycle.accepts_ballots(consultation.state)
        if not live or row.computed_at < utcnow() - timedelta(seconds=max_age):
            return None
    return model.model_validate_json(row.body)


def _store(
    session: Session,
    consultation_id: int,
    key: str,
    version: int,
    body: str,
    *,
    family: str | None = None,
) -> None:
    """Best effort: a result that cannot be cached right now is simply computed again. A
    result never replaces one computed from a later version. With `family` (a key prefix),
    only the MAX_CACHED_PER_FAMILY most recent results of that family are kept: callers
    choose the seed of a stability report, and each seed must not cost a row forever."""
    insert = dialect_insert(session)
    statement = insert(CachedResult).values(
        consultation_id=consultation_id, key=key, version=version, body=body, computed_at=utcnow()
    )
    statement = statement.on_conflict_do_update(
        index_elements=[CachedResult.consultation_id, CachedResult.key],
        set_={
            "version": statement.excluded.version,
            "body": statement.excluded.body,
            "computed_at": statement.excluded.computed_at,
        },
        where=CachedResult.version <= statement.excluded.version,
    )
    statements: list[Executable] = [statement]
    if family is not None:
        same = (CachedResult.consultation_id == consultation_id) & CachedResult.key.startswith(
            family, autoescape=True
        )
        recent = (
            select(CachedResult.key)
            .where(same)
            .order_by(CachedResult.computed_at.desc(), CachedResult.key)
            .limit(MAX_CACHED_PER_FAMILY)
        )
        statements.append(delete(CachedResult).where(same, CachedResult.key.not_in(recent)))

    def write(own: Session) -> None:
        for each in statements:
            own.execute(each)

    if not writing(session):
        defer(session, write)  # a read never writes (app.db_turns)
        return
    try:
        with session.begin_nested():
            write(session)
    except OperationalError as error:
        log.warning("a result could not be cached: %s", type(error).__name__)


def _cached_or_computed(
    session: Session,
    consultation: Consultation,
    key: str,
    model: type[T],
    max_age: float,
    compute: Callable[[int], T],
    *,
    family: str | None = None,
) -> T:
    """The result cached under `key` (see _cached), or `compute(version)`'s, stored under the
    tally version it was computed from."""
    version = queries.tally_version(session, consultation.id)
    cached = _cached(session, consultation, key, version, model, max_age)
    if cached is not None:
        return cached
    result = compute(version)
    _store(session, consultation.id, key, version, result.model_dump_json(), family=family)
    return result


def ballot_digest(session: Session, consultation: Consultation, version: int) -> str:
    row = session.get(CachedResult, (consultation.id, "ballots-digest"))
    if row is not None and row.version == version:
        return row.body
    value = exports.digest(exports.ballots_csv(session, consultation))
    _store(session, consultation.id, "ballots-digest", version, value)
    return value


def ranking(
    session: Session,
    consultation: Consultation,
    *,
    method: str,
    max_age: float = 0.0,
) -> Ranking:
    """Exact for the current tally version, unless `max_age` allows a recent result while the
    consultation is open (see _cached). Groups below min_group_size are folded into `other`
    for every caller, committee and admins included: a group of one would show that person's
    ratings."""

    def compute(version: int) -> Ranking:
        needs = scoring.METHODS[method].needs
        tallies = queries.tallies(
            session,
            consultation,
            with_profiles=needs == "profiles",
            with_pairwise=needs == "pairwise",
        )
        entries = scoring.rank(
            method,
            tallies,
            prior_weight=consultation.prior_weight,
            min_group_size=consultation.min_group_size,
            fold_groups=True,
        )
        return Ranking(
            method=method,
            participants=tallies.participants,
            ratings=sum(sum(counts) for counts in tallies.histograms.values()),
            ballot_digest=ballot_digest(session, consultation, version),
            computed_at=utcnow(),
            groups_folded=True,
            entries=[_entry(e) for e in entries],
        )

    return _cached_or_computed(
        session, consultation, f"ranking:{method}", Ranking, max_age, compute
    )


def _entry(entry: scoring.Entry) -> RankingEntry:
    return RankingEntry(
        rank=entry.rank,
        tied=entry.tied,
        topic=TopicBrief(id=entry.topic.id, title=entry.topic.title),
        score=entry.score,
        n=entry.n,
        histogram=entry.histogram,
        spread=entry.spread,
        interval=entry.interval,
        groups={g: GroupFigures(n=s.n, mean=s.mean) for g, s in entry.groups.items()},
    )


def ranking_csv(result: Ranking, levels: range) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "rank",
            "tied",
            "topic_id",
            "topic_title",
            "score",
            "n",
            "spread",
            "interval_low",
            "interval_high",
            *(f"level_{level}" for level in levels),
        ]
    )
    for e in result.entries:
        low, high = e.interval if e.interval else ("", "")
        row: list[Any] = [
            "" if e.rank is None else e.rank,
            str(e.tied).lower(),
            e.topic.id,
            exports.csv_text(e.topic.title),
            "" if e.score is None else repr(e.score),
            e.n,
            "" if e.spread is None else repr(e.spread),
            low,
            high,
            *(e.histogram.get(level, 0) for level in levels),
        ]
        writer.writerow(row)
    return buffer.getvalue()


def stability(
    session: Session,
    consultation: Consultation,
    *,
    method: str,
    top: int | None,
    draws: int,
    seed: int,
    max_age: float = 0.0,
) -> Stability:
    top = top or consultation.agenda_size
    key = f"stability:{method}:{top}:{draws}:{seed}"

    def compute(_version: int) -> Stability:
        matrix = queries.rating_matrix(session, consultation)
        report = scoring.stability(
            method,
            matrix,
            top=top,
            prior_weight=consultation.prior_weight,
            min_group_size=consultation.min_group_size,
            draws=draws,
            seed=seed,
        )
        return Stability(
            method=method,
            top=top,
            draws=draws,
            seed=seed,
            participants=len(matrix.groups),
            note=STABILITY_NOTE,
            entries=[
                StabilityEntry(
                    topic=TopicBrief(id=s.topic.id, title=s.topic.title),
                    rank=s.rank,
                    p_top=s.p_top,
                    rank_interval=s.rank_interval,
                )
                for s in report
            ],
        )

    return _cached_or_computed(
        session, consultation, key, Stability, max_age, compute, family="stability:"
    )


def agreement(
    session: Session, consultation: Consultation, *, top: int | None, max_age: float = 0.0
) -> Agreement:
    """Every method on one fetch of the tallies (each method scored once), compared: tau-b
    between every two, the topics in the top `top` under all of them, and under some only.
    Cached like a ranking; the same for every caller, since it shows no group's figures."""
    top = top or consultation.agenda_size

    def compute(version: int) -> Agreement:
        needs = {m.needs for m in scoring.METHODS.values()}
        tallies = queries.tallies(
            session,
            consultation,
            with_profiles="profiles" in needs,
            with_pairwise="pairwise" in needs,
        )
        found = scoring.agreement(
            tallies,
            top=top,
            prior_weight=consultation.prior_weight,
            min_group_size=consultation.min_group_size,
        )
        return Agreement(
            top=top,
            methods=list(found.methods),
            kendall_tau={m: dict(row) for m, row in found.kendall_tau.items()},
            in_all=[t.id for t in found.in_all],
            in_some=[
                DoubtfulTopic(topic_id=d.topic.id, title=d.topic.title, methods=list(d.methods))
                for d in found.in_some
            ],
            participants=tallies.participants,
            ballot_digest=ballot_digest(session, consultation, version),
            computed_at=utcnow(),
        )

    return _cached_or_computed(
        session, consultation, f"agreement:{top}", Agreement, max_age, compute
    )
