from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Enum,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import search
from app.db import Base, utcnow
from app.vocabulary import ConsultationState


class Consultation(Base):
    __tablename__ = "consultations"
    __table_args__ = (
        CheckConstraint(
            "scale_min >= -10 AND scale_min < scale_max AND scale_max - scale_min <= 10",
            name="scale",
        ),
        CheckConstraint("prior_weight >= 0", name="prior_weight"),
        CheckConstraint("min_group_size >= 1", name="min_group_size"),
        CheckConstraint("agenda_size >= 1", name="agenda_size"),
        CheckConstraint("seats_per_group >= 1", name="seats_per_group"),
        CheckConstraint("max_proposals_per_participant >= 1", name="max_proposals"),
        CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    forum: Mapped[str] = mapped_column(String(100))
    edition: Mapped[str] = mapped_column(String(50))
    city: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    secretariat: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    # A string column checked by the database (the constraint `ck_consultations_state`).
    state: Mapped[ConsultationState] = mapped_column(
        Enum(
            ConsultationState,
            name="state",
            native_enum=False,
            create_constraint=True,
            length=16,
            values_callable=lambda states: [s.value for s in states],
        ),
        default=ConsultationState.draft,
    )
    scale_min: Mapped[int] = mapped_column(default=1)
    scale_max: Mapped[int] = mapped_column(default=5)
    scale_labels: Mapped[list[str] | None] = mapped_column(JSON)
    default_method: Mapped[str] = mapped_column(String(32), default="mean")
    prior_weight: Mapped[float] = mapped_column(default=5.0)
    min_group_size: Mapped[int] = mapped_column(default=5)
    agenda_size: Mapped[int] = mapped_column(default=6)
    seats_per_group: Mapped[int] = mapped_column(default=3)
    live_results: Mapped[bool] = mapped_column(default=False)
    # When ratings are due: shown to participants. Closing stays an admin's move.
    closes_at: Mapped[datetime | None]
    require_verified_email: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The call for topics: how many proposals one participant may make.
    max_proposals_per_participant: Mapped[int] = mapped_column(default=3, server_default="3")
    # The language the texts are written in, and their translations: {lang: {field: text}}.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    translations: Mapped[dict[str, dict[str, Any]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    topics: Mapped[list["Topic"]] = relationship(
        back_populates="consultation", lazy="raise", order_by="Topic.position"
    )


class Topic(Base):
    __tablename__ = "topics"
    __table_args__ = (
        UniqueConstraint("consultation_id", "title"),
        # Target of composite foreign keys that keep a rating's topic inside its consultation.
        UniqueConstraint("id", "consultation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    # Where it came from: copied from an earlier edition's topic (None: typed in by the
    # secretariat or accepted from a proposal, which then names it as its topic_id).
    # (An id, not a foreign key: the record stands if that edition's topic goes.)
    copied_from_id: Mapped[int | None]
    # Title, description and their translations as a search compares them
    # (app.text.searchable), kept up to date on every write (search.keep_indexed, below).
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    translations: Mapped[dict[str, dict[str, Any]] | None] = mapped_column(JSON)

    consultation: Mapped[Consultation] = relationship(back_populates="topics", lazy="raise")


search.keep_indexed(Topic, "topic")
