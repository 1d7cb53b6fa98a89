"""The event types a webhook subscribes to, and the test event every webhook can be sent."""

from enum import StrEnum


class WebhookEvent(StrEnum):
    consultation_proposals_opened = "consultation.proposals_opened"
    consultation_opened = "consultation.opened"
    consultation_closed = "consultation.closed"
    consultation_reopened = "consultation.reopened"
    consultation_finalized = "consultation.finalized"
    proposal_submitted = "proposal.submitted"


TEST_EVENT = "webhook.test"

DESCRIPTIONS: dict[str, str] = {
    WebhookEvent.consultation_proposals_opened: (
        "A consultation moved from `draft` to `proposals`: the call for topics is open."
    ),
    WebhookEvent.consultation_opened: "A consultation opened: participants can rate topics.",
    WebhookEvent.consultation_closed: "A consultation closed: its results and ballots are public.",
    WebhookEvent.consultation_reopened: "A closed consultation opened again.",
    WebhookEvent.consultation_finalized: "A consultation's agenda was finalized.",
    WebhookEvent.proposal_submitted: "A participant proposed a topic during the call for topics.",
    TEST_EVENT: "Sent by `POST /webhooks/{id}/test` to that webhook alone.",
}


def encode(events: list[WebhookEvent]) -> str:
    """As stored in `webhooks.events`: space-separated, in the order of WebhookEvent."""
    chosen = set(events)
    return " ".join(e.value for e in WebhookEvent if e in chosen)


def decode(text: str) -> list[WebhookEvent]:
    return [WebhookEvent(word) for word in text.split()]
