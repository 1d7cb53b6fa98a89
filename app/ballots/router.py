from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from app.auth.dependencies import BearerToken
from app.ballots import rules, service
from app.ballots.schemas import BallotIn, BallotPublic, RatingPublic, Score
from app.ballots.writer import BallotWriter, Job, Written
from app.consultations.dependencies import ParticipatingConsultation, participant_access
from app.deps import PathId, SecretDep, SessionDep, in_one_write
from app.openapi import problems
from app.responses import as_json

router = APIRouter(prefix="/consultations/{slug}/ballot", tags=["ballots"])


async def grouped_write(request: Request, job: Job | None) -> Written | None:
    """The ordinary write, grouped with others into one transaction (app.ballots.writer);
    None when the general path must take it (anonymous callers always do)."""
    if job is None:
        return None
    writer: BallotWriter = request.app.state.ballot_writer
    written = await writer.write(job)
    if written is not None:
        request.state.account_id = written.account_id  # for the access log
    return written


@router.get("", responses=problems(401, 403, 404, 422))
def read_ballot(
    access: ParticipatingConsultation, session: SessionDep, secret: SecretDep
) -> BallotPublic:
    """Your own ratings and your anonymous `ballot_key` (your receipt in ballots.csv)."""
    return service.read(
        session,
        consultation=access.consultation,
        account=access.actor,
        secret=secret,
    )


@router.put("", response_model=BallotPublic, responses=problems(400, 401, 403, 404, 409, 413, 422))
async def replace_ballot(
    slug: str, data: BallotIn, request: Request, token: BearerToken, secret: SecretDep
) -> Response:
    """Replace your whole ballot, all or nothing; topics left out are no longer rated."""
    scores = [(r.topic_id, r.score) for r in data.ratings]
    written = await grouped_write(
        request, Job(token, slug, rules.Replace(scores)) if token else None
    )
    if written is not None:
        return as_json(
            BallotPublic(
                ballot_key=written.ballot_key,
                ratings=[
                    RatingPublic(topic_id=topic_id, score=score, updated_at=written.updated_at)
                    for topic_id, score in sorted(scores)
                ],
            )
        )

    def work(session: Session) -> BallotPublic:
        access = participant_access(request, session, slug, token)
        return service.replace(
            session,
            consultation=access.consultation,
            account=access.actor,
            ratings=data.ratings,
            secret=secret,
        )

    return as_json(await in_one_write(request, work))


@router.put(
    "/{topic_id}",
    response_model=RatingPublic,
    responses=problems(400, 401, 403, 404, 409, 413, 422),
)
async def rate_topic(
    slug: str,
    topic_id: PathId,
    data: Score,
    request: Request,
    token: BearerToken,
    secret: SecretDep,
) -> Response:
    """Set your rating of one topic."""
    written = await grouped_write(
        request, Job(token, slug, rules.Rate(topic_id, data.score)) if token else None
    )
    if written is not None:
        return as_json(
            RatingPublic(topic_id=topic_id, score=data.score, updated_at=written.updated_at)
        )

    def work(session: Session) -> RatingPublic:
        access = participant_access(request, session, slug, token)
        return service.rate(
            session,
            consultation=access.consultation,
            account=access.actor,
            topic_id=topic_id,
            score=data.score,
            secret=secret,
        )

    return as_json(await in_one_write(request, work))


@router.delete("/{topic_id}", status_code=204, responses=problems(401, 403, 404, 409, 422))
async def withdraw_rating(
    slug: str, topic_id: PathId, request: Request, token: BearerToken
) -> Response:
    """Withdraw your rating of one topic."""

    def work(session: Session) -> None:
        access = participant_access(request, session, slug, token)
        service.withdraw(
            session, consultation=access.consultation, account=access.actor, topic_id=topic_id
        )

    await in_one_write(request, work)
    return Response(status_code=204)
