"""Mounts the pages and their static files on the app."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.routes import include
from app.web.errors import install_page_errors
from app.web.i18n import LANGUAGES
from app.web.pages import (
    accounts,
    agenda,
    audit,
    committee,
    consultation,
    home,
    identity,
    manage,
    proposals,
    results,
    seats,
    sessions,
    setup,
    tokens,
    topics,
    webhooks,
)
from app.web.rendering import environment

STATIC = Path(__file__).parent / "static"


def install_pages(app: FastAPI) -> None:
    for lang in LANGUAGES:  # a broken catalogue or template directory fails at start
        environment(lang)
    for module in (
        home,
        identity,
        accounts,
        setup,
        manage,
        topics,
        proposals,
        seats,
        audit,
        consultation,
        results,
        agenda,
        committee,
        sessions,
        tokens,
        webhooks,
    ):
        include(app, module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    install_page_errors(app)
