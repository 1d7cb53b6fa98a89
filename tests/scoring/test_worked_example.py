"""The worked example of docs/scoring.md, computed by the code: the figures the page quotes for
`consensus` and the method agreement."""

import pytest

from app.scoring import Scale, TopicRef, agreement, score_topics, tallies_from_ballots
from app.scoring.tallies import Rating, Tallies

OPEN_DATA, CYBERSECURITY, DIGITAL_INCLUSION, AI_GOVERNANCE, SPECTRUM = 1, 2, 3, 4, 5
TOPICS = (
    TopicRef(OPEN_DATA, "Open data"),
    TopicRef(CYBERSECURITY, "Cybersecurity"),
    TopicRef(DIGITAL_INCLUSION, "Digital inclusion"),
    TopicRef(AI_GOVERNANCE, "AI governance"),
    TopicRef(SPECTRUM, "Spectrum policy"),
)
BALLOTS = {
    "A": ("civil_society", (5, 2, 5, None)),
    "B": ("civil_society", (5, 3, 4, None)),
    "C": ("civil_society", (4, 3, 5, 5)),
    "D": ("government", (2, 5, 5, None)),
    "E": ("government", (1, 4, 5, 5)),
    "F": ("academia", (4, 4, 4, None)),
}


def example() -> Tallies:
    rows: list[Rating] = [
        (person, group, topic, score)
        for person, (group, scores) in BALLOTS.items()
        for topic, score in enumerate(scores, start=1)
        if score is not None
    ]
    return tallies_from_ballots(rows, Scale(1, 5), TOPICS)


def rounded(scores: dict[int, float]) -> dict[int, float]:
    return {topic: round(score, 4) for topic, score in scores.items()}


def test_the_consensus_figures_of_the_worked_example() -> None:
    with_groups = score_topics("consensus", example(), prior_weight=5, min_group_size=2)
    assert rounded(with_groups) == {
        DIGITAL_INCLUSION: 0.8178,
        AI_GOVERNANCE: 0.6552,
        OPEN_DATA: 0.4782,
        CYBERSECURITY: 0.4275,
    }
    assert with_groups[DIGITAL_INCLUSION] == pytest.approx(0.546875 ** (1 / 3), abs=1e-15)
    one_group = score_topics("consensus", example(), prior_weight=5, min_group_size=5)
    assert rounded(one_group) == {
        DIGITAL_INCLUSION: 0.9286,
        AI_GOVERNANCE: 0.8333,
        OPEN_DATA: 0.6429,
        CYBERSECURITY: 0.5,
    }


def test_the_method_agreement_of_the_worked_example() -> None:
    two = agreement(example(), top=2, prior_weight=5, min_group_size=2)
    assert [t.id for t in two.in_all] == [AI_GOVERNANCE, DIGITAL_INCLUSION]
    assert two.in_some == ()
    three = agreement(example(), top=3, prior_weight=5, min_group_size=2)
    assert [t.id for t in three.in_all] == [AI_GOVERNANCE, DIGITAL_INCLUSION]
    assert [(d.topic.id, d.methods) for d in three.in_some] == [
        (
            OPEN_DATA,
            ("mean", "bayesian", "zscore", "top_box", "majority_judgment", "consensus", "schulze"),
        ),
        (CYBERSECURITY, ("mean", "bayesian", "balanced")),
    ]
    tau = three.kendall_tau
    assert round(tau["mean"]["balanced"] or 0, 4) == 0.9129
    assert tau["top_box"]["consensus"] == 1.0
    assert round(tau["balanced"]["top_box"] or 0, 4) == 0.3333
