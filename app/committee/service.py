from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.models import Account
from app.committee.models import Seat
from app.committee.schemas import CommitteePublic, GroupSeats, MemberPublic, SeatCreate
from app.consultations.models import Consultation
from app.errors import Conflict, Invalid, NotFound
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
        in_group = [member_public(s) for s in members if s.stakeholder_group == group]
        vacancies = max(0, consultation.seats_per_group - len(in_group))
        groups.append(GroupSeats(stakeholder_group=group, members=in_group, vacancies=vacancies))
    return CommitteePublic(seats_per_group=consultation.seats_per_group, groups=groups)


def seat(session: Session, *, consultation: Consultation, data: SeatCreate, actor: Account) -> Seat:
    """Seats a member in the first free seat of the group; 409 when the group is full."""
    if data.stakeholder_group not in COMMITTEE_GROUPS:
        groups = ", ".join(g.value for g in COMMITTEE_GROUPS)
        raise Invalid(
            f"Committee seats are for the four committee groups: {groups}.",
            loc=("body", "stakeholder_group"),
        )
    account_id = None
    if data.email is not None:
        account = session.scalar(select(Account).where(Account.email == data.email.lower()))
        if account is None:
            raise Invalid("No account with this email.", loc=("body", "email"))
        account_id = account.id
        if session.scalar(
            select(Seat.id).where(
                Seat.consultation_id == consultation.id, Seat.account_id == account_id
            )
        ):
            raise Conflict("This account already holds a seat on this committee.")
    taken = set(
        session.scalars(
            select(Seat.seat_number).where(
                Seat.consultation_id == consultation.id,
                Seat.stakeholder_group == data.stakeholder_group.value,
            )
        )
    )
    free = [n for n in range(1, consultation.seats_per_group + 1) if n not in taken]
    if not free:
        raise Conflict(
            f"The {data.stakeholder_group.value} group already has its "
            f"{consultation.seats_per_group} seats."
        )
    member = Seat(
        consultation_id=consultation.id,
        stakeholder_group=data.stakeholder_group.value,
        seat_number=free[0],
        name=data.name,
        organization=data.organization,
        country=data.country,
        account_id=account_id,
    )
    try:
        with session.begin_nested():
            session.add(member)
    except IntegrityError as exc:  # another admin took the seat at the same moment
        raise Conflict("The seat was taken at the same moment; try again.") from exc
    audit.record(
        session,
        actor=actor,
        action="committee.seat",
        target_type="seat",
        target_id=member.id,
        consultation_id=consultation.id,
        detail={"name": member.name, "stakeholder_group": member.stakeholder_group},
    )
    return member


def unseat(session: Session, *, consultation: Consultation, member_id: int, actor: Account) -> None:
    member = session.get(Seat, member_id)
    if member is None or member.consultation_id != consultation.id:
        raise NotFound(f"No committee member {member_id} on this consultation.")
    session.delete(member)
    audit.record(
        session,
        actor=actor,
        action="committee.unseat",
        target_type="seat",
        target_id=member_id,
        consultation_id=consultation.id,
        detail={"name": member.name, "stakeholder_group": member.stakeholder_group},
    )


def member_public(member: Seat) -> MemberPublic:
    return MemberPublic(
        id=member.id,
        name=member.name,
        organization=member.organization,
        country=member.country,
        stakeholder_group=member.stakeholder_group,
        linked=member.account_id is not None,
    )
