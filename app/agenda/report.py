"""The final report as Markdown, in the shape of the LACIGF 2017 report: background, the program
committee by stakeholder group, the agenda, then each session with its people."""

import re
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

import pycountry

from app.agenda.calendar import people_by_role
from app.agenda.models import AgendaSession
from app.committee.models import Seat
from app.consultations.models import Consultation, Topic
from app.consultations.schemas import Counts, TopicOrigin
from app.results.schemas import Ranking
from app.vocabulary import COMMITTEE_GROUPS

GROUP_HEADINGS = {
    "government": "Government Representatives",
    "private_sector": "Private Sector Representatives",
    "civil_society": "Civil Society Representatives",
    "technical_community": "Representatives of the Technical Internet Community",
}


INLINE_MARKUP = re.compile(r"([\\`*_\[\]<>#|~&])")
BLOCK_START = re.compile(r"^(\d*)([-+=.)])")


def inline(text: str) -> str:
    """A person's text inside a line of ours: on one line, its Markdown characters escaped, so
    a name or title cannot add headings, entries, links or HTML to the report."""
    return INLINE_MARKUP.sub(r"\\\1", " ".join(text.split()))


def block(text: str) -> str:
    """A person's multi-line text as a paragraph of its own: each line escaped as `inline`,
    and a line that would start a list, quote or heading made plain."""
    lines = (inline(line) for line in text.splitlines())
    return "\n".join(BLOCK_START.sub(r"\1\\\2", line) for line in lines).strip()


def _dates(consultation: Consultation) -> str:
    start, end = consultation.starts_on, consultation.ends_on
    if start and end:
        if start.year == end.year and start.month == end.month:
            return f"{start:%B} {start.day} to {end.day}, {start.year}"
        return f"{start:%B} {start.day}, {start.year} to {end:%B} {end.day}, {end.year}"
    return str(start or end or "dates to be announced")


def country_name(code: str | None) -> str | None:
    country = pycountry.countries.get(alpha_2=code) if code else None
    return country.name if country else code


def _member(seat: Seat) -> str:
    line = " / ".join(inline(p) for p in (seat.name, seat.organization) if p)
    return f"{country_name(seat.country)}: {line}" if seat.country else line


def origin_line(session: AgendaSession) -> str | None:
    """Why the session exists, when it came from the ranking: the method and rank, and how
    many scoring methods had its topic in the top at that moment."""
    if session.origin_method is None:
        return None
    line = f"Chosen from the ranking: rank {session.origin_rank} under `{session.origin_method}`"
    agreement = session.origin_agreement
    if not agreement:
        return line + "."
    top, methods, in_top = agreement["top"], agreement["methods"], agreement["in_top"]
    if len(in_top) == len(methods):
        return line + f"; in the top {top} under all {len(methods)} scoring methods compared."
    names = ", ".join(f"`{m}`" for m in in_top)
    return (
        line + f"; in the top {top} under {len(in_top)} of the {len(methods)} scoring methods "
        f"compared ({names}), so its place depends on the method."
    )


def _proposals(origin: TopicOrigin) -> str:
    parts = []
    if origin.proposal_id is not None:
        parts.append(f"proposal {origin.proposal_id}")
    if origin.merged_proposals:
        merged = ", ".join(str(i) for i in origin.merged_proposals)
        parts.append(f"merged with proposals {merged}" if parts else f"proposals {merged}")
    return "; ".join(parts)


def topic_origin_line(origin: TopicOrigin | None) -> str | None:
    """Where a topic came from, when not from the secretariat's own list."""
    if origin is None or origin.kind == "secretariat":
        return None
    if origin.kind == "edition":
        return (
            f"Origin: carried over from an earlier edition (topic {origin.copied_from_topic_id})."
        )
    return f"Origin: proposed in the call for topics ({_proposals(origin)})."


def _call_for_topics(
    proposals: dict[str, int] | None,
    topics: dict[int, Topic],
    origins: dict[int, TopicOrigin],
) -> list[str]:
    """How many were proposed and what became of them; absent when there was no call."""
    if not proposals:
        return []
    out = ["## Call for topics", "", f"- Proposals: {sum(proposals.values())}"]
    for status in ("accepted", "merged", "rejected", "submitted"):
        if proposals.get(status):
            out.append(f"- {status.capitalize()}: {proposals[status]}")
    out.append("")
    proposed = [
        f"- {inline(topic.title)} ({_proposals(origins[topic_id])})"
        for topic_id, topic in topics.items()
        if topic_id in origins and origins[topic_id].kind == "proposal"
    ]
    if proposed:
        out += ["Candidate topics from the call:", "", *proposed, ""]
    return out


