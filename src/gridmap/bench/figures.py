"""What a benchmark reports: named figures with repeats, and a ratio against a floor."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field


@dataclass
class Figure:
    bench: str
    name: str
    unit: str
    runs: list[float]
    floor: float | None = None  # the same quantity for the floor, median
    target: str | None = None  # the target as text, e.g. "≤ 10 ms"
    met: bool | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def ratio(self) -> float | None:
        if self.floor in (None, 0):
            return None
        return self.median / self.floor  # type: ignore[operator]

    def as_dict(self) -> dict:
        data = asdict(self)
        data.update(median=self.median, min=min(self.runs), max=max(self.runs), ratio=self.ratio)
        return data


@dataclass
class Report:
    scale: str
    machine: str
    figures: list[Figure] = field(default_factory=list)

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        return figure


def timed(fn: Callable[[], object], repeats: int = 3) -> list[float]:
    """Seconds of ``repeats`` calls of ``fn``."""
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return runs
