"""What stands between an agenda and its publication, as pure functions over plain data.

Blocking problems keep `finalize` at 409; advice (panel balance, busy people, one topic in two
sessions at the same time) never blocks.
"""

import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

from app.vocabulary import COMMITTEE_GROUPS

BUSY_SESSIONS = 3  # a person in this many sessions or more is pointed out


@dataclass(frozen=True)
class PersonSlot:
    role: str
    name: str
    country: str | None = None
    stakeholder_group: str | None = None


@dataclass(frozen=True)
class SessionSlot:
    id: int
    title: str
    starts_at: datetime | None
    ends_at: datetime | None
    people: Sequence[PersonSlot]
    topic_id: int | None = None

    @property
    def span(self) -> tuple[datetime, datetime] | None:
        if self.starts_at is None or self.ends_at is None:
            return None
        return self.starts_at, self.ends_at


@dataclass(frozen=True)
class Event:
    starts_on: date | None
    ends_on: date | None
    timezone: str


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    session_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Balance:
    session_id: int
    groups_covered: list[str]
    groups_missing: list[str]
    countries_covered: list[str]
    countries_missing: list[str]


@dataclass(frozen=True)
class Report:
    blocking: list[Problem]
    balance: list[Balance]
    busy_people: dict[str, list[int]] = field(default_factory=dict)
    advice: list[Problem] = field(default_factory=list)


def person_key(name: str) -> str:
    """The same person whatever the case, accents or spacing: "José  Pérez" == "jose perez"."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def outside_event(slot: SessionSlot, event: Event) -> bool:
    """Whether the session runs on a day outside the event's, in the event's time zone. The end
    is exclusive: a session that ends at midnight after the last day is still on the last day."""
    zone = ZoneInfo(event.timezone)
    try:
        last_moment = None if slot.ends_at is None else slot.ends_at - timedelta(microseconds=1)
        days = [m.astimezone(zone).date() for m in (slot.starts_at, last_moment) if m is not None]
    except OverflowError:  # at the very ends of the calendar: no event is there
        return True
    return any(
        (event.starts_on and day < event.starts_on) or (event.ends_on and day > event.ends_on)
        for day in days
    )


def overlap(a: SessionSlot, b: SessionSlot) -> bool:
    """Both have times and share a moment; one ending as the other starts is no overlap."""
    if a.span is None or b.span is None:
        return False
    (a_start, a_end), (b_start, b_end) = a.span, b.span
    return a_start < b_end and b_start < a_end


def overlapping_people(sessions: Sequence[SessionSlot]) -> list[Problem]:
    problems = []
    for a, b in combinations(sessions, 2):
        if not overlap(a, b):
            continue
        names_a = {person_key(p.name): p.name for p in a.people}
        shared = sorted(names_a[k] for k in names_a.keys() & {person_key(p.name) for p in b.people})
        for name in shared:
            problems.append(
                Problem(
                    "person_in_overlapping_sessions",
                    f"{name} is in two sessions at the same time: '{a.title}' and '{b.title}'.",
                    (a.id, b.id),
                )
            )
    return problems


def overlapping_topics(sessions: Sequence[SessionSlot]) -> list[Problem]:
    """Two sessions on the same topic at overlapping times: its audience must choose one.
    Advice only; several sessions may share a topic (e.g. a panel and case presentations)."""
    return [
        Problem(
            "topic_in_overlapping_sessions",
            f"'{a.title}' and '{b.title}' are on the same topic at the same time.",
            (a.id, b.id),
        )
        for a, b in combinations(sessions, 2)
        if a.topic_id is not None and a.topic_id == b.topic_id and overlap(a, b)
    ]


def blocking(sessions: Sequence[SessionSlot], event: Event) -> list[Problem]:
    if not sessions:
        return [Problem("no_sessions", "The agenda has no session.")]
    problems = []
    for s in sessions:
        roles = {p.role for p in s.people}
        if "moderator" not in roles:
            problems.append(Problem("no_moderator", f"'{s.title}' has no moderator.", (s.id,)))
        if "panelist" not in roles:
            problems.append(Problem("no_panelists", f"'{s.title}' has no panelists.", (s.id,)))
        if outside_event(s, event):
            problems.append(
                Problem(
                    "outside_event_dates",
                    f"'{s.title}' is outside the event's dates "
                    f"({event.starts_on} to {event.ends_on}).",
                    (s.id,),
                )
            )
    return problems + overlapping_people(sessions)


def balance(sessions: Sequence[SessionSlot]) -> list[Balance]:
    """Which stakeholder groups and countries each panel covers, and which it misses: the four
    committee groups, and the countries that appear elsewhere on the agenda."""
    all_countries = {p.country for s in sessions for p in s.people if p.country}
    report = []
    for s in sessions:
        panel = [p for p in s.people if p.role in ("panelist", "moderator")]
        groups = {p.stakeholder_group for p in panel if p.stakeholder_group}
        countries = {p.country for p in panel if p.country}
        report.append(
            Balance(
                session_id=s.id,
                groups_covered=sorted(groups),
                groups_missing=[g.value for g in COMMITTEE_GROUPS if g.value not in groups],
                countries_covered=sorted(countries),
                countries_missing=sorted(all_countries - countries),
            )
        )
    return report


def busy_people(sessions: Sequence[SessionSlot]) -> dict[str, list[int]]:
    seen: dict[str, set[int]] = defaultdict(set)
    names: dict[str, str] = {}
    for s in sessions:
        for p in s.people:
            key = person_key(p.name)
            seen[key].add(s.id)
            names.setdefault(key, p.name)
    return {names[k]: sorted(ids) for k, ids in seen.items() if len(ids) >= BUSY_SESSIONS}


def check(sessions: Sequence[SessionSlot], event: Event) -> Report:
    return Report(
        blocking(sessions, event),
        balance(sessions),
        busy_people(sessions),
        overlapping_topics(sessions),
    )