def _when(consultation: Consultation, starts_at: datetime, ends_at: datetime) -> str:
    """In the event's time zone, as the pages and the calendar show it, zone named."""
    zone = ZoneInfo(consultation.timezone)
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    last = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
    return f"{start:%Y-%m-%d %H:%M} to {last} ({consultation.timezone})"


def _participation(
    counts: Counts, ranking: Ranking | None, sessions: list[AgendaSession], topics: dict[int, Topic]
) -> list[str]:
    out = ["## Participation", ""]
    if not counts.ratings or ranking is None:
        return [*out, "No ratings were recorded in Consulta for this edition.", ""]
    out += [
        f"- Participants: {counts.participants}",
        f"- Ratings: {counts.ratings}",
        f"- Topics rated: {sum(1 for e in ranking.entries if e.n)} of {counts.topics}",
        "",
        f"### The ranking that produced the agenda ({ranking.method})",
        "",
        f"Ballot digest (SHA-256 of ballots.csv): `{ranking.ballot_digest}`",
        "",
    ]
    on_agenda = {s.topic_id for s in sessions if s.topic_id is not None}
    for e in ranking.entries:
        if e.rank is None or e.score is None:
            continue
        tie = " (tie)" if e.tied else ""
        session = " — on the agenda" if e.topic.id in on_agenda else ""
        title = topics[e.topic.id].title if e.topic.id in topics else e.topic.title
        out.append(f"{e.rank}. {inline(title)}: {e.score:.2f}{tie}, {e.n} ratings{session}")
    return [*out, ""]


def report_md(
    consultation: Consultation,
    seats: list[Seat],
    sessions: list[AgendaSession],
    topics: dict[int, Topic],
    counts: Counts,
    ranking: Ranking | None,
    origins: dict[int, TopicOrigin] | None = None,
    proposals: dict[str, int] | None = None,
) -> str:
    origins = origins or {}
    place = ", ".join(
        inline(p) for p in (consultation.city, country_name(consultation.country)) if p
    )
    out = [f"# Final report: {inline(consultation.title)}", ""]
    out += [f"{place}, {_dates(consultation)}" if place else _dates(consultation), ""]
    out += ["## Background", ""]
    out.append(f"- Forum: {inline(consultation.forum)}")
    out.append(f"- Edition: {inline(consultation.edition)}")
    if place:
        out.append(f"- Place: {place}")
    out.append(f"- Dates: {_dates(consultation)}")
    if consultation.secretariat:
        out.append(f"- Secretariat: {inline(consultation.secretariat)}")
    out.append("")
    if consultation.description:
        out += [block(consultation.description), ""]
    out += _call_for_topics(proposals, topics, origins)
    out += _participation(counts, ranking, sessions, topics)
    out += ["## Program Committee", ""]
    by_group: dict[str, list[Seat]] = defaultdict(list)
    for seat in seats:
        by_group[seat.stakeholder_group].append(seat)
    for group in COMMITTEE_GROUPS:
        out += [f"### {GROUP_HEADINGS[group.value]}", ""]
        members = by_group.get(group.value, [])
        out += [f"- {_member(s)}" for s in members] or ["- (none)"]
        vacancies = consultation.seats_per_group - len(members)
        if vacancies > 0:
            out.append(f"- Vacant seats: {vacancies}")
        out.append("")
    out += ["## Agenda", ""]
    out += [f"{i}. {inline(s.title)}" for i, s in enumerate(sessions, start=1)] or ["(no sessions)"]
    out.append("")
    for s in sessions:
        topic = topics.get(s.topic_id) if s.topic_id else None
        same = topic is not None and topic.title == s.title
        heading = f"Topic: {inline(s.title)}" if same else inline(s.title)
        out += [f"## {heading}", ""]
        if topic and not same:
            out += [f"Topic: {inline(topic.title)}", ""]
        if topic and (where := topic_origin_line(origins.get(topic.id))):
            out += [where, ""]
        out += [f"Format: {s.format.replace('_', ' ')}", ""]
        if origin := origin_line(s):
            out += [origin, ""]
        if s.starts_at and s.ends_at:
            out += [f"When: {_when(consultation, s.starts_at, s.ends_at)}", ""]
        if s.room:
            out += [f"Room: {inline(s.room)}", ""]
        for title, names in people_by_role(s):
            out += [f"{title}: {'; '.join(inline(name) for name in names)}", ""]
        if s.description:
            out += [block(s.description), ""]
        if s.questions:
            out += ["Key questions", ""] + [f"- {inline(q)}" for q in s.questions] + [""]
    return "\n".join(out)
