from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from app.migrate import current_revision

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Database unreachable or not migrated"}})
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
