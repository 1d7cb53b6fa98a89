"""Schulze checked against pref_voting's Beat Path, an implementation written by others.

A participant's ratings become a ranking with ties over the topics they rated (a higher score is
a better rank; equal scores tie) and leave out the topics they skipped. pref_voting's
`ProfileWithTies` then counts support(a, b) only among voters who ranked both a and b, which is
exactly d[a][b] of scoring.md; passing `support` as the strength function selects winning votes,
and a link exists where the margin is positive, i.e. d[a][b] > d[b][a].
"""

import random
from collections.abc import Sequence

import networkx as nx  # type: ignore[import-untyped]
import pytest
from hypothesis import given
from pref_voting.margin_based_methods import (  # type: ignore[import-untyped]
    beat_path,
    beat_path_defeat,
)
from pref_voting.profiles_with_ties import ProfileWithTies  # type: ignore[import-untyped]

from app.scoring.methods import schulze, schulze_layers
from app.scoring.tallies import Rating, Scale, TopicRef, tallies_from_ballots

from .ballots import Consultation, checked, consultations


def profile_with_ties(rows: tuple[Rating, ...], scale: Scale) -> ProfileWithTies:
    ballots: dict[str, dict[int, int]] = {}
    for participant, _, topic_id, score in rows:
        ballots.setdefault(participant, {})[topic_id] = scale.hi - score
    candidates = sorted({topic_id for _, _, topic_id, _ in rows})
    return ProfileWithTies(list(ballots.values()), candidates=candidates)


def layers_of(defeats: nx.DiGraph) -> dict[int, int]:
    """Depth of each candidate in a defeat graph: 0 if undefeated, else 1 + deepest defeater."""

    def depth(c: int) -> int:
        return max((depth(b) + 1 for b in defeats.predecessors(c)), default=0)

    return {c: depth(c) for c in defeats.nodes}


def assert_schulze_agrees(
    rows: tuple[Rating, ...], scale: Scale, topics: Sequence[TopicRef]
) -> None:
    tallies = tallies_from_ballots(rows, scale, topics)
    profile = profile_with_ties(rows, scale)
    candidates = profile.candidates
    assert tallies.pairwise == {
        (a, b): profile.support(a, b)
        for a in candidates
        for b in candidates
        if a != b and profile.support(a, b)
    }

    scores = schulze(tallies)
    top = max(scores.values())
    winners = sorted(topic_id for topic_id, score in scores.items() if score == top)
    assert winners == beat_path(profile, strength_function=profile.support)

    defeats = beat_path_defeat(profile, strength_function=profile.support)
    assert schulze_layers(tallies.pairwise, candidates) == layers_of(defeats)


@checked
@given(consultations(max_topics=6, max_participants=16))
def test_schulze_matches_pref_voting_on_random_consultations(consultation: Consultation) -> None:
    if consultation.rows:
        assert_schulze_agrees(consultation.rows, consultation.scale, consultation.topics)


@pytest.mark.parametrize("seed", range(100))
def test_schulze_matches_pref_voting_on_larger_seeded_consultations(seed: int) -> None:
    # Up to 40 participants who each skip about 30% of up to 8 topics: in about a third of
    # these profiles the majority relation has a cycle, where Schulze differs from simpler rules.
    rnd = random.Random(seed)
    topics = [TopicRef(i, f"Topic {i}") for i in range(rnd.randint(3, 8))]
    rows = tuple(
        (f"p{participant}", "other", topic.id, rnd.randint(1, 5))
        for participant in range(rnd.randint(5, 40))
        for topic in topics
        if rnd.random() < 0.7
    )
    assert_schulze_agrees(rows, Scale(1, 5), topics)
