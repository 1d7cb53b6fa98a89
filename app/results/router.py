import tempfile
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session

from app.config import Settings
from app.consultations.dependencies import Access, ResultsConsultation
from app.db import transaction
from app.deps import SessionDep, SettingsDep
from app.downloads import attachment, file_route
from app.openapi import problems
from app.opendata import service as opendata
from app.responses import as_json
from app.results import exports, service
from app.results.schemas import Agreement, MethodPublic, Ranking, Stability
from app.results.service import MAX_DRAWS

router = APIRouter(tags=["results"])
SPOOL_BYTES = 16 * 1024 * 1024  # a larger package goes to a temporary file
CHUNK_BYTES = 256 * 1024
Method = Annotated[
    str | None,
    Query(description="A name from /scoring/methods; the consultation's default_method if unset"),
]


@router.get("/scoring/methods")
def list_methods() -> list[MethodPublic]:
    """Every scoring method, with a plain-language description."""
    return service.methods()


def _require_results(access: Access) -> None:
    if not (service.is_public(access.consultation) or access.can_manage):
        raise access.deny("Results are public once the consultation is closed.")


def _require_ballots(access: Access) -> None:
    """ballots.csv and the open-data package that carries it: only once closed, for every
    caller. While ratings arrive, watching it would tie each new key to the moment someone
    voted."""
    if not service.ballots_published(access.consultation):
        raise access.deny("The anonymised ballots are published once the consultation closes.")


def _ranking(access: Access, session: Session, settings: Settings, method: str | None) -> Ranking:
    """The ranking as this caller may see it: while open possibly a few seconds old
    (settings.live_results_max_age_seconds)."""
    _require_results(access)
    return service.ranking(
        session,
        access.consultation,
        method=service.method_or_default(access.consultation, method),
        max_age=settings.live_results_max_age_seconds,
    )


@router.get(
    "/consultations/{slug}/ranking", response_model=Ranking, responses=problems(401, 403, 404, 422)
)
def read_ranking(
    access: ResultsConsultation, session: SessionDep, settings: SettingsDep, method: Method = None
) -> Response:
    """The topics ranked by a scoring method: public once closed (or with live results), for the
    committee and admins any time. Public output folds small stakeholder groups into `other`."""
    return as_json(_ranking(access, session, settings, method))


@file_route(router, "/consultations/{slug}/ranking.csv", "text/csv")
def read_ranking_csv(
    access: ResultsConsultation, session: SessionDep, settings: SettingsDep, method: Method = None
) -> Response:
    """The ranking as CSV: one row per topic, one column per scale level."""
    consultation = access.consultation
    result = _ranking(access, session, settings, method)
    levels = range(consultation.scale_min, consultation.scale_max + 1)
    filename = f"{consultation.slug}-ranking-{result.method}.csv"
    return Response(
        service.ranking_csv(result, levels),
        media_type="text/csv; charset=utf-8",
        headers=attachment(filename),
    )


@router.get("/consultations/{slug}/ranking/stability", responses=problems(401, 403, 404, 422))
def read_stability(
    access: ResultsConsultation,
    session: SessionDep,
    settings: SettingsDep,
    method: Method = None,
    top: Annotated[int | None, Query(ge=1, le=1000, description="Default: agenda_size")] = None,
    draws: Annotated[int, Query(ge=200, le=MAX_DRAWS)] = 200,
    seed: Annotated[int, Query(ge=0, le=2**32 - 1)] = 0,
) -> Stability:
    """Per topic, the probability of being in the top `top` and a 90% rank interval, under
    seeded resampling of participants: an estimate for deciding the cut line."""
    _require_results(access)
    name = service.method_or_default(access.consultation, method)
    return service.stability(
        session,
        access.consultation,
        method=name,
        top=top,
        draws=draws,
        seed=seed,
        max_age=settings.live_results_max_age_seconds,
    )


@router.get("/consultations/{slug}/ranking/agreement", responses=problems(401, 403, 404, 422))
def read_agreement(
    access: ResultsConsultation,
    session: SessionDep,
    settings: SettingsDep,
    top: Annotated[int | None, Query(ge=1, le=1000, description="Default: agenda_size")] = None,
) -> Agreement:
    """How far the top `top` depends on the scoring method: Kendall's tau-b between every two
    methods, the topics in the top under every method (`in_all`) and under some only
    (`in_some`, with the methods). Visible as the ranking is."""
    _require_results(access)
    return service.agreement(
        session, access.consultation, top=top, max_age=settings.live_results_max_age_seconds
    )


@file_route(router, "/consultations/{slug}/ballots.csv", "text/csv")
def read_ballots_csv(access: ResultsConsultation, request: Request) -> StreamingResponse:
    """Anonymised ballots `ballot,stakeholder_group,topic_id,score` (small groups folded into
    `other`); the ranking's `ballot_digest` is the SHA-256 of exactly these bytes. Published
    once the consultation is closed, for every caller."""
    _require_ballots(access)
    consultation = access.consultation
    sessions = request.app.state.sessions

    def stream() -> Iterator[bytes]:
        with transaction(sessions) as session:
            yield from exports.ballots_csv(session, consultation)

    return StreamingResponse(
        stream(),
        media_type="text/csv; charset=utf-8",
        headers=attachment(f"{consultation.slug}-ballots.csv"),
    )


@file_route(router, "/consultations/{slug}/open-data.zip", "application/zip")
def read_open_data(
    access: ResultsConsultation, session: SessionDep, request: Request
) -> StreamingResponse:
    """The consultation as a Frictionless Data Package: datapackage.json with a Table Schema
    for topics.csv, ballots.csv (the same bytes as GET …/ballots.csv), ranking-{method}.csv
    for every method, committee.csv, sessions.csv and people.csv. Published as ballots.csv."""
    _require_ballots(access)
    consultation = access.consultation
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed below)
    try:
        opendata.write_package(
            session, consultation, spool, homepage=f"{request.base_url}c/{consultation.slug}"
        )
        spool.seek(0)
    except BaseException:
        spool.close()
        raise

    def stream() -> Iterator[bytes]:
        with spool:
            while chunk := spool.read(CHUNK_BYTES):
                yield chunk

    return StreamingResponse(
        stream(),
        media_type="application/zip",
        headers=attachment(f"{consultation.slug}-open-data.zip"),
    )
