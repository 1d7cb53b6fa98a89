"""Where the agenda's cut line falls in a ranking: `top` positions, and the rank shared by
topics tied across it, if any. from_ranking refuses or includes those; pages highlight them."""

from collections.abc import Sequence
from dataclasses import dataclass

from app.results.schemas import RankingEntry


@dataclass(frozen=True)
class Cut:
    top: int
    tied_rank: int | None  # the rank shared across the cut line, if any

    def straddles(self, entry: RankingEntry) -> bool:
        return self.tied_rank is not None and entry.rank == self.tied_rank


def cut(entries: Sequence[RankingEntry], top: int) -> Cut:
    ranked = [e for e in entries if e.rank is not None]
    if len(ranked) > top and ranked[top].rank == ranked[top - 1].rank:
        return Cut(top, ranked[top - 1].rank)
    return Cut(top, None)
