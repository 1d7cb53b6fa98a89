"""Including a router in an application, with its routes built once per process."""

from fastapi import APIRouter, FastAPI
from starlette.routing import BaseRoute

# By the router's id and the prefix: routers are module-level objects that live as long as the
# process (and an APIRouter is not hashable).
_INCLUDED: dict[tuple[int, str], tuple[BaseRoute, ...]] = {}


def include(app: FastAPI, router: APIRouter, prefix: str = "") -> None:
    """As `app.include_router(router, prefix=prefix)`, sharing the included routes between the
    applications of one process. FastAPI builds an included router's routes (their
    dependencies and models) lazily for each application: about a third of a second for all of
    ours, which every `create_app` paid again (the tests create one per test). Our routes depend
    on no setting, so one build serves every application."""
    key = (id(router), prefix)
    if key not in _INCLUDED:
        # A JSON body sent with no Content-Type is read as JSON; one sent as anything else is
        # refused (app.problems), so a browser's cross-site form still cannot post to the API.
        table = APIRouter(strict_content_type=False)
        table.include_router(router, prefix=prefix)
        _INCLUDED[key] = tuple(table.routes)
    app.router.routes.extend(_INCLUDED[key])
