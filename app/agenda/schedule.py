"""The agenda in the frab/pretalx schedule format (schedule.json and schedule.xml), which
conference apps (Giggity, EventFahrplan, Confclerk, c3voc's tools) load.

It follows pretalx's exports and c3voc's schema (the XSD and schema.json that the tests check
it against): a conference with its days, each day's rooms, each room's events. Only sessions
with a start and an end are events, as in agenda.ics; times are in the consultation's time
zone. Every guid is a UUID5 of the consultation's slug and the session's id (or the room's
name, or the person's name folded as the agenda checks fold it), so a re-export gives the
same guids and apps keep their favourites.
"""

import hashlib
import json
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from importlib.metadata import version as package_version
from typing import Any
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from app.agenda.checks import person_key
from app.agenda.models import AgendaSession
from app.consultations.models import Consultation

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:consulta:schedule")
SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
TIMESLOT = "00:15"
# XML 1.0 has no place for most control characters; stored text never holds them, but an
# export must be well-formed whatever it is given.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def guid(slug: str, kind: str, key: str | int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{slug}/{kind}/{key}"))


def acronym(slug: str) -> str:
    """The slug as the schema's acronym: `[a-z0-9_]`, at least four characters."""
    return slug.replace("-", "_").ljust(4, "_")


def _slugify(text: str, limit: int = 60) -> str:
    bare = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", bare).strip("-")[:limit].strip("-")


def _hours_minutes(span: timedelta) -> str:
    minutes = int(span.total_seconds()) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class Person:
    guid: str
    name: str
    roles: list[str]
    organization: str | None


@dataclass(frozen=True)
class Event:
    id: int
    guid: str
    slug: str
    url: str
    title: str
    type: str
    track: str | None
    room: str
    start: datetime
    end: datetime
    description: str | None
    persons: list[Person]


@dataclass
class Day:
    index: int
    date: date
    start: datetime
    end: datetime
    rooms: dict[str, list[Event]] = field(default_factory=dict)


@dataclass(frozen=True)
class Schedule:
    slug: str
    title: str
    time_zone: str
    start: date
    end: date
    base_url: str
    url: str
    rooms: list[str]
    days: list[Day]

    @property
    def acronym(self) -> str:
        return acronym(self.slug)


def _persons(slug: str, row: AgendaSession) -> list[Person]:
    """Each person once, in agenda order, with every role they hold in the session."""
    people: dict[str, Person] = {}
    for p in row.people:
        key = person_key(p.name)
        if key in people:
            people[key].roles.append(p.role)
        else:
            people[key] = Person(guid(slug, "person", key), p.name, [p.role], p.organization)
    return list(people.values())


def _event(
    consultation: Consultation, row: AgendaSession, topics: dict[int, str], base_url: str
) -> Event:
    assert row.starts_at is not None
    assert row.ends_at is not None
    zone = ZoneInfo(consultation.timezone)
    slug = consultation.slug
    title_slug = _slugify(getattr(row, "original", row).title)  # the same in every language
    return Event(
        id=row.id,
        guid=guid(slug, "session", row.id),
        slug=f"{acronym(slug)}-session-{row.id}" + (f"-{title_slug}" if title_slug else ""),
        url=f"{base_url}c/{slug}/agenda#session-{row.id}",
        title=row.title,
        type=row.format,
        track=topics.get(row.topic_id) if row.topic_id is not None else None,
        room=row.room or consultation.city or consultation.title,
        start=row.starts_at.astimezone(zone),
        end=row.ends_at.astimezone(zone),
        description=row.description,
        persons=_persons(slug, row),
    )


def build(
    consultation: Consultation,
    sessions: list[AgendaSession],
    topics: dict[int, str],
    base_url: str,
) -> Schedule:
    """`sessions` in agenda order; `topics` maps topic ids to titles (the events' tracks);
    `base_url` ends with a slash."""
    zone = ZoneInfo(consultation.timezone)
    events = [
        _event(consultation, row, topics, base_url)
        for row in sessions
        if row.starts_at is not None and row.ends_at is not None
    ]
    dates = [d for d in (consultation.starts_on, consultation.ends_on) if d is not None]
    dates += [e.start.date() for e in events]
    first = min(dates, default=consultation.created_at.astimezone(zone).date())
    last = max(dates, default=first)
    days = []
    for index in range((last - first).days + 1):
        on = first + timedelta(days=index)
        start = datetime.combine(on, time(), zone)
        end = datetime.combine(on + timedelta(days=1), time(), zone)
        days.append(Day(index + 1, on, start, end))
    rooms: list[str] = []
    for event in sorted(events, key=lambda e: (e.start, e.id)):
        if event.room not in rooms:
            rooms.append(event.room)
        days[(event.start.date() - first).days].rooms.setdefault(event.room, []).append(event)
    for day in days:  # rooms in the order of the whole schedule's first use
        day.rooms = {room: day.rooms[room] for room in rooms if room in day.rooms}
    return Schedule(
        slug=consultation.slug,
        title=consultation.title,
        time_zone=consultation.timezone,
        start=first,
        end=last,
        base_url=base_url,
        url=f"{base_url}c/{consultation.slug}/agenda",
        rooms=rooms,
        days=days,
    )


