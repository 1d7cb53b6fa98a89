from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError

from app.migrate import current_revision

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    database: str | None = Field(
        default=None, description="Why it is unavailable: `unreachable` or `not migrated`"
    )
    revision: str | None = Field(default=None, description="The database's migration revision")


@router.get("/healthz", response_model_exclude_none=True)
def healthz() -> Health:
    """The process is up."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Health,
    responses={503: {"model": Health, "description": "Database unreachable or not migrated"}},
)
def readyz(request: Request) -> JSONResponse:
    """The database is reachable and migrated to the revision this code expects."""
    expected = request.app.state.head_revision
    try:
        current = current_revision(request.app.state.engine)
    except SQLAlchemyError:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
    if current != expected:
        body = {"status": "unavailable", "database": "not migrated", "revision": current}
        return JSONResponse(body, 503)
    return JSONResponse({"status": "ok", "revision": current})
