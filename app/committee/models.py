from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow
from app.vocabulary import COMMITTEE_GROUPS, sql_in


class Seat(Base):
    """A program committee seat. Linked to an account it grants committee powers on this
    consultation only (while the account's email is verified); unlinked it is a record (as for
    past editions) or a pending invitation.

    `seat_number` (1..seats_per_group, unique per group) lets the database refuse a seat past
    the limit even when two admins seat members at the same moment.
    """

    __tablename__ = "committee_seats"
    __table_args__ = (
        CheckConstraint(sql_in("stakeholder_group", COMMITTEE_GROUPS), name="stakeholder_group"),
        CheckConstraint("seat_number >= 1", name="seat_number"),
        UniqueConstraint(
            "consultation_id", "stakeholder_group", "seat_number", name="uq_committee_seats_seat"
        ),
        UniqueConstraint("consultation_id", "account_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    stakeholder_group: Mapped[str] = mapped_column(String(32))
    seat_number: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    organization: Mapped[str | None] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(2))
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    # A seat given by email to someone without a verified account: it links when that email
    # is verified. The token of the mailed invitation link is kept only as its SHA-256.
    invited_email: Mapped[str | None] = mapped_column(String(320), index=True)
    invitation_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invitation_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
