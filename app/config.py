"""Settings: the only place that reads the environment (prefix CONSULTA_)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE = Path(__file__).resolve().parent  # holds migrations/ and seed/, installed or not
# Published in earlier releases' documentation and defaults: never accepted as a secret.
PUBLISHED_SECRET_KEYS = frozenset({"change-me-in-production"})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONSULTA_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./consulta.db"
    # Unset: one is generated at first start and kept in the database (app.server_secret).
    secret_key: SecretStr | None = None
    admin_email: str | None = None
    admin_password: SecretStr | None = None
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    token_lifetime_minutes: int = Field(default=60 * 24 * 7, gt=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed to call the API from a browser"
    )
    # Sign-in throttling within the window: failures for one account from one client address,
    # and failures from one client address over all accounts.
    login_max_failures: int = Field(default=10, gt=0)
    login_max_failures_per_address: int = Field(default=100, gt=0)
    login_window_seconds: int = Field(default=15 * 60, gt=0)
    # Registrations, verification resends and password resets, each per client address and hour.
    account_requests_per_hour: int = Field(default=20, gt=0)
    # Mail. Without smtp_url, mails stay in the outbox and are logged with their links.
    smtp_url: SecretStr | None = None
    mail_from: str = "Consulta <consulta@localhost>"
    public_url: str = "http://localhost:8000"
    smtp_timeout_seconds: float = Field(default=30, gt=0)
    # The outbox's sender: how often an idle one looks for due messages, the first wait after
    # a failed attempt (doubling each time, at most retry_max), and how many attempts in all.
    outbox_poll_seconds: float = Field(default=5, gt=0)
    outbox_retry_seconds: float = Field(default=30, gt=0)
    outbox_retry_max_seconds: float = Field(default=3600, gt=0)
    outbox_max_attempts: int = Field(default=12, ge=1)
    # Webhooks: how long a delivery attempt waits to connect, to send, and for the answer.
    webhook_timeout_seconds: float = Field(default=10, gt=0, le=120)
    # Argon2id cost (RFC 9106's second recommended option by default); hashes made with other
    # parameters are upgraded at the next successful login.
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=64 * 1024, ge=8)
    argon2_parallelism: int = Field(default=4, ge=1)
    # While a consultation is open, a cached ranking or stability report up to this old is
    # served even if ratings arrived since (its computed_at says when); 0 = always exact.
    live_results_max_age_seconds: float = Field(default=5.0, ge=0)
    seed_dir: Path = PACKAGE / "seed"
    migrations_dir: Path = PACKAGE / "migrations"

    @property
    def configured_secret(self) -> str | None:
        return self.secret_key.get_secret_value() if self.secret_key else None

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL, the site's address")
        return value.rstrip("/")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def refuse_unsafe(self) -> None:
        """A published secret would let anyone recompute participants' ballot keys and topic
        orders and forge CSRF tokens: refuse to start with one, whatever the database."""
        if self.secret_key is None:
            return
        value = self.secret_key.get_secret_value()
        if value in PUBLISHED_SECRET_KEYS or not value.strip():
            raise UnsafeSettings(
                "CONSULTA_SECRET_KEY is empty or a published default. "
                "Unset it (a secret is then generated and kept in the database) or set it to "
                "a long random value, e.g. the output of "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'."
            )


class UnsafeSettings(ValueError):
    pass


@lru_cache
def get_settings() -> Settings:
    return Settings()
