"""The tally version: it moves with every committed ballot write, in the writing transaction,
so results cached at version V stay exact until it moves, whichever worker serves them."""

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.results.models import TallyVersion

# Run as it is by every ballot write: the grouped writer on the driver, the others through
# SQLAlchemy (`bump`).
BUMP = """
INSERT INTO tally_versions (consultation_id, version) VALUES (:consultation_id, 1)
ON CONFLICT (consultation_id) DO UPDATE SET version = tally_versions.version + 1
"""


def current(session: Session, consultation_id: int) -> int:
    version = session.scalar(
        select(TallyVersion.version).where(TallyVersion.consultation_id == consultation_id)
    )
    return version or 0


def bump(session: Session, consultation_id: int) -> None:
    """Counts one write, in the caller's transaction."""
    session.execute(text(BUMP), {"consultation_id": consultation_id})
