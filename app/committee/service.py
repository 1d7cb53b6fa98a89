from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.models import Account
from app.auth.tokens import new_token, token_hash
from app.committee.models import Seat
from app.committee.schemas import CommitteePublic, GroupSeats, MemberPublic, SeatCreate
from app.consultations.models import Consultation
from app.db import utcnow
from app.errors import Conflict, Invalid, NotFound, conflict_on_duplicate
from app.mail.service import Mailer
from app.vocabulary import COMMITTEE_GROUPS

INVITATION_LIFETIME = timedelta(days=14)


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


def seat(
    session: Session,
    *,
    consultation: Consultation,
    data: SeatCreate,
    actor: Account,
    mailer: Mailer,
    language: str,
) -> Seat:
    """Seats a member in the first free seat of the group; 409 when the group is full. With an
    email: linked at once to the verified account that has it, or else an invitation is mailed
    (in `data.language` or else `language`) and the seat links when that email is verified."""
    if data.stakeholder_group not in COMMITTEE_GROUPS:
        groups = ", ".join(g.value for g in COMMITTEE_GROUPS)
        raise Invalid(
            f"Committee seats are for the four committee groups: {groups}.",
            loc=("body", "stakeholder_group"),
        )
    account_id = None
    invited_email = None
    if data.email is not None:
        email = data.email.lower()
        account = session.scalar(select(Account).where(Account.email == email))
        if account is not None and account.email_verified:
            account_id = account.id
        else:
            invited_email = email
        if session.scalar(
            select(Seat.id)
            .outerjoin(Account, Account.id == Seat.account_id)
            .where(
                Seat.consultation_id == consultation.id,
                or_(Account.email == email, Seat.invited_email == email),
            )
        ):
            raise Conflict("This person already holds or is invited to a seat on this committee.")
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
        invited_email=invited_email,
    )
    invitation = None
    if invited_email is not None:
        invitation = new_token()
        member.invitation_hash = token_hash(invitation)
        member.invitation_expires_at = utcnow() + INVITATION_LIFETIME
    with conflict_on_duplicate(
        session, "The seat was taken at the same moment; try again.", Conflict
    ):
        session.add(member)
    audit.consultation_event(
        session,
        consultation,
        "committee.seat",
        actor=actor,
        target=("seat", member.id),
        detail={
            "name": member.name,
            "stakeholder_group": member.stakeholder_group,
            "invited": invitation is not None,
        },
    )
    if invitation is not None and invited_email is not None:
        mailer.queue(
            session,
            to=invited_email,
            lang=data.language or language,
            template="invitation",
            name=member.name,
            consultation=consultation.title,
            link=mailer.link("/register", invitation=invitation),
        )
    return member


def invitation_seats(session: Session, token: str) -> list[Seat]:
    """The seats a live invitation token was mailed for (at most one)."""
    return list(
        session.scalars(
            select(Seat).where(
                Seat.invitation_hash == token_hash(token),
                Seat.invitation_expires_at > utcnow(),
            )
        )
    )


def invitation_email(session: Session, token: str) -> tuple[str, str] | None:
    """The invited address and the consultation's title, for the registration page."""
    row = session.execute(
        select(Seat.invited_email, Consultation.title)
        .join(Consultation, Consultation.id == Seat.consultation_id)
        .where(
            Seat.invitation_hash == token_hash(token),
            Seat.invitation_expires_at > utcnow(),
            Seat.invited_email.is_not(None),
        )
    ).first()
    return None if row is None or row.invited_email is None else (row.invited_email, row.title)


def link_invitations(session: Session, account: Account) -> list[Seat]:
    """Links the seats awaiting this (now verified) email to the account. A seat on a committee
    where the account already sits stays a record."""
    pending = list(
        session.scalars(
            select(Seat).where(Seat.invited_email == account.email, Seat.account_id.is_(None))
        )
    )
    seated = set(session.scalars(select(Seat.consultation_id).where(Seat.account_id == account.id)))
    linked = []
    for member in pending:
        member.invited_email = None
        member.invitation_hash = None
        member.invitation_expires_at = None
        if member.consultation_id in seated:
            continue
        member.account_id = account.id
        seated.add(member.consultation_id)
        linked.append(member)
        audit.record(
            session,
            "committee.link",
            actor=account,
            target=("seat", member.id),
            consultation_id=member.consultation_id,
            detail={"name": member.name, "stakeholder_group": member.stakeholder_group},
        )
    session.flush()
    return linked


def unseat(session: Session, *, consultation: Consultation, member_id: int, actor: Account) -> None:
    member = session.get(Seat, member_id)
    if member is None or member.consultation_id != consultation.id:
        raise NotFound(f"No committee member {member_id} on this consultation.")
    session.delete(member)
    audit.consultation_event(
        session,
        consultation,
        "committee.unseat",
        actor=actor,
        target=("seat", member_id),
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
        invited=member.invited_email is not None,
    )
