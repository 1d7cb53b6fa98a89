"""Repetitions and their summary: benchmarks report ratios to a baseline timed in the same run."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    samples: tuple[float, ...]

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def max(self) -> float:
        return max(self.samples)

    def cell(self) -> str:
        return f"{self.min * 1000:.0f} / {self.median * 1000:.0f} / {self.max * 1000:.0f}"


def timed(
    action: Callable[[], object], repeat: int, before: Callable[[], object] | None = None
) -> Timing:
    samples = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return Timing(tuple(samples))


def ratio(measured: Timing, baseline: Timing) -> float:
    """Median over median: the figure each target is stated in."""
    return measured.median / baseline.median
