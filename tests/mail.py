"""The mails the app queued in its outbox, and the links in them, as a person would read them:
the plain-text part, where every link stands alone on its own line."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db import make_engine, make_sessionmaker
from app.outbox.models import OutboxMessage

PUBLIC_URL = "http://localhost:8000"  # CONSULTA_PUBLIC_URL's default


def mails(sessions: sessionmaker[Session], to: str | None = None) -> list[dict[str, Any]]:
    """The queued mails' payloads, oldest first."""
    query = select(OutboxMessage.payload).where(OutboxMessage.kind == "mail")
    if to is not None:
        query = query.where(OutboxMessage.target == to.lower())
    with sessions() as session:
        return list(session.scalars(query.order_by(OutboxMessage.id)))


def link_in(text: str, path: str, base: str | None = None) -> str:
    """The line of `text` that is a link to `path` (under `base`, or any site); it holds
    nothing but the link."""
    lines = [line for line in text.splitlines() if f"{path}?" in line]
    assert len(lines) == 1, text
    assert lines[0].startswith(f"{base}{path}?" if base else "http"), lines[0]
    assert not any(c.isspace() for c in lines[0]), lines[0]
    return lines[0]


def query_value(link: str, name: str) -> str:
    return parse_qs(urlsplit(link).query)[name][0]


def latest_link(sessions: sessionmaker[Session], to: str, path: str) -> str:
    """The last link to `path` mailed to `to`."""
    sent = [m for m in mails(sessions, to) if any(f"{path}?" in link for link in m["links"])]
    assert sent, f"no mail to {to} with a link to {path}"
    return link_in(sent[-1]["text"], path)


def latest_token(sessions: sessionmaker[Session], to: str, path: str, name: str = "token") -> str:
    """The token of the last mailed link to `path` for `to`."""
    return query_value(latest_link(sessions, to, path), name)


def app_of(client: httpx.AsyncClient) -> FastAPI:
    """The app behind an ASGI test client."""
    transport = client._transport
    assert isinstance(transport, httpx.ASGITransport)
    app: FastAPI = transport.app  # type: ignore[assignment]
    return app


@contextmanager
def outbox_of(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on a served process's database, to read its outbox."""
    engine = make_engine(database_url)
    try:
        yield make_sessionmaker(engine)
    finally:
        engine.dispose()
