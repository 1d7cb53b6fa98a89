"""The ranking as a horizontal bar chart, laid out here and drawn as inline SVG by the
template: one bar per ranked topic in rank order, with its interval as an error bar."""

from collections.abc import Sequence
from dataclasses import dataclass

from app.results.schemas import RankingEntry

WIDTH = 760
LABEL_WIDTH = 300
RIGHT_MARGIN = 24
ROW = 30
BAR = 18
TOP = 8
AXIS = 28
LABEL_CHARS = 42


@dataclass(frozen=True)
class Bar:
    rank: int
    tied: bool
    topic_id: int
    title: str
    label: str
    score: float
    x: float
    y: float
    width: float
    interval: tuple[float, float] | None  # x positions of the error bar's ends
    middle: float  # y of the bar's middle


@dataclass(frozen=True)
class Tick:
    x: float
    value: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    zero: float
    axis_y: float
    bars: list[Bar]
    ticks: list[Tick]


def _domain(entries: Sequence[RankingEntry]) -> tuple[float, float]:
    values = [0.0]
    for e in entries:
        assert e.score is not None
        values.append(e.score)
        if e.interval:
            values.extend(e.interval)
    lo, hi = min(values), max(values)
    return (lo, hi) if hi > lo else (lo, lo + 1)


def _short(title: str) -> str:
    return title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(entries: Sequence[RankingEntry]) -> BarChart:
    ranked = [e for e in entries if e.rank is not None and e.score is not None]
    lo, hi = _domain(ranked)
    left, right = LABEL_WIDTH, WIDTH - RIGHT_MARGIN

    def x(value: float) -> float:
        return round(left + (value - lo) / (hi - lo) * (right - left), 2)

    zero = x(0.0)
    bars = []
    for i, e in enumerate(ranked):
        assert e.rank is not None
        assert e.score is not None
        y = TOP + i * ROW
        end = x(e.score)
        bars.append(
            Bar(
                rank=e.rank,
                tied=e.tied,
                topic_id=e.topic.id,
                title=e.topic.title,
                label=_short(e.topic.title),
                score=e.score,
                x=min(zero, end),
                y=y,
                width=max(abs(end - zero), 1.0),
                interval=(x(e.interval[0]), x(e.interval[1])) if e.interval else None,
                middle=y + BAR / 2,
            )
        )
    axis_y = TOP + len(ranked) * ROW
    ticks = [Tick(x(lo + (hi - lo) * k / 4), lo + (hi - lo) * k / 4) for k in range(5)]
    return BarChart(
        width=WIDTH,
        height=int(axis_y + AXIS),
        plot_left=left,
        plot_right=right,
        zero=zero,
        axis_y=axis_y,
        bars=bars,
        ticks=ticks,
    )
