from fastapi import APIRouter, Response

from app.auth.dependencies import FullPowers
from app.auth.personal import service
from app.auth.personal.schemas import (
    PersonalTokenCreate,
    PersonalTokenCreated,
    PersonalTokenPublic,
)
from app.deps import PageWindow, PathId, SessionDep
from app.openapi import problems
from app.pagination import Page

router = APIRouter(prefix="/auth/tokens", tags=["accounts"])


@router.post("", status_code=201, responses=problems(400, 401, 403, 409, 413, 422))
def create_token(
    data: PersonalTokenCreate, account: FullPowers, session: SessionDep
) -> PersonalTokenCreated:
    """Make a personal access token with a name, scopes and a lifetime (1 to 365 days); the
    token is in this response only."""
    return service.create(session, account=account, data=data)


@router.get("", responses=problems(401, 403, 422))
def list_tokens(
    account: FullPowers, session: SessionDep, page: PageWindow
) -> Page[PersonalTokenPublic]:
    """Your personal access tokens that have not expired, newest first (never the tokens)."""
    rows, total = service.listed(session, account=account, limit=page.limit, offset=page.offset)
    return Page(items=[service.to_public(r) for r in rows], total=total)


@router.delete("/{id}", status_code=204, responses=problems(401, 403, 404, 422))
def revoke_token(id: PathId, account: FullPowers, session: SessionDep) -> Response:
    """Revoke one of your personal access tokens; it stops working at once."""
    service.revoke(session, account=account, token_id=id)
    return Response(status_code=204)
