"""Mounts the pages and their static files on the app."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.web.i18n import LANGUAGES
from app.web.pages import (
    accounts,
    agenda,
    committee,
    consultation,
    home,
    identity,
    results,
    sessions,
)
from app.web.rendering import environment

STATIC = Path(__file__).parent / "static"


def install_pages(app: FastAPI) -> None:
    for lang in LANGUAGES:  # a broken catalogue or template directory fails at start
        environment(lang)
    for module in (home, accounts, identity, consultation, results, agenda, committee, sessions):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
