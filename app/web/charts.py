"""The ranking as a horizontal bar chart, laid out here: one row per ranked topic in rank
order (its rank and title as text that wraps, its bar and interval on a track), and an axis
in the method's own terms (the scale's labels for the methods that score on the scale).

Horizontal positions are percentages of the chart's width, so the template draws the bars as
SVG without a viewBox: nothing is scaled, text keeps its size, and the chart fits any screen.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.consultations.models import Consultation
from app.results.schemas import RankingEntry
from app.translations import text_in
from app.web.i18n import N_, scale_labels

# Methods whose score is a rating on the consultation's scale.
ON_THE_SCALE = frozenset({"mean", "bayesian", "balanced", "majority_judgment"})
AXIS_TITLES = {
    "mean": N_("Average rating"),
    "bayesian": N_("Average rating, steadied for few ratings"),
    "balanced": N_("Average of the stakeholder groups' average ratings"),
    "majority_judgment": N_("Majority grade (median rating)"),
    "top_box": N_("Share of ratings in the top two levels (cautious estimate)"),
    "zscore": N_("Rating relative to each person's own ratings (0: their own average)"),
    "schulze": N_("Head-to-head strength: the higher, the better"),
}


@dataclass(frozen=True)
class Tick:
    at: float  # percent of the width
    value: float
    label: str | None  # the scale's label, when there is one
    anchor: str  # SVG text-anchor, so the end labels stay inside the chart


@dataclass(frozen=True)
class Bar:
    rank: int
    tied: bool
    topic_id: int
    title: str
    score: float
    start: float  # percent
    width: float  # percent
    interval: tuple[float, float] | None  # percent positions, clipped to the axis
    capped: tuple[bool, bool]  # whether each interval end is real (not clipped)


@dataclass(frozen=True)
class BarChart:
    kind: str  # "scale", "share" or "number": how tick values are written
    axis_title: str
    ticks: list[Tick]
    bars: list[Bar]


def _nice_step(span: float) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about four intervals."""
    raw = span / 4
    power = 10 ** math.floor(math.log10(raw))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def _domain(
    method: str, consultation: Consultation, ranked: Sequence[RankingEntry]
) -> tuple[float, float, float]:
    """(low, high, where bars start)."""
    if method in ON_THE_SCALE:
        lo, hi = float(consultation.scale_min), float(consultation.scale_max)
        return lo, hi, lo
    if method == "top_box":
        return 0.0, 1.0, 0.0
    values = [e.score for e in ranked if e.score is not None]
    if method == "zscore":
        reach = max((abs(v) for v in values), default=1.0) or 1.0
        step = _nice_step(2 * reach)
        reach = math.ceil(reach / step) * step
        return -reach, reach, 0.0
    top = max(values, default=1.0) or 1.0
    step = _nice_step(top)
    return 0.0, math.ceil(top / step) * step, 0.0


def _ticks(method: str, consultation: Consultation, lo: float, hi: float, lang: str) -> list[Tick]:
    values: list[tuple[float, str | None]]
    if method in ON_THE_SCALE:
        levels = range(consultation.scale_min, consultation.scale_max + 1)
        labels: list[str | None] = [None] * len(levels)
        if consultation.scale_labels:
            own = text_in(
                consultation.scale_labels, "scale_labels", consultation.translations, lang
            )
            labels = list(scale_labels(own, lang) or [])
        values = [(float(level), label) for level, label in zip(levels, labels, strict=True)]
    else:
        step = 0.25 if method == "top_box" else _nice_step(hi - lo)
        count = round((hi - lo) / step)
        values = [(lo + k * step, None) for k in range(count + 1)]
    last = len(values) - 1
    return [
        Tick(
            at=round((value - lo) / (hi - lo) * 100, 2),
            value=value,
            label=label,
            anchor="start" if i == 0 else "end" if i == last else "middle",
        )
        for i, (value, label) in enumerate(values)
    ]


def bar_chart(
    method: str,
    consultation: Consultation,
    entries: Sequence[RankingEntry],
    lang: str = "en",
    titles: Mapping[int, str] | None = None,
) -> BarChart:
    """`titles`: the topics' titles as shown (in the page's language), by id."""
    ranked = [e for e in entries if e.rank is not None and e.score is not None]
    lo, hi, base = _domain(method, consultation, ranked)

    def at(value: float) -> float:
        return round((min(max(value, lo), hi) - lo) / (hi - lo) * 100, 2)

    bars = []
    for e in ranked:
        assert e.rank is not None
        assert e.score is not None
        start, end = sorted((at(base), at(e.score)))
        interval = None
        capped = (False, False)
        if e.interval is not None:
            low, high = e.interval
            interval = (at(low), at(high))
            capped = (lo <= low, high <= hi)
        bars.append(
            Bar(
                rank=e.rank,
                tied=e.tied,
                topic_id=e.topic.id,
                title=(titles or {}).get(e.topic.id, e.topic.title),
                score=e.score,
                start=start,
                width=max(end - start, 0.4),  # a score at the base still shows a sliver
                interval=interval,
                capped=capped,
            )
        )
    kind = "scale" if method in ON_THE_SCALE else "share" if method == "top_box" else "number"
    return BarChart(
        kind=kind,
        axis_title=AXIS_TITLES[method],
        ticks=_ticks(method, consultation, lo, hi, lang),
        bars=bars,
    )
