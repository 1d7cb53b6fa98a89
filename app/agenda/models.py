from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow
from app.vocabulary import PersonRole, SessionFormat, StakeholderGroup, sql_in


class AgendaSession(Base):
    """A session of the forum's agenda; `origin_*` records the ranking that proposed it, and
    `origin_agreement` which scoring methods had its topic in the top then
    (`{"top", "methods", "in_top"}`)."""

    __tablename__ = "agenda_sessions"
    __table_args__ = (
        CheckConstraint(sql_in("format", SessionFormat), name="format"),
        CheckConstraint(
            "ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at", name="times"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("topics.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    format: Mapped[str] = mapped_column(String(32), default=SessionFormat.panel.value)
    description: Mapped[str | None] = mapped_column(Text)
    room: Mapped[str | None] = mapped_column(String(200))
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    origin_method: Mapped[str | None] = mapped_column(String(32))
    origin_rank: Mapped[int | None]
    origin_score: Mapped[float | None]
    origin_computed_at: Mapped[datetime | None]
    origin_agreement: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    translations: Mapped[dict[str, dict[str, Any]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    people: Mapped[list["SessionPerson"]] = relationship(
        lazy="raise",
        order_by="SessionPerson.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class SessionPerson(Base):
    """One role held in a session. A person holding two roles has two rows; a role may be
    held by a group (e.g. "Youth LACIGF")."""

    __tablename__ = "session_people"
    __table_args__ = (
        CheckConstraint(sql_in("role", PersonRole), name="role"),
        CheckConstraint(
            f"stakeholder_group IS NULL OR {sql_in('stakeholder_group', StakeholderGroup)}",
            name="stakeholder_group",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_sessions.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    organization: Mapped[str | None] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(2))
    stakeholder_group: Mapped[str | None] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(default=0)
