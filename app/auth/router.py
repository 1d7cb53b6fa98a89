from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm

from app.auth import service
from app.auth.dependencies import BearerToken, CurrentAccount, FullPowers, Hasher
from app.auth.models import Account
from app.auth.schemas import AccountCreate, AccountPublic, AccountUpdate, Me, TokenPublic
from app.deps import SessionDep, SettingsDep
from app.errors import problem
from app.openapi import problems

router = APIRouter(tags=["accounts"])


@router.post(
    "/accounts",
    status_code=201,
    response_model=AccountPublic,
    responses=problems(400, 409, 413, 422),
)
def register(data: AccountCreate, session: SessionDep, hasher: Hasher) -> Account:
    """Create a participant account."""
    return service.create(session, data=data, hasher=hasher)


@router.post("/auth/token", response_model=TokenPublic, responses=problems(401, 422, 429))
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    hasher: Hasher,
) -> TokenPublic | JSONResponse:
    """Exchange email (`username`) and password for a bearer token."""
    client = request.client.host if request.client else "unknown"
    throttle = service.Throttle(
        settings.login_max_failures, timedelta(seconds=settings.login_window_seconds)
    )
    service.check_throttle(session, email=form.username, client=client, throttle=throttle)
    account = service.authenticate(
        session, email=form.username, password=form.password, hasher=hasher
    )
    if account is None:
        # Returned, not raised, so that the failure is committed and counts for throttling.
        service.record_failure(session, email=form.username, client=client, throttle=throttle)
        return problem(
            request,
            401,
            "Wrong email or password.",
            kind="unauthorized",
            headers={"WWW-Authenticate": "Bearer"},
        )
    lifetime = timedelta(minutes=settings.token_lifetime_minutes)
    token, expires_at = service.issue_token(
        session, account=account, lifetime=lifetime, email=form.username
    )
    return TokenPublic(access_token=token, expires_at=expires_at)


@router.delete("/auth/token", status_code=204, responses=problems(401))
def logout(_: CurrentAccount, token: BearerToken, session: SessionDep) -> Response:
    """Revoke the token presented with this request."""
    assert token is not None
    service.revoke(session, token)
    return Response(status_code=204)


@router.get("/me", responses=problems(401))
def read_me(account: CurrentAccount, session: SessionDep) -> Me:
    """Your own profile, with your program committee seats."""
    return service.profile(session, account)


@router.patch("/me", responses=problems(400, 401, 403, 413, 422))
def update_me(data: AccountUpdate, account: FullPowers, session: SessionDep, hasher: Hasher) -> Me:
    """Change your profile or password. Ratings already cast keep the stakeholder group you had
    when you first rated in each consultation."""
    service.update(session, account=account, data=data, hasher=hasher)
    return service.profile(session, account)
