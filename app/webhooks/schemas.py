from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from app.choices import each_once
from app.text import CONTROL, OneLine
from app.webhooks.events import WebhookEvent

MAX_URL = 2000


def _webhook_url(value: str) -> str:
    """http or https, a host, no credentials, no spaces or control characters."""
    if CONTROL.search(value) or any(c.isspace() for c in value):
        raise ValueError("must not hold spaces or control characters")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - a port out of range raises here
    except ValueError as exc:
        raise ValueError(f"is not a valid URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError("must be an http:// or https:// URL")
    if not parts.hostname:
        raise ValueError("must name a host")
    if "@" in parts.netloc:
        raise ValueError("must not carry credentials (user:password@); the signature authenticates")
    return value


WebhookUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_URL),
    AfterValidator(_webhook_url),
    Field(examples=["https://forum.example/hooks/consulta"]),
]
WebhookDescription = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500), OneLine
]


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: WebhookUrl
    events: Annotated[
        list[WebhookEvent],
        Field(min_length=1, max_length=len(WebhookEvent)),
        each_once(WebhookEvent, "an event type"),
    ]
    description: WebhookDescription | None = None


class WebhookPublic(BaseModel):
    """A webhook as listed: never its secret."""

    id: int
    url: str
    events: list[WebhookEvent]
    description: str | None
    created_at: datetime
    failing: bool = Field(
        description="Its last delivery attempt failed (an error status, a timeout, no answer)."
    )
    failing_since: datetime | None = Field(
        description="When the attempts that have failed since its last successful delivery began."
    )
    last_success_at: datetime | None


class WebhookCreated(BaseModel):
    id: int
    url: str
    events: list[WebhookEvent]
    description: str | None
    secret: str = Field(
        description="The signing secret (`whsec_` + base64 of 32 random bytes): shown only in "
        "this response."
    )


DeliveryStatus = Literal["pending", "sending", "sent", "failed"]


class DeliveryPublic(BaseModel):
    id: int
    event: str
    status: DeliveryStatus
    attempts: int
    max_attempts: int
    response_status: int | None = Field(description="The HTTP status of the last attempt.")
    next_attempt_at: datetime | None = Field(description="Set while it waits to be tried again.")
    message_id: str = Field(description="Its `webhook-id` header: the same on every attempt.")
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
