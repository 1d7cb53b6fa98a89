"""Per-consultation roles. Each dependency loads the consultation named in the path and checks
the caller's role on it in one place. A draft is hidden (404) from everyone but admins and
its committee; a visible consultation refuses other callers with 401 or 403.

A personal access token brings only the powers of its scopes (app.auth.scopes): committee
powers need `committee`, admin powers `admin`, one's own ballot `ballot`, results `results`.
A call the account could make with a full token is 403 `insufficient-scope`."""

from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from app.auth.dependencies import OptionalCaller, caller_for
from app.auth.models import Account
from app.auth.scopes import FULL, Grant, InsufficientScope, Scope
from app.consultations import lifecycle, service
from app.consultations.models import Consultation
from app.deps import SessionDep
from app.errors import DomainError, Forbidden, NotFound, Unauthorized

MANAGERS = (Scope.committee, Scope.admin)


@dataclass
class Access:
    session: Session
    consultation: Consultation
    account: Account | None
    grant: Grant = field(default=FULL)

    @cached_property
    def seated(self) -> bool:
        """Looked up only when a rule needs it, so hot paths skip the query."""
        return self.account is not None and service.is_committee_member(
            self.session, consultation_id=self.consultation.id, account=self.account
        )

    @property
    def is_committee(self) -> bool:
        return self.grant.allows(Scope.committee) and self.seated

    @property
    def is_admin(self) -> bool:
        return self.grant.allows(Scope.admin) and self.account is not None and self.account.is_admin

    @property
    def can_manage(self) -> bool:
        return self.is_admin or self.is_committee

    @property
    def actor(self) -> Account:
        """The signed-in caller; the role dependencies have already refused anonymous ones."""
        if self.account is None:
            raise Unauthorized()
        return self.account

    def withheld(self, roles: tuple[Scope, ...]) -> list[Scope]:
        """The roles among `roles` the account holds and its token leaves out."""
        if self.account is None or self.grant.full:
            return []
        missing = []
        for role in roles:
            if self.grant.allows(role):
                continue
            if self.account.is_admin if role is Scope.admin else self.seated:
                missing.append(role)
        return missing

    def deny(self, detail: str, roles: tuple[Scope, ...] = MANAGERS) -> DomainError:
        """401 for the anonymous; 403 otherwise, `insufficient-scope` when one of `roles`
        (the roles that would have been allowed) is the account's but not its token's."""
        if self.account is None:
            return Unauthorized(detail)
        missing = self.withheld(roles)
        return InsufficientScope(*missing) if missing else Forbidden(detail)

    def require_scope(self, scope: Scope) -> None:
        if not self.grant.allows(scope):
            raise InsufficientScope(scope)


def visible_consultation(
    slug: str, session: Session, account: Account | None, grant: Grant = FULL
) -> Access:
    consultation = service.get_by_slug(session, slug)
    if consultation is None:
        raise NotFound(f"No consultation '{slug}'.")
    access = Access(session, consultation, account, grant)
    if not lifecycle.public(consultation.state) and not access.can_manage:
        missing = access.withheld(MANAGERS)
        if missing:  # the account may see it: the token is what falls short
            raise InsufficientScope(*missing)
        raise NotFound(f"No consultation '{slug}'.")
    return access


def _visible(slug: str, session: SessionDep, caller: OptionalCaller) -> Access:
    if caller is None:
        return visible_consultation(slug, session, None)
    return visible_consultation(slug, session, caller.account, caller.grant)


VisibleConsultation = Annotated[Access, Depends(_visible)]


def managed_consultation(access: VisibleConsultation) -> Access:
    if not access.can_manage:
        raise access.deny("Only this consultation's program committee or an admin can do this.")
    return access


ManagedConsultation = Annotated[Access, Depends(managed_consultation)]


def administered_consultation(access: VisibleConsultation) -> Access:
    if not access.is_admin:
        raise access.deny("Only an administrator can do this.", roles=(Scope.admin,))
    return access


AdministeredConsultation = Annotated[Access, Depends(administered_consultation)]


def participating_consultation(access: VisibleConsultation) -> Access:
    if access.account is None:
        raise Unauthorized("Sign in to take part.")
    access.require_scope(Scope.ballot)
    return access


ParticipatingConsultation = Annotated[Access, Depends(participating_consultation)]


def results_consultation(access: VisibleConsultation) -> Access:
    """Reading results: a personal access token needs `results`. Who may see them when is
    the results' own rule (app.results.router)."""
    access.require_scope(Scope.results)
    return access


ResultsConsultation = Annotated[Access, Depends(results_consultation)]


def participant_access(request: Request, session: Session, slug: str, token: str | None) -> Access:
    """The same checks as ParticipatingConsultation, for endpoints that run their whole unit
    of work in one thread (see app.deps.in_one_write)."""
    caller = caller_for(request, session, token)
    if caller is None:
        access = visible_consultation(slug, session, None)
    else:
        access = visible_consultation(slug, session, caller.account, caller.grant)
    return participating_consultation(access)
