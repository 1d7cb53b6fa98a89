from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session

from app.config import Settings
from app.consultations.dependencies import Access, VisibleConsultation
from app.db import transaction
from app.deps import SessionDep, SettingsDep
from app.openapi import problems
from app.responses import as_json
from app.results import exports, service
from app.results.schemas import Agreement, MethodPublic, Ranking, Stability

router = APIRouter(tags=["results"])
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


def _ranking(access: Access, session: Session, settings: Settings, method: str | None) -> Ranking:
    """The ranking as this caller may see it: small groups folded for the public, and while
    open possibly a few seconds old (settings.live_results_max_age_seconds)."""
    _require_results(access)
    return service.ranking(
        session,
        access.consultation,
        method=service.method_or_default(access.consultation, method),
        fold_groups=not access.can_manage,
        max_age=settings.live_results_max_age_seconds,
    )


@router.get(
    "/consultations/{slug}/ranking", response_model=Ranking, responses=problems(401, 403, 404, 422)
)
def read_ranking(
    access: VisibleConsultation, session: SessionDep, settings: SettingsDep, method: Method = None
) -> Response:
    """The topics ranked by a scoring method: public once closed (or with live results), for the
    committee and admins any time. Public output folds small stakeholder groups into `other`."""
    return as_json(_ranking(access, session, settings, method))


@router.get(
    "/consultations/{slug}/ranking.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **problems(401, 403, 404, 422)},
)
def read_ranking_csv(
    access: VisibleConsultation, session: SessionDep, settings: SettingsDep, method: Method = None
) -> Response:
    """The ranking as CSV: one row per topic, one column per scale level."""
    consultation = access.consultation
    result = _ranking(access, session, settings, method)
    levels = range(consultation.scale_min, consultation.scale_max + 1)
    filename = f"{consultation.slug}-ranking-{result.method}.csv"
    return Response(
        service.ranking_csv(result, levels),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/consultations/{slug}/ranking/stability", responses=problems(401, 403, 404, 422))
def read_stability(
    access: VisibleConsultation,
    session: SessionDep,
    settings: SettingsDep,
    method: Method = None,
    top: Annotated[int | None, Query(ge=1, le=1000, description="Default: agenda_size")] = None,
    draws: Annotated[int, Query(ge=200, le=5000)] = 200,
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
    access: VisibleConsultation,
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


@router.get(
    "/consultations/{slug}/ballots.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}, **problems(401, 403, 404, 422)},
)
def read_ballots_csv(access: VisibleConsultation, request: Request) -> StreamingResponse:
    """Anonymised ballots `ballot,stakeholder_group,topic_id,score` (small groups folded into
    `other`); the ranking's `ballot_digest` is the SHA-256 of exactly these bytes."""
    _require_results(access)
    consultation = access.consultation
    sessions = request.app.state.sessions

    def stream() -> Iterator[bytes]:
        with transaction(sessions) as session:
            yield from exports.ballots_csv(session, consultation)

    return StreamingResponse(
        stream(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{consultation.slug}-ballots.csv"'},
    )
