"""How ratings become a ranking, as the design's scoring.md defines it: pure functions.

Nothing here touches the database, the web framework or the rest of `app`; a test enforces it.
"""

from app.scoring.agreement import Agreement, Doubtful, agreement, kendall_tau_b
from app.scoring.methods import METHODS, Method, UnknownMethod, score_topics
from app.scoring.ranking import Entry, GroupStat, competition_ranks, rank
from app.scoring.stability import (
    MIN_DRAWS,
    RatingMatrix,
    TopicStability,
    rating_matrix,
    stability,
)
from app.scoring.tallies import (
    OTHER,
    BallotError,
    Rating,
    Scale,
    Tallies,
    TopicRef,
    fold_small_groups,
    folded_group,
    tallies_from_ballots,
)

__all__ = [
    "METHODS",
    "MIN_DRAWS",
    "OTHER",
    "Agreement",
    "BallotError",
    "Doubtful",
    "Entry",
    "GroupStat",
    "Method",
    "Rating",
    "RatingMatrix",
    "Scale",
    "Tallies",
    "TopicRef",
    "TopicStability",
    "UnknownMethod",
    "agreement",
    "competition_ranks",
    "fold_small_groups",
    "folded_group",
    "kendall_tau_b",
    "rank",
    "rating_matrix",
    "score_topics",
    "stability",
    "tallies_from_ballots",
]