def _version(days: list[dict[str, Any]]) -> str:
    """Changes whenever anything in the schedule does, and only then."""
    canonical = json.dumps(days, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(canonical).hexdigest()[:12]


def _event_json(event: Event) -> dict[str, Any]:
    return {
        "guid": event.guid,
        "id": event.id,
        "date": event.start.isoformat(),
        "start": event.start.strftime("%H:%M"),
        "end": event.end.isoformat(),
        "duration": _hours_minutes(event.end - event.start),
        "room": event.room,
        "slug": event.slug,
        "url": event.url,
        "title": event.title,
        "subtitle": "",
        "track": event.track,
        "type": event.type,
        "language": None,
        "abstract": None,
        "description": event.description,
        "persons": [
            {
                "guid": p.guid,
                "name": p.name,
                "public_name": p.name,
                "roles": p.roles,
                "organization": p.organization,
            }
            for p in event.persons
        ],
        "links": [],
    }


def as_json(schedule: Schedule) -> dict[str, Any]:
    days = [
        {
            "index": day.index,
            "date": day.date.isoformat(),
            "day_start": day.start.isoformat(),
            "day_end": day.end.isoformat(),
            "rooms": {room: [_event_json(e) for e in events] for room, events in day.rooms.items()},
        }
        for day in schedule.days
    ]
    return {
        "$schema": SCHEMA_URL,
        "generator": {"name": "consulta", "version": package_version("consulta")},
        "schedule": {
            "version": _version(days),
            "base_url": schedule.base_url,
            "url": schedule.url,
            "conference": {
                "acronym": schedule.acronym,
                "title": schedule.title,
                "start": schedule.start.isoformat(),
                "end": schedule.end.isoformat(),
                "daysCount": len(schedule.days),
                "timeslot_duration": TIMESLOT,
                "time_zone_name": schedule.time_zone,
                "url": schedule.url,
                "rooms": [
                    {"name": room, "guid": guid(schedule.slug, "room", room)}
                    for room in schedule.rooms
                ],
                "days": days,
            },
        },
    }


def _text(parent: ElementTree.Element, tag: str, value: str | None) -> None:
    ElementTree.SubElement(parent, tag).text = NOT_XML.sub("", value or "")


def _event_xml(parent: ElementTree.Element, event: Event) -> None:
    node = ElementTree.SubElement(parent, "event", guid=event.guid, id=str(event.id))
    _text(node, "room", event.room)
    _text(node, "title", event.title)
    _text(node, "subtitle", "")
    _text(node, "type", event.type)
    _text(node, "date", event.start.isoformat())
    _text(node, "start", event.start.strftime("%H:%M"))
    _text(node, "duration", _hours_minutes(event.end - event.start))
    _text(node, "abstract", "")
    _text(node, "slug", event.slug)
    _text(node, "track", event.track)
    persons = ElementTree.SubElement(node, "persons")
    for person in event.persons:
        ElementTree.SubElement(persons, "person", guid=person.guid).text = NOT_XML.sub(
            "", person.name
        )
    if event.description:
        _text(node, "description", event.description)
    ElementTree.SubElement(node, "links")
    _text(node, "url", event.url)


def as_xml(schedule: Schedule) -> bytes:
    document = as_json(schedule)
    root = ElementTree.Element("schedule")
    ElementTree.SubElement(
        root, "generator", name="consulta", version=document["generator"]["version"]
    )
    _text(root, "url", schedule.url)
    _text(root, "version", document["schedule"]["version"])
    conference = ElementTree.SubElement(root, "conference")
    _text(conference, "title", schedule.title)
    _text(conference, "acronym", schedule.acronym)
    _text(conference, "start", schedule.start.isoformat())
    _text(conference, "end", schedule.end.isoformat())
    _text(conference, "days", str(len(schedule.days)))
    _text(conference, "timeslot_duration", TIMESLOT)
    _text(conference, "base_url", schedule.base_url)
    _text(conference, "url", schedule.url)
    _text(conference, "time_zone_name", schedule.time_zone)
    for day in schedule.days:
        day_node = ElementTree.SubElement(
            root,
            "day",
            index=str(day.index),
            date=day.date.isoformat(),
            start=day.start.isoformat(),
            end=day.end.isoformat(),
        )
        for room, events in day.rooms.items():
            room_node = ElementTree.SubElement(
                day_node, "room", name=NOT_XML.sub("", room), guid=guid(schedule.slug, "room", room)
            )
            for event in events:
                _event_xml(room_node, event)
    ElementTree.indent(root)
    return bytes(ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)) + b"\n"
