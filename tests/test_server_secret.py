"""The server secret: CONSULTA_SECRET_KEY, or generated once and kept in the database, so no
deployment runs on a published secret (issue 12, finding 1)."""

from pathlib import Path

import httpx
from sqlalchemy import select

from app.ballots.service import ballot_key
from app.config import PUBLISHED_SECRET_KEYS
from app.consultations.models import Consultation
from app.db import make_engine, make_sessionmaker
from app.server_secret import ServerSecretRow
from tests.databases import Reader
from tests.processes import ADMIN_PASSWORD, served

SLUG = "lacigf-2017"
EMAIL = "voter@example.org"


def _signed_in(http: httpx.Client) -> dict[str, str]:
    form = {"username": EMAIL, "password": ADMIN_PASSWORD}
    response = http.post("/api/v1/auth/token", data=form)
    if response.status_code == 401:
        account = {
            "email": EMAIL,
            "password": ADMIN_PASSWORD,
            "display_name": "Voter",
            "stakeholder_group": "civil_society",
            "country": "PA",
        }
        assert http.post("/api/v1/accounts", json=account).status_code == 201
        response = http.post("/api/v1/auth/token", data=form)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _ballot_key(base: str) -> tuple[int, str]:
    """The participant's account id and the ballot key every worker shows them."""
    with httpx.Client(base_url=base, timeout=10) as http:
        headers = _signed_in(http)
        account_id: int = http.get("/api/v1/me", headers=headers).json()["id"]
        keys = {
            http.get(f"/api/v1/consultations/{SLUG}/ballot", headers=headers).json()["ballot_key"]
            for _ in range(8)
        }
    assert len(keys) == 1, keys
    return account_id, keys.pop()


def test_a_fresh_server_generates_a_secret_that_every_worker_and_restart_shares(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    unset: dict[str, str | None] = {"CONSULTA_SECRET_KEY": None}
    with served(tmp_path, url, workers=2, env=unset) as (base, _):
        account_id, key = _ballot_key(base)
    with served(tmp_path, url, env=unset) as (base, _):
        assert _ballot_key(base) == (account_id, key)

    engine = make_engine(url)
    try:
        db = Reader(make_sessionmaker(engine))
        consultation_id = db.scalar(select(Consultation.id).where(Consultation.slug == SLUG))
        stored = db.scalars(select(ServerSecretRow.value))
    finally:
        engine.dispose()
    assert len(stored) == 1
    assert len(stored[0]) == 43  # 32 random bytes, URL-safe base64
    assert key == ballot_key(stored[0], consultation_id=consultation_id, account_id=account_id)
    for published in PUBLISHED_SECRET_KEYS:
        assert key != ballot_key(published, consultation_id=consultation_id, account_id=account_id)


def test_a_configured_secret_is_used_and_nothing_is_generated(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'configured.db'}"
    secret = "a-configured-secret-of-our-own"
    with served(tmp_path, url, env={"CONSULTA_SECRET_KEY": secret}) as (base, _):
        account_id, key = _ballot_key(base)
    engine = make_engine(url)
    try:
        db = Reader(make_sessionmaker(engine))
        consultation_id = db.scalar(select(Consultation.id).where(Consultation.slug == SLUG))
        assert db.scalars(select(ServerSecretRow.value)) == []
    finally:
        engine.dispose()
    assert key == ballot_key(secret, consultation_id=consultation_id, account_id=account_id)
