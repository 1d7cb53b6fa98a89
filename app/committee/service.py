from sqlalchemy import select
from sqlalchemy.orm import Session

from app.committee.models import Seat
from app.committee.schemas import CommitteePublic, GroupSeats, MemberPublic
from app.consultations.models import Consultation
from app.vocabulary import COMMITTEE_GROUPS


def seats(session: Session, consultation: Consultation) -> list[Seat]:
    return list(
        session.scalars(
            select(Seat)
            .where(Seat.consultation_id == consultation.id)
            .order_by(Seat.stakeholder_group, Seat.seat_number)
        )
    )


def committee(session: Session, consultation: Consultation) -> CommitteePublic:
    members = seats(session, consultation)
    groups = []
    for group in COMMITTEE_GROUPS:
        in_group = [
            MemberPublic(
                id=s.id,
                name=s.name,
                organization=s.organization,
                country=s.country,
                stakeholder_group=group,
                linked=s.account_id is not None,
            )
            for s in members
            if s.stakeholder_group == group
        ]
        vacancies = max(0, consultation.seats_per_group - len(in_group))
        groups.append(GroupSeats(stakeholder_group=group, members=in_group, vacancies=vacancies))
    return CommitteePublic(seats_per_group=consultation.seats_per_group, groups=groups)
