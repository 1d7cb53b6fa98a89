from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow

# pending: waits for its next attempt; sending: claimed by a dispatcher until `lease_until`;
# sent: delivered (final); failed: given up (final); kept: no transport is configured for its
# kind, so it stays here, logged (final).
STATUSES = ("pending", "sending", "sent", "failed", "kept")


class OutboxMessage(Base):
    """Something to deliver after the transaction that wrote it commits (a mail today; webhook
    deliveries later). One row per message, whatever its kind; a handler per kind delivers it."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in STATUSES) + ")", name="status"),
        CheckConstraint("attempts >= 0 AND max_attempts >= 1", name="attempts"),
        Index(None, "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    # Where it goes (a mail address, a URL) and a line for people (a mail's subject).
    target: Mapped[str] = mapped_column(String(2000))
    summary: Mapped[str] = mapped_column(String(500))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int]
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The dispatcher that claimed it (a random value per claim) and until when.
    claim: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class OutboxAttempt(Base):
    """One delivery attempt and its outcome, for whoever looks into a late or failed
    message."""

    __tablename__ = "outbox_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(16))
    # A protocol's own status where it has one (an SMTP reply code, an HTTP status).
    response_status: Mapped[int | None]
    detail: Mapped[str | None] = mapped_column(Text)
