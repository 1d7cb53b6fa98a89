from fastapi import APIRouter, Response

from app.ballots import service
from app.ballots.schemas import BallotIn, BallotPublic, RatingPublic, Score
from app.consultations.dependencies import ParticipatingConsultation
from app.deps import SessionDep, SettingsDep
from app.openapi import problems

router = APIRouter(prefix="/consultations/{slug}/ballot", tags=["ballots"])


@router.get("", responses=problems(401, 404))
def read_ballot(
    access: ParticipatingConsultation, session: SessionDep, settings: SettingsDep
) -> BallotPublic:
    """Your own ratings and your anonymous `ballot_key` (your receipt in ballots.csv)."""
    return service.read(
        session,
        consultation=access.consultation,
        account=access.actor,
        secret=settings.secret_key.get_secret_value(),
    )


@router.put("", responses=problems(400, 401, 404, 409, 413, 422))
def replace_ballot(
    data: BallotIn, access: ParticipatingConsultation, session: SessionDep, settings: SettingsDep
) -> BallotPublic:
    """Replace your whole ballot, all or nothing; topics left out are no longer rated."""
    return service.replace(
        session,
        consultation=access.consultation,
        account=access.actor,
        ratings=data.ratings,
        secret=settings.secret_key.get_secret_value(),
    )


@router.put("/{topic_id}", responses=problems(400, 401, 404, 409, 422))
def rate_topic(
    topic_id: int,
    data: Score,
    access: ParticipatingConsultation,
    session: SessionDep,
    settings: SettingsDep,
) -> RatingPublic:
    """Set your rating of one topic."""
    return service.rate(
        session,
        consultation=access.consultation,
        account=access.actor,
        topic_id=topic_id,
        score=data.score,
        secret=settings.secret_key.get_secret_value(),
    )


@router.delete("/{topic_id}", status_code=204, responses=problems(401, 404, 409, 422))
def withdraw_rating(
    topic_id: int, access: ParticipatingConsultation, session: SessionDep
) -> Response:
    """Withdraw your rating of one topic."""
    service.withdraw(
        session, consultation=access.consultation, account=access.actor, topic_id=topic_id
    )
    return Response(status_code=204)
