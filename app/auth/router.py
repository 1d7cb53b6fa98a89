from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm

from app.auth import service, throttling
from app.auth.dependencies import (
    BearerToken,
    ClientAddress,
    CurrentAccount,
    FullPowers,
    Hasher,
    MailerDep,
)
from app.auth.models import Account
from app.auth.schemas import (
    Accepted,
    AccountCreate,
    AccountPublic,
    AccountUpdate,
    Me,
    PasswordResetConfirm,
    PasswordResetRequest,
    TokenPublic,
    VerifyEmail,
)
from app.auth.throttling import TOO_MANY_REQUESTS, account_requests, sign_in_limits
from app.deps import SessionDep, SettingsDep
from app.errors import DomainError
from app.openapi import problems
from app.problems import as_problem, problem
from app.web.i18n import request_language

router = APIRouter(tags=["accounts"])

RESET_ACCEPTED = Accepted(
    detail="If an account has this email, a link to reset its password is on its way."
)


@router.post(
    "/accounts",
    status_code=201,
    response_model=AccountPublic,
    responses=problems(400, 409, 413, 422, 429),
)
def register(
    data: AccountCreate,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    hasher: Hasher,
    mailer: MailerDep,
    client: ClientAddress,
) -> Account | JSONResponse:
    """Create a participant account; a link to verify the email is mailed to it. At most
    `CONSULTA_ACCOUNT_REQUESTS_PER_HOUR` registrations per client address and hour."""
    limit = account_requests(settings)
    throttling.check_and_count(session, f"register:{client}", limit, TOO_MANY_REQUESTS)
    try:
        with session.begin_nested():  # a refusal undoes everything but the counted attempt
            return service.create(
                session,
                data=data,
                hasher=hasher,
                mailer=mailer,
                language=request_language(request),
            )
    except DomainError as exc:
        # Returned, not raised, so that the attempt is committed and counts for throttling.
        return as_problem(request, exc)


@router.post("/accounts/verify", response_model=AccountPublic, responses=problems(400, 413, 422))
def verify_email(data: VerifyEmail, session: SessionDep) -> Account:
    """Confirm an email address with the token of the link mailed to it (single use, valid 48
    hours). Committee seats awaiting this email link now."""
    return service.verify_email(session, token=data.token)


@router.post("/accounts/verify/resend", status_code=202, responses=problems(401, 409, 429))
def resend_verification(
    account: CurrentAccount,
    session: SessionDep,
    settings: SettingsDep,
    mailer: MailerDep,
    client: ClientAddress,
) -> Accepted:
    """Mail a new verification link; earlier links stop working. 409 once verified."""
    limit = account_requests(settings)
    throttling.check_and_count(session, f"resend:{client}", limit, TOO_MANY_REQUESTS)
    service.send_verification(session, account=account, mailer=mailer)
    return Accepted(detail=f"A new link is on its way to {account.email}.")


@router.post("/auth/password-reset", status_code=202, responses=problems(400, 413, 422, 429))
def request_password_reset(
    data: PasswordResetRequest,
    session: SessionDep,
    settings: SettingsDep,
    mailer: MailerDep,
    client: ClientAddress,
) -> Accepted:
    """Mail a link to choose a new password (valid one hour). The answer is the same whether
    or not an account has this email."""
    limit = account_requests(settings)
    throttling.check_and_count(session, f"reset:{client}", limit, TOO_MANY_REQUESTS)
    service.request_password_reset(session, email=data.email, mailer=mailer)
    return RESET_ACCEPTED


@router.post("/auth/password-reset/confirm", status_code=204, responses=problems(400, 413, 422))
def confirm_password_reset(
    data: PasswordResetConfirm, session: SessionDep, hasher: Hasher
) -> Response:
    """Set a new password with the token of the mailed link (single use). Every token and web
    session of the account is revoked."""
    service.confirm_password_reset(session, token=data.token, password=data.password, hasher=hasher)
    return Response(status_code=204)


@router.post("/auth/token", response_model=TokenPublic, responses=problems(401, 422, 429))
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    hasher: Hasher,
    client: ClientAddress,
) -> TokenPublic | JSONResponse:
    """Exchange email (`username`) and password for a bearer token."""
    limits = sign_in_limits(settings)
    service.check_throttle(session, email=form.username, client=client, limits=limits)
    account = service.authenticate(
        session, email=form.username, password=form.password, hasher=hasher
    )
    if account is None:
        # Returned, not raised, so that the failure is committed and counts for throttling.
        service.record_failure(session, email=form.username, client=client, limits=limits)
        return problem(
            request,
            401,
            "Wrong email or password.",
            kind="unauthorized",
            headers={"WWW-Authenticate": "Bearer"},
        )
    lifetime = timedelta(minutes=settings.token_lifetime_minutes)
    token, expires_at = service.issue_token(
        session, account=account, lifetime=lifetime, client=client
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
def update_me(
    data: AccountUpdate,
    account: FullPowers,
    token: BearerToken,
    session: SessionDep,
    hasher: Hasher,
) -> Me:
    """Change your profile, mail language or password. A new password needs
    `current_password` and signs out every other token and web session. Ratings already cast
    keep the stakeholder group you had when you first rated in each consultation."""
    service.update(session, account=account, data=data, hasher=hasher, current_token=token)
    return service.profile(session, account)
