"""create_app(): routers, error handlers and middleware; nothing else."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy.exc import SQLAlchemyError

from app import health, logs
from app.agenda.router import router as agenda_router
from app.audit.router import router as audit_router
from app.auth.openapi import document_security
from app.auth.passwords import make_hasher
from app.auth.personal.router import router as personal_tokens_router
from app.auth.router import router as auth_router
from app.ballots.router import router as ballots_router
from app.ballots.writer import BallotWriter
from app.committee.router import router as committee_router
from app.config import Settings, get_settings
from app.consultations.router import router as consultations_router
from app.consultations.router import topics_router
from app.db import make_engine, make_sessionmaker
from app.db_turns import WriteTurns
from app.docs import install_docs
from app.mail.service import Mailer
from app.middleware import BodyLimit, RequestContext
from app.migrate import head_revision
from app.outbox.setup import make_dispatcher
from app.problems import install_error_handlers
from app.proposals.router import router as proposals_router
from app.results.router import router as results_router
from app.routes import include
from app.server_secret import ServerSecret
from app.web.site import install_pages
from app.webhooks.openapi import document_webhooks
from app.webhooks.router import router as webhooks_router

API = "/api/v1"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.refuse_unsafe()
    logs.configure(settings)
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Everything loaded so far lives as long as the process: keep it out of the cyclic
        # collector's full passes, which otherwise scan it all (60-90 ms pauses under load).
        gc.freeze()
        with suppress(SQLAlchemyError):  # not migrated yet: /readyz says so, resolved later
            await anyio.to_thread.run_sync(lambda: app.state.secret.value)
        dispatcher.start()
        try:
            yield
        finally:
            await dispatcher.stop()
            engine.dispose()

    app = FastAPI(
        title="Consulta",
        version="1.0.0",
        summary="The public consultation that sets a multistakeholder forum's agenda.",
        lifespan=lifespan,
        docs_url=None,  # served from the package's own assets by app.docs
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = make_sessionmaker(engine)
    app.state.secret = ServerSecret(settings.configured_secret, app.state.sessions)
    app.state.write_turns = WriteTurns(app.state.sessions, sqlite=settings.is_sqlite)
    app.state.ballot_writer = BallotWriter(engine, app.state.secret, app.state.write_turns)
    app.state.hasher = make_hasher(settings)
    app.state.mailer = Mailer(
        public_url=settings.public_url,
        sender=settings.mail_from,
        max_attempts=settings.outbox_max_attempts,
    )
    app.state.outbox = dispatcher = make_dispatcher(
        settings, app.state.sessions, app.state.write_turns
    )
    app.state.head_revision = head_revision(settings)

    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
    app.add_middleware(RequestContext)

    include(app, health.router)
    for router in (
        auth_router,
        personal_tokens_router,
        consultations_router,
        topics_router,
        proposals_router,
        ballots_router,
        committee_router,
        results_router,
        agenda_router,
        audit_router,
        webhooks_router,
    ):
        include(app, router, prefix=API)
    document_webhooks(app)
    document_security(app)
    install_docs(app)
    install_pages(app)
    return app
