from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow
from app.vocabulary import StakeholderGroup, sql_in


class Participant(Base):
    """One person's ballot in one consultation.

    The row is created with the first rating, which fixes the stakeholder group: editing a
    profile later moves no ratings between groups. `ballot_key` is the anonymous key published
    in ballots.csv. `account_id` is null for ballots imported from elsewhere (e.g. paper).
    """

    __tablename__ = "participants"
    __table_args__ = (
        CheckConstraint(sql_in("stakeholder_group", StakeholderGroup), name="stakeholder_group"),
        UniqueConstraint("consultation_id", "account_id"),
        UniqueConstraint("id", "consultation_id", "stakeholder_group"),
        Index(None, "consultation_id", "active", "stakeholder_group"),
        Index(None, "consultation_id", "ballot_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    stakeholder_group: Mapped[str] = mapped_column(String(32))
    ballot_key: Mapped[str] = mapped_column(String(64), unique=True)
    # Ballot writes are counted here, never itemised, so the audit can report activity
    # without recording anyone's ratings.
    ballot_writes: Mapped[int] = mapped_column(default=0)
    # Whether the participant has at least one rating now: group sizes count these rows
    # instead of scanning every rating for distinct participants.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Rating(Base):
    """A participant's score for one topic.

    Consultation and group are copied from the participant (composite foreign keys keep them
    equal) so that tallies are one GROUP BY over this table.
    """

    __tablename__ = "ratings"
    __table_args__ = (
        ForeignKeyConstraint(
            ["participant_id", "consultation_id", "stakeholder_group"],
            [
                "participants.id",
                "participants.consultation_id",
                "participants.stakeholder_group",
            ],
            name="fk_ratings_participant",
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["topic_id", "consultation_id"],
            ["topics.id", "topics.consultation_id"],
            ondelete="CASCADE",
        ),
        CheckConstraint("score BETWEEN -10 AND 20", name="score"),
        # Also serves the topic foreign key's lookups (consultation_id, topic_id): a separate
        # topic_id index would only be one more index for every rating write to update.
        Index(None, "consultation_id", "topic_id", "stakeholder_group", "score"),
    )

    participant_id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int]
    stakeholder_group: Mapped[str] = mapped_column(String(32))
    score: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
