"""Every domain's models in one import, so Alembic and the tests see every table."""

from app.agenda.models import AgendaSession, SessionPerson
from app.audit.models import AuditEntry
from app.auth.models import AccessToken, Account, EmailToken, SetupToken, ThrottleEvent
from app.ballots.models import Participant, Rating
from app.committee.models import Seat
from app.consultations.models import Consultation, Topic
from app.db import Base
from app.outbox.models import OutboxAttempt, OutboxMessage
from app.proposals.models import Proposal, Support
from app.results.models import CachedResult, TallyVersion
from app.server_secret import ServerSecretRow
from app.webhooks.models import Webhook, WebhookDelivery

__all__ = [
    "AccessToken",
    "Account",
    "AgendaSession",
    "AuditEntry",
    "Base",
    "CachedResult",
    "Consultation",
    "EmailToken",
    "OutboxAttempt",
    "OutboxMessage",
    "Participant",
    "Proposal",
    "Rating",
    "Seat",
    "ServerSecretRow",
    "SessionPerson",
    "SetupToken",
    "Support",
    "TallyVersion",
    "ThrottleEvent",
    "Topic",
    "Webhook",
    "WebhookDelivery",
]
