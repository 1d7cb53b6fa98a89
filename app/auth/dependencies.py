"""One dependency per account-level role: OptionalAccount (anyone), CurrentAccount
(participant: any signed-in account) and AdminAccount; OptionalCaller and CurrentCaller add
what the presented token may do (app.auth.scopes), and FullPowers refuses personal access
tokens. Committee powers depend on the consultation: see app.consultations.dependencies."""

from dataclasses import dataclass
from typing import Annotated

from argon2 import PasswordHasher
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from app.auth import service
from app.auth.models import Account
from app.auth.scopes import DESCRIPTIONS, Grant, InsufficientScope, Scope
from app.deps import SessionDep
from app.errors import Forbidden, Unauthorized
from app.mail.service import Mailer

bearer = OAuth2PasswordBearer(
    tokenUrl="/api/v1/auth/token",
    scopes={scope.value: text for scope, text in DESCRIPTIONS.items()},
    auto_error=False,
)
BearerToken = Annotated[str | None, Depends(bearer)]


@dataclass(frozen=True)
class Caller:
    account: Account
    grant: Grant


def caller_for(request: Request, session: Session, token: str | None) -> Caller | None:
    """The signed-in caller, None when anonymous; a bad token is 401."""
    if token is None:
        return None
    found = service.caller_for_token(session, token)
    if found is None:
        raise Unauthorized("The access token is invalid, expired or revoked.")
    account, grant = found
    request.state.account_id = account.id  # for the access log
    return Caller(account, grant)


def optional_caller(request: Request, session: SessionDep, token: BearerToken) -> Caller | None:
    return caller_for(request, session, token)


OptionalCaller = Annotated[Caller | None, Depends(optional_caller)]


def optional_account(caller: OptionalCaller) -> Account | None:
    return None if caller is None else caller.account


OptionalAccount = Annotated[Account | None, Depends(optional_account)]


def current_caller(caller: OptionalCaller) -> Caller:
    if caller is None:
        raise Unauthorized()
    return caller


CurrentCaller = Annotated[Caller, Depends(current_caller)]


def current_account(caller: CurrentCaller) -> Account:
    return caller.account


CurrentAccount = Annotated[Account, Depends(current_account)]


def admin_account(caller: CurrentCaller) -> Account:
    if not caller.account.is_admin:
        raise Forbidden("Only an administrator can do this.")
    if not caller.grant.allows(Scope.admin):
        raise InsufficientScope(Scope.admin)
    return caller.account


AdminAccount = Annotated[Account, Depends(admin_account)]


def full_powers(caller: CurrentCaller) -> Account:
    """The account itself (profile, password, tokens): never through a personal access token,
    or a token could change the password or mint itself wider scopes."""
    if not caller.grant.full:
        raise InsufficientScope()
    return caller.account


FullPowers = Annotated[Account, Depends(full_powers)]


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
