"""The agenda checks as pure functions, on both sides of every boundary: when two sessions
overlap, which days are the event's (in its own time zone), who a panel is, who is busy."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.agenda.checks import (
    BUSY_SESSIONS,
    Balance,
    Event,
    PersonSlot,
    Problem,
    SessionSlot,
    balance,
    blocking,
    busy_people,
    check,
    outside_event,
    overlapping_people,
    person_key,
)

PANAMA = ZoneInfo("America/Panama")  # UTC-5 all year
TOKYO = "Asia/Tokyo"  # UTC+9 all year
EVENT = Event(date(2030, 8, 5), date(2030, 8, 7), "America/Panama")


def at(day: int, hour: int, minute: int = 0, zone: ZoneInfo = PANAMA) -> datetime:
    return datetime(2030, 8, day, hour, minute, tzinfo=zone)


def full(*names: str, moderator: str = "Moderator") -> tuple[PersonSlot, ...]:
    return (PersonSlot("moderator", moderator), *(PersonSlot("panelist", n) for n in names))


def slot(
    id: int,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    people: tuple[PersonSlot, ...] = (),
    title: str | None = None,
) -> SessionSlot:
    return SessionSlot(id, title or f"S{id}", starts_at, ends_at, people or full(f"P{id}"))


# Overlap: sessions are half-open [start, end); touching end to start is no overlap.


def shared_person_problems(a: SessionSlot, b: SessionSlot) -> list[Problem]:
    return overlapping_people([a, b])


def test_sessions_that_touch_end_to_start_do_not_overlap() -> None:
    people = full("Ana")
    first = slot(1, at(5, 9), at(5, 10), people)
    second = slot(2, at(5, 10), at(5, 11), people)
    assert shared_person_problems(first, second) == []
    assert shared_person_problems(second, first) == []


def test_sessions_that_share_one_microsecond_overlap() -> None:
    people = full("Ana")
    first = slot(1, at(5, 9), at(5, 10) + timedelta(microseconds=1), people)
    second = slot(2, at(5, 10), at(5, 11), people)
    assert [p.session_ids for p in shared_person_problems(first, second)] == [(1, 2), (1, 2)]
    assert [p.session_ids for p in shared_person_problems(second, first)] == [(2, 1), (2, 1)]


def test_a_session_inside_another_overlaps_it() -> None:
    outer = slot(1, at(5, 9), at(5, 12), full("Ana", moderator="M1"))
    inner = slot(2, at(5, 10), at(5, 11), full("Ana", moderator="M2"))
    assert [p.session_ids for p in overlapping_people([outer, inner])] == [(1, 2)]
    assert [p.session_ids for p in overlapping_people([inner, outer])] == [(2, 1)]


def test_the_same_times_overlap() -> None:
    a = slot(1, at(5, 9), at(5, 10), full("Ana", moderator="M1"))
    b = slot(2, at(5, 9), at(5, 10), full("Ana", moderator="M2"))
    assert len(overlapping_people([a, b])) == 1


def test_overlap_compares_instants_not_wall_clocks() -> None:
    # 10:00 in Panama is 15:00 UTC: a session at 14:30-15:30 UTC overlaps one at 10:00 Panama.
    a = slot(1, at(5, 10), at(5, 11), full("Ana", moderator="M1"))
    b = slot(2, at(5, 14, 30, UTC), at(5, 15, 30, UTC), full("Ana", moderator="M2"))
    c = slot(3, at(5, 9, 0, UTC), at(5, 10, 0, UTC), full("Ana", moderator="M3"))
    assert [p.session_ids for p in overlapping_people([a, b, c])] == [(1, 2)]


def test_every_pair_is_compared_after_a_pair_that_does_not_overlap() -> None:
    # Found by mutation testing: stopping at the first pair that does not overlap.
    a = slot(1, at(5, 8), at(5, 9), full("Ana", moderator="M1"))
    b = slot(2, at(5, 10), at(5, 11), full("Ana", moderator="M2"))
    c = slot(3, at(5, 10, 30), at(5, 11, 30), full("Ana", moderator="M3"))
    assert [p.session_ids for p in overlapping_people([a, b, c])] == [(2, 3)]


def test_overlap_without_a_shared_person_is_no_problem() -> None:
    a = slot(1, at(5, 9), at(5, 10), full("Ana", moderator="M1"))
    b = slot(2, at(5, 9), at(5, 10), full("Bea", moderator="M2"))
    assert overlapping_people([a, b]) == []


def test_an_untimed_session_overlaps_nothing() -> None:
    people = full("Ana")
    timed = slot(1, at(5, 9), at(5, 10), people)
    assert overlapping_people([timed, slot(2, None, None, people)]) == []
    assert overlapping_people([timed, slot(3, at(5, 9), None, people)]) == []
    assert overlapping_people([timed, slot(4, None, at(5, 10), people)]) == []


def test_an_overlap_names_each_shared_person_once_in_order_with_both_titles() -> None:
    a = slot(1, at(5, 9), at(5, 10), full("Zoë", "Ana", moderator="M1"), title="Access")
    b = slot(2, at(5, 9), at(5, 10), full("zoe", "ANA", moderator="M2"), title="Rights")
    problems = overlapping_people([a, b])
    assert problems == [
        Problem(
            "person_in_overlapping_sessions",
            "Ana is in two sessions at the same time: 'Access' and 'Rights'.",
            (1, 2),
        ),
        Problem(
            "person_in_overlapping_sessions",
            "Zoë is in two sessions at the same time: 'Access' and 'Rights'.",
            (1, 2),
        ),
    ]


def test_each_overlapping_pair_is_reported() -> None:
    people = full("Ana")
    sessions = [slot(i, at(5, 9), at(5, 10), people) for i in (1, 2, 3)]
    assert [p.session_ids for p in overlapping_people(sessions) if "Ana" in p.message] == [
        (1, 2),
        (1, 3),
        (2, 3),
    ]


# The same person, whatever the case, accents or spacing.


@pytest.mark.parametrize(
    ("a", "b"),
    [("José Pérez", "jose perez"), ("  José   Pérez ", "JOSÉ PÉREZ"), ("Straße", "STRASSE")],
)
def test_names_that_differ_in_case_accents_or_spacing_are_one_person(a: str, b: str) -> None:
    assert person_key(a) == person_key(b)


@pytest.mark.parametrize(("a", "b"), [("José Pérez", "José Peres"), ("Ana Luisa", "AnaLuisa")])
def test_different_names_are_different_people(a: str, b: str) -> None:
    assert person_key(a) != person_key(b)


def test_a_person_key_is_plain_lowercase_with_single_spaces() -> None:
    assert person_key("  Ñandú  Ça\tVa ") == "nandu ca va"


# The event's days, in the event's own time zone; a session's end is exclusive.


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "outside"),
    [
        (at(5, 0), at(5, 1), False),  # from the first minute of the first day
        (at(4, 23, 59), at(5, 1), True),  # a minute before it
        (at(7, 22), at(7, 23, 59), False),  # on the last day
        (at(7, 23), at(8, 0), False),  # ending at midnight after the last day
        (at(7, 23), at(8, 0) + timedelta(microseconds=1), True),  # and a moment later
        (at(8, 0), at(8, 1), True),  # the day after
        (at(4, 23), at(5, 1), True),  # straddling the start
    ],
    ids=[
        "first-minute",
        "minute-before",
        "last-day",
        "ends-at-midnight",
        "ends-after-midnight",
        "day-after",
        "straddles-start",
    ],
)
def test_the_event_days_are_whole_days_in_its_own_time_zone(
    starts_at: datetime, ends_at: datetime, outside: bool
) -> None:
    assert outside_event(slot(1, starts_at, ends_at), EVENT) is outside


def test_a_time_is_placed_on_the_event_zone_day_not_the_utc_day() -> None:
    # 20:00 on the last day in Panama is 01:00 UTC the day after: still inside.
    late = slot(1, at(7, 20), at(7, 21))
    assert late.starts_at is not None
    assert late.starts_at.astimezone(UTC).date() == date(2030, 8, 8)
    assert outside_event(late, EVENT) is False
    # 08:00 on the first day in Tokyo is 23:00 UTC the day before: inside in Tokyo.
    tokyo = Event(date(2030, 8, 5), date(2030, 8, 7), TOKYO)
    early = slot(2, at(5, 8, 0, ZoneInfo(TOKYO)), at(5, 9, 0, ZoneInfo(TOKYO)))
    assert outside_event(early, tokyo) is False
    # The same instants judged in Panama fall on 4 August: outside.
    assert outside_event(early, EVENT) is True


def test_open_ended_event_dates_bound_only_one_side() -> None:
    from_only = Event(date(2030, 8, 5), None, "America/Panama")
    until_only = Event(None, date(2030, 8, 7), "America/Panama")
    no_dates = Event(None, None, "America/Panama")
    early, late = slot(1, at(1, 9), at(1, 10)), slot(2, at(20, 9), at(20, 10))
    assert (outside_event(early, from_only), outside_event(late, from_only)) == (True, False)
    assert (outside_event(early, until_only), outside_event(late, until_only)) == (False, True)
    assert (outside_event(early, no_dates), outside_event(late, no_dates)) == (False, False)


def test_a_time_at_the_very_end_of_the_calendar_is_outside_any_event() -> None:
    # 23:00 UTC on 31 December 9999 is past the last day Python can name in Tokyo.
    last_hour = slot(1, datetime(9999, 12, 31, 23, tzinfo=UTC), None)
    assert outside_event(last_hour, Event(None, None, TOKYO)) is True
    assert outside_event(last_hour, Event(None, None, "America/Panama")) is False


def test_a_session_with_one_time_is_judged_by_that_time() -> None:
    assert outside_event(slot(1, at(4, 9), None), EVENT) is True
    assert outside_event(slot(2, None, at(8, 9)), EVENT) is True
    assert outside_event(slot(3, at(6, 9), None), EVENT) is False
    assert outside_event(slot(4, None, at(6, 9)), EVENT) is False
    assert outside_event(slot(5, None, None), EVENT) is False


# What blocks finalizing.


def test_no_session_blocks() -> None:
    assert blocking([], EVENT) == [Problem("no_sessions", "The agenda has no session.")]


@pytest.mark.parametrize(
    ("people", "codes"),
    [
        ((PersonSlot("moderator", "M"), PersonSlot("panelist", "P")), []),
        ((PersonSlot("panelist", "P"),), ["no_moderator"]),
        ((PersonSlot("moderator", "M"),), ["no_panelists"]),
        ((), ["no_moderator", "no_panelists"]),
        # Other roles fill neither place.
        (
            (PersonSlot("remote_moderator", "M"), PersonSlot("rapporteur", "R")),
            ["no_moderator", "no_panelists"],
        ),
        # One person may hold both roles.
        ((PersonSlot("moderator", "X"), PersonSlot("panelist", "X")), []),
    ],
    ids=[
        "complete",
        "no-moderator",
        "no-panelist",
        "nobody",
        "other-roles",
        "one-person-two-roles",
    ],
)
def test_a_session_needs_a_moderator_and_a_panelist(
    people: tuple[PersonSlot, ...], codes: list[str]
) -> None:
    session = SessionSlot(7, "Access", None, None, people)
    problems = blocking([session], EVENT)
    assert [p.code for p in problems] == codes
    assert all(p.session_ids == (7,) for p in problems)


def test_blocking_messages_name_the_session_and_the_event_dates() -> None:
    bare = SessionSlot(7, "Access", at(9, 9), at(9, 10), ())
    assert blocking([bare], EVENT) == [
        Problem("no_moderator", "'Access' has no moderator.", (7,)),
        Problem("no_panelists", "'Access' has no panelists.", (7,)),
        Problem(
            "outside_event_dates",
            "'Access' is outside the event's dates (2030-08-05 to 2030-08-07).",
            (7,),
        ),
    ]


def test_every_session_is_checked_and_overlaps_come_last() -> None:
    people = full("Ana")
    sessions = [
        slot(1, at(5, 9), at(5, 10), people),
        SessionSlot(2, "Bare", None, None, ()),
        slot(3, at(5, 9, 30), at(5, 10, 30), people),
    ]
    codes = [(p.code, p.session_ids) for p in blocking(sessions, EVENT)]
    assert codes == [
        ("no_moderator", (2,)),
        ("no_panelists", (2,)),
        ("person_in_overlapping_sessions", (1, 3)),
        ("person_in_overlapping_sessions", (1, 3)),
    ]


# Balance: who the panel is (panelists and the moderator), and what it covers.


def test_the_panel_is_the_panelists_and_the_moderator_only() -> None:
    people = (
        PersonSlot("panelist", "G", "PA", "government"),
        PersonSlot("moderator", "C", "UY", "civil_society"),
        PersonSlot("rapporteur", "R", "BR", "private_sector"),
        PersonSlot("remote_moderator", "T", "AR", "technical_community"),
    )
    [report] = balance([SessionSlot(1, "S", None, None, people)])
    assert report == Balance(
        session_id=1,
        groups_covered=["civil_society", "government"],
        groups_missing=["private_sector", "technical_community"],
        countries_covered=["PA", "UY"],
        # Countries named anywhere on the agenda count as missing where the panel lacks them.
        countries_missing=["AR", "BR"],
    )


def test_groups_missing_are_the_four_committee_groups_in_their_order() -> None:
    people = (
        PersonSlot("panelist", "A", None, "academia"),
        PersonSlot("panelist", "O", None, "other"),
        PersonSlot("moderator", "M"),
    )
    [report] = balance([SessionSlot(1, "S", None, None, people)])
    assert report.groups_covered == ["academia", "other"]
    assert report.groups_missing == [
        "government",
        "private_sector",
        "civil_society",
        "technical_community",
    ]
    assert (report.countries_covered, report.countries_missing) == ([], [])


def test_countries_missing_come_from_the_rest_of_the_agenda() -> None:
    one = SessionSlot(1, "One", None, None, (PersonSlot("panelist", "A", "PA", "government"),))
    two = SessionSlot(2, "Two", None, None, (PersonSlot("panelist", "B", "UY", "government"),))
    three = SessionSlot(3, "Three", None, None, (PersonSlot("moderator", "C", "PA"),))
    reports = {b.session_id: b for b in balance([one, two, three])}
    assert reports[1].countries_missing == ["UY"]
    assert reports[2].countries_missing == ["PA"]
    assert reports[3].countries_missing == ["UY"]
    assert reports[3].groups_covered == []


def test_a_full_panel_misses_nothing() -> None:
    people = tuple(
        PersonSlot("panelist", g, "PA", g)
        for g in ("government", "private_sector", "civil_society", "technical_community")
    )
    [report] = balance([SessionSlot(1, "S", None, None, people)])
    assert report.groups_missing == []
    assert report.countries_missing == []


# Busy people: in BUSY_SESSIONS sessions or more, any role, the same person whatever the case.


def test_the_busy_threshold_is_three_sessions() -> None:
    assert BUSY_SESSIONS == 3


def sessions_with(name_per_session: list[str]) -> list[SessionSlot]:
    return [
        SessionSlot(i, f"S{i}", None, None, (PersonSlot("rapporteur", name),))
        for i, name in enumerate(name_per_session, start=1)
    ]


def test_a_person_in_two_sessions_is_not_busy() -> None:
    assert busy_people(sessions_with(["Ana", "ana"])) == {}


def test_a_person_in_three_sessions_is_busy_under_the_first_spelling() -> None:
    assert busy_people(sessions_with(["Ána", "ana", "ANA"])) == {"Ána": [1, 2, 3]}


def test_two_roles_in_one_session_count_once() -> None:
    both = (PersonSlot("moderator", "Ana"), PersonSlot("panelist", "Ana"))
    sessions = [*sessions_with(["Ana", "Ana"]), SessionSlot(3, "S3", None, None, both)]
    assert busy_people(sessions) == {"Ana": [1, 2, 3]}
    assert busy_people(sessions[1:]) == {}


def test_busy_people_list_their_sessions_in_order() -> None:
    sessions = sessions_with(["Bea", "Ana", "Bea", "Ana", "Bea", "Ana", "Cy"])
    assert busy_people(list(reversed(sessions))) == {"Ana": [2, 4, 6], "Bea": [1, 3, 5]}


def test_check_puts_the_three_reports_together() -> None:
    sessions = [slot(1, at(5, 9), at(5, 10))]
    report = check(sessions, EVENT)
    assert report.blocking == blocking(sessions, EVENT) == []
    assert report.balance == balance(sessions)
    assert report.busy_people == busy_people(sessions) == {}
    assert check([], EVENT).blocking[0].code == "no_sessions"
