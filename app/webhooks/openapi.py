"""The events in the OpenAPI document (3.1 `webhooks`): what each delivery's body holds and
the Standard Webhooks headers that sign it. Documentation only: nothing is served here."""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Header
from pydantic import BaseModel, Field, create_model

from app.consultations.schemas import ConsultationPublic
from app.webhooks.events import DESCRIPTIONS, TEST_EVENT, WebhookEvent

SIGNING = (
    "\n\nSigned as Standard Webhooks specifies: `webhook-signature` is `v1,` followed by the "
    "base64 of HMAC-SHA256, keyed with the base64-decoded part of the webhook's secret after "
    "`whsec_`, over `{webhook-id}.{webhook-timestamp}.{body}` (the body's exact bytes). Answer "
    "with any 2xx status; anything else, no answer within the timeout, or no connection, and "
    "the delivery is tried again later (the same `webhook-id`, a new timestamp and signature)."
)


class WebhookTestData(BaseModel):
    webhook_id: int
    requested_by: int = Field(description="The administrator who asked for the test.")


def _data_of(event: str) -> Any:
    if event.startswith("consultation."):
        return ConsultationPublic
    if event == TEST_EVENT:
        return WebhookTestData
    return Annotated[
        dict[str, Any],
        Field(description="The proposal as `GET /consultations/{slug}/proposals` shows it."),
    ]


def _body(event: str) -> type[BaseModel]:
    name = "".join(part.capitalize() for part in event.replace(".", "_").split("_")) + "Event"
    model: type[BaseModel] = create_model(
        name,
        type=(Literal[event], ...),  # type: ignore[arg-type]
        timestamp=(datetime, Field(description="When the event happened (UTC).")),
        data=(_data_of(event), ...),
    )
    return model


def _receiver(event: str) -> Any:
    body_model = _body(event)

    def receive(
        body: body_model,  # type: ignore[valid-type]
        webhook_id: Annotated[
            str, Header(alias="webhook-id", description="The same on every attempt.")
        ],
        webhook_timestamp: Annotated[
            int, Header(alias="webhook-timestamp", description="Unix seconds of this attempt.")
        ],
        webhook_signature: Annotated[
            str, Header(alias="webhook-signature", description="`v1,` + base64 HMAC-SHA256.")
        ],
    ) -> None:
        """Documentation only."""

    return receive


def document_webhooks(app: FastAPI) -> None:
    for event in [*(e.value for e in WebhookEvent), TEST_EVENT]:
        app.webhooks.add_api_route(
            event,
            _receiver(event),
            methods=["POST"],
            summary=event,
            description=DESCRIPTIONS[event] + SIGNING,
            operation_id=f"webhook_{event.replace('.', '_')}",
            status_code=200,
            responses={200: {"description": "Received (any 2xx will do)."}},
        )
