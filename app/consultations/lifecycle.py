"""The consultation lifecycle as a pure transition table:
draft -> (proposals ->) open -> closed -> finalized, and closed -> open (reopen) until
finalized. The proposals state (a call for topics) is optional: a draft may open at once."""

from enum import StrEnum

from app.vocabulary import ConsultationState as S


class Move(StrEnum):
    open_proposals = "open_proposals"
    open = "open"
    close = "close"
    reopen = "reopen"
    finalize = "finalize"


TRANSITIONS: dict[tuple[S, Move], S] = {
    (S.draft, Move.open_proposals): S.proposals,
    (S.draft, Move.open): S.open,
    (S.proposals, Move.open): S.open,
    (S.open, Move.close): S.closed,
    (S.closed, Move.reopen): S.open,
    (S.closed, Move.finalize): S.finalized,
}


class IllegalMove(ValueError):
    def __init__(self, state: S, move: Move) -> None:
        allowed = sorted(m.value for (s, m) in TRANSITIONS if s == state)
        hint = f"allowed from {state.value}: {', '.join(allowed)}" if allowed else "it is final"
        verb = PHRASES.get(move, move.value)
        super().__init__(f"Cannot {verb} a consultation that is {state.value} ({hint}).")


PHRASES = {Move.open_proposals: "open the call for topics of"}


def next_state(state: S, move: Move) -> S:
    try:
        return TRANSITIONS[(state, move)]
    except KeyError:
        raise IllegalMove(state, move) from None


def public(state: S) -> bool:
    """Anyone may see it; a draft only its committee and admins."""
    return state is not S.draft


def accepts_ballots(state: S) -> bool:
    return state is S.open


def accepts_imports(state: S) -> bool:
    """Ratings collected elsewhere (paper ballots) are imported until the results are final."""
    return state in (S.open, S.closed)


def rules_editable(state: S) -> bool:
    """Scale, method and other rules freeze once the consultation opens."""
    return state in (S.draft, S.proposals)


def topics_editable(state: S) -> bool:
    """The candidate topics: until the rating opens (during the call for topics too)."""
    return state in (S.draft, S.proposals)


def accepts_proposals(state: S) -> bool:
    """Participants propose topics (and edit and support proposals) during the call."""
    return state is S.proposals


def proposals_decidable(state: S) -> bool:
    """The committee accepts, rejects or merges proposals until the rating opens."""
    return state in (S.draft, S.proposals)


def descriptions_editable(state: S) -> bool:
    """Title, dates, place and the like: until finalized."""
    return state is not S.finalized


def ballots_published(state: S) -> bool:
    """ballots.csv (and the open data that carries it): once closed, for everyone."""
    return state in (S.closed, S.finalized)


def results_published(state: S, *, live_results: bool) -> bool:
    """Rankings: once closed, or while open with live results."""
    return ballots_published(state) or (state is S.open and live_results)


def sessions_from_ranking(state: S) -> bool:
    return state is S.closed


def agenda_final(state: S) -> bool:
    """The agenda is public and immutable."""
    return state is S.finalized
