"""The agenda checks as pure functions: one topic in two sessions at the same time is advice."""

from datetime import UTC, datetime, timedelta

from app.agenda.checks import Event, PersonSlot, SessionSlot, check, overlapping_topics

NINE = datetime(2030, 8, 5, 14, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
EVENT = Event(None, None, "America/Panama")


def slot(id: int, topic_id: int | None, start: datetime | None, hours: float = 1) -> SessionSlot:
    end = None if start is None else start + hours * HOUR
    panel = (PersonSlot("moderator", f"Moderator {id}"), PersonSlot("panelist", f"Panelist {id}"))
    return SessionSlot(id, f"Session {id}", start, end, panel, topic_id)


def test_two_sessions_on_one_topic_at_overlapping_times_are_pointed_out() -> None:
    found = overlapping_topics([slot(1, 7, NINE, 2), slot(2, 7, NINE + HOUR)])
    assert [(p.code, p.session_ids) for p in found] == [("topic_in_overlapping_sessions", (1, 2))]
    assert "'Session 1' and 'Session 2'" in found[0].message


def test_one_session_inside_the_other_overlaps() -> None:
    assert overlapping_topics([slot(1, 7, NINE, 3), slot(2, 7, NINE + HOUR)])


def test_a_session_that_starts_as_the_other_ends_does_not_overlap() -> None:
    assert overlapping_topics([slot(1, 7, NINE), slot(2, 7, NINE + HOUR)]) == []
    # One minute earlier, they share a minute.
    early = NINE + HOUR - timedelta(minutes=1)
    assert len(overlapping_topics([slot(1, 7, NINE), slot(2, 7, early)])) == 1


def test_different_topics_no_topic_or_no_times_are_not_pointed_out() -> None:
    assert overlapping_topics([slot(1, 7, NINE), slot(2, 8, NINE)]) == []
    assert overlapping_topics([slot(1, None, NINE), slot(2, None, NINE)]) == []
    assert overlapping_topics([slot(1, 7, None), slot(2, 7, NINE)]) == []


def test_a_topic_at_the_same_time_twice_is_advice_and_never_blocks() -> None:
    report = check([slot(1, 7, NINE), slot(2, 7, NINE)], EVENT)
    assert report.blocking == []
    assert [p.code for p in report.advice] == ["topic_in_overlapping_sessions"]


def test_the_same_topic_at_different_times_is_fine() -> None:
    # 2017's human-rights topic had case presentations and a multisectoral panel.
    report = check([slot(1, 7, NINE), slot(2, 7, NINE + 2 * HOUR)], EVENT)
    assert report.advice == []
