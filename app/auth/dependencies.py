"""One dependency per account-level role: OptionalAccount (anyone), CurrentAccount
(participant: any signed-in account) and AdminAccount. Committee powers depend on the
consultation: see app.consultations.dependencies."""

from typing import Annotated

from argon2 import PasswordHasher
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from app.auth import service
from app.auth.models import Account
from app.deps import SessionDep
from app.errors import Forbidden, Unauthorized
from app.mail.service import Mailer

bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
BearerToken = Annotated[str | None, Depends(bearer)]


def optional_account(request: Request, session: SessionDep, token: BearerToken) -> Account | None:
    if token is None:
        return None
    account = service.account_for_token(session, token)
    if account is None:
        raise Unauthorized("The access token is invalid, expired or revoked.")
    request.state.account_id = account.id  # for the access log
    return account


OptionalAccount = Annotated[Account | None, Depends(optional_account)]


def current_account(account: OptionalAccount) -> Account:
    if account is None:
        raise Unauthorized()
    return account


CurrentAccount = Annotated[Account, Depends(current_account)]


def admin_account(account: CurrentAccount) -> Account:
    if not account.is_admin:
        raise Forbidden("Only an administrator can do this.")
    return account


AdminAccount = Annotated[Account, Depends(admin_account)]


def client_address(request: Request) -> str:
    """The client's address as uvicorn resolved it: behind a proxy listed in
    FORWARDED_ALLOW_IPS, the one its X-Forwarded-For names."""
    return request.client.host if request.client else "unknown"


ClientAddress = Annotated[str, Depends(client_address)]


def get_mailer(request: Request) -> Mailer:
    mailer: Mailer = request.app.state.mailer
    return mailer


MailerDep = Annotated[Mailer, Depends(get_mailer)]


def get_hasher(request: Request) -> PasswordHasher:
    hasher: PasswordHasher = request.app.state.hasher
    return hasher


Hasher = Annotated[PasswordHasher, Depends(get_hasher)]
