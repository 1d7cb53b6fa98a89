"""The agenda as iCalendar (RFC 5545): one event per session that has times."""

import re
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from app.agenda.models import AgendaSession
from app.consultations.models import Consultation
from app.vocabulary import PersonRole

ROLE_TITLES = {
    PersonRole.panelist: "Panelists",
    PersonRole.moderator: "Moderator",
    PersonRole.rapporteur: "Rapporteur",
    PersonRole.remote_moderator: "Remote moderator",
}


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """Text for a single-line property: whatever was stored, no character of it may end the
    line (a bare CR would start a property of its own)."""
    return " ".join(CONTROL.sub(" ", text).split())


def lines(text: str) -> str:
    """Text for DESCRIPTION: line breaks as newlines (escaped by icalendar), no other control
    character."""
    return CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))


def person_line(name: str, organization: str | None) -> str:
    return f"{name} ({organization})" if organization else name


def people_by_role(row: AgendaSession) -> list[tuple[str, list[str]]]:
    grouped = []
    for role, title in ROLE_TITLES.items():
        names = [person_line(p.name, p.organization) for p in row.people if p.role == role]
        if names:
            grouped.append((title, names))
    return grouped


def agenda_ics(consultation: Consultation, sessions: list[AgendaSession]) -> bytes:
    zone = ZoneInfo(consultation.timezone)
    calendar = Calendar()
    calendar.add("prodid", "-//Consulta//Agenda//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", one_line(consultation.title))
    for row in sessions:
        if row.starts_at is None or row.ends_at is None:
            continue
        event = Event()
        event.add("uid", f"session-{row.id}@{consultation.slug}.consulta")
        event.add("summary", one_line(row.title))
        event.add("dtstart", row.starts_at.astimezone(zone))
        event.add("dtend", row.ends_at.astimezone(zone))
        event.add("dtstamp", row.updated_at)
        if row.room:
            event.add("location", one_line(row.room))
        text = [row.description] if row.description else []
        text += [f"{title}: {'; '.join(names)}" for title, names in people_by_role(row)]
        text += [f"- {q}" for q in row.questions]
        if text:
            event.add("description", lines("\n".join(text)))
        event.add("categories", [row.format])
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
