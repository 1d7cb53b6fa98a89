"""Random consultations for property tests, and the settings every hypothesis test here uses."""

from dataclasses import dataclass

from hypothesis import settings
from hypothesis import strategies as st

from app.scoring.tallies import Rating, Scale, TopicRef

GROUPS = ("government", "civil_society", "academia", "other")
SCALES = (Scale(1, 5), Scale(0, 10), Scale(-2, 2), Scale(1, 2))

# No example database: these tests must not write outside tests/ and app/.
checked = settings(max_examples=100, deadline=None, database=None)


@dataclass(frozen=True)
class Consultation:
    scale: Scale
    topics: tuple[TopicRef, ...]
    rows: tuple[Rating, ...]


@st.composite
def consultations(
    draw: st.DrawFn,
    *,
    max_topics: int = 6,
    max_participants: int = 14,
    scales: tuple[Scale, ...] = SCALES,
) -> Consultation:
    scale = draw(st.sampled_from(scales))
    topic_count = draw(st.integers(1, max_topics))
    topics = tuple(TopicRef(100 + i, f"Topic {chr(ord('A') + i)}") for i in range(topic_count))
    ids = [topic.id for topic in topics]
    rows: list[Rating] = []
    for participant in range(draw(st.integers(0, max_participants))):
        group = draw(st.sampled_from(GROUPS))
        ballot = draw(
            st.dictionaries(
                st.sampled_from(ids), st.integers(scale.lo, scale.hi), max_size=topic_count
            )
        )
        rows.extend(
            (f"p{participant}", group, topic_id, score) for topic_id, score in ballot.items()
        )
    return Consultation(scale, topics, tuple(rows))
