"""The call for topics: what participants propose, and who supports what."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app import search
from app.db import Base, utcnow
from app.vocabulary import sql_in


class ProposalStatus(StrEnum):
    submitted = "submitted"
    accepted = "accepted"
    rejected = "rejected"
    merged = "merged"


class Proposal(Base):
    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint(sql_in("status", ProposalStatus), name="status"),
        CheckConstraint(
            "merged_into_proposal_id IS NULL OR merged_into_topic_id IS NULL", name="one_target"
        ),
        CheckConstraint(
            "merged_into_proposal_id IS NULL OR merged_into_proposal_id <> id", name="not_itself"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    # The proposer: never shown publicly.
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=ProposalStatus.submitted.value)
    # The candidate topic it became (accepted), or the one it ended up in (merged).
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="SET NULL"))
    merged_into_proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="SET NULL")
    )
    merged_into_topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("topics.id", ondelete="SET NULL")
    )
    reason: Mapped[str | None] = mapped_column(Text)  # why it was rejected
    # Title, description and their translations as a search compares them.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # {lang: {title, description}}; the original language is the consultation's.
    translations: Mapped[dict[str, dict[str, Any]] | None] = mapped_column(JSON)
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Support(Base):
    """One participant's support of one proposal (once)."""

    __tablename__ = "proposal_supports"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # Carried over from a proposal merged into this one (the id of that proposal).
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


search.keep_indexed(Proposal, "proposal")
