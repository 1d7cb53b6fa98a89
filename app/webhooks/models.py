from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class Webhook(Base):
    """An endpoint an administrator registered for some event types. Its secret signs every
    delivery (Standard Webhooks); it is a signing key the server must use in clear, so it is
    stored as it was shown (docs/decisions.md)."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    # The event types, space-separated, in the order of app.webhooks.events.EVENTS.
    events: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(100))
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(Base):
    """One event for one webhook: an outbox message (kind `webhook`) that carries it. The
    message holds the body and the delivery's state; this row ties it to its webhook."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index(None, "webhook_id", "message_id"),)

    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="CASCADE"), primary_key=True
    )
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(64))
    # The `webhook-id` header: the same on every attempt, so a receiver can drop duplicates.
    webhook_message_id: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
