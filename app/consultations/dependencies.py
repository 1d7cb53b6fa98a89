"""Per-consultation roles. Each dependency loads the consultation named in the path and checks
the caller's role on it in one place. A draft is hidden (404) from everyone but admins and
its committee; a visible consultation refuses other callers with 401 or 403."""

from dataclasses import dataclass
from functools import cached_property
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from app.auth.dependencies import OptionalAccount, optional_account
from app.auth.models import Account
from app.consultations import service
from app.consultations.models import Consultation
from app.deps import SessionDep
from app.errors import Forbidden, NotFound, Unauthorized
from app.vocabulary import ConsultationState


@dataclass
class Access:
    session: Session
    consultation: Consultation
    account: Account | None

    @cached_property
    def is_committee(self) -> bool:
        """Looked up only when a rule needs it, so hot paths skip the query."""
        return self.account is not None and service.is_committee_member(
            self.session, consultation_id=self.consultation.id, account=self.account
        )

    @property
    def is_admin(self) -> bool:
        return self.account is not None and self.account.is_admin

    @property
    def can_manage(self) -> bool:
        return self.is_admin or self.is_committee

    @property
    def actor(self) -> Account:
        """The signed-in caller; the role dependencies have already refused anonymous ones."""
        if self.account is None:
            raise Unauthorized()
        return self.account

    def deny(self, detail: str) -> Exception:
        return Unauthorized(detail) if self.account is None else Forbidden(detail)


def visible_consultation(slug: str, session: SessionDep, account: OptionalAccount) -> Access:
    consultation = service.get_by_slug(session, slug)
    if consultation is None:
        raise NotFound(f"No consultation '{slug}'.")
    access = Access(session, consultation, account)
    if consultation.state == ConsultationState.draft and not access.can_manage:
        raise NotFound(f"No consultation '{slug}'.")
    return access


VisibleConsultation = Annotated[Access, Depends(visible_consultation)]


def managed_consultation(access: VisibleConsultation) -> Access:
    if not access.can_manage:
        raise access.deny("Only this consultation's program committee or an admin can do this.")
    return access


ManagedConsultation = Annotated[Access, Depends(managed_consultation)]


def administered_consultation(access: VisibleConsultation) -> Access:
    if not access.is_admin:
        raise access.deny("Only an administrator can do this.")
    return access


AdministeredConsultation = Annotated[Access, Depends(administered_consultation)]


def participating_consultation(access: VisibleConsultation) -> Access:
    if access.account is None:
        raise Unauthorized("Sign in to take part.")
    return access


ParticipatingConsultation = Annotated[Access, Depends(participating_consultation)]


def participant_access(request: Request, session: Session, slug: str, token: str | None) -> Access:
    """The same checks as ParticipatingConsultation, for endpoints that run their whole unit
    of work in one thread (see app.deps.in_one_write)."""
    account = optional_account(request, session, token)
    return participating_consultation(visible_consultation(slug, session, account))
