"""What several pages share: the router factory and the consultation a page is about."""

from fastapi import APIRouter
from sqlalchemy.orm import Session

from app.consultations.dependencies import (
    Access,
    managed_consultation,
    visible_consultation,
)
from app.web.rendering import PageRoute
from app.web.visitors import Viewer


def page_router() -> APIRouter:
    return APIRouter(route_class=PageRoute, include_in_schema=False)


def consultation_for(session: Session, slug: str, viewer: Viewer) -> Access:
    """The same visibility rule as the API: drafts are 404 to all but admins and committee."""
    return visible_consultation(slug, session, viewer.account)


def managed_for(session: Session, slug: str, viewer: Viewer) -> Access:
    """Committee or admin; otherwise the API's 401 (here: sign in) or 403."""
    return managed_consultation(consultation_for(session, slug, viewer))
