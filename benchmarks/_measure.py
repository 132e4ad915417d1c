"""Samples, their medians and spread, and the goals they are held to.

This machine is shared and noisy, so a single figure means little: every benchmark takes several
samples of each contender, alternating them (A, B, A, B, ...) so that a burst of noise hits both
sides alike, and reports the median with the spread. A ratio between two contenders is computed
per round (A_i / B_i, from samples taken back to back) and then summarised, which cancels slow
drifts of the machine's speed far better than a ratio of two medians taken minutes apart.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

Name = TypeVar("Name", bound=Hashable)


@dataclass(frozen=True)
class Summary:
    """The median of some samples, with their full range and quartiles."""

    samples: tuple[float, ...]
    median: float
    minimum: float
    maximum: float
    lower_quartile: float
    upper_quartile: float

    @property
    def spread_percent(self) -> float:
        """Full range as a share of the median: how far any one sample could mislead."""
        if self.median == 0:
            return 0.0
        return 100.0 * (self.maximum - self.minimum) / abs(self.median)

    def as_dict(self) -> dict[str, Any]:
        return {
            "samples": list(self.samples),
            "median": self.median,
            "min": self.minimum,
            "max": self.maximum,
            "q1": self.lower_quartile,
            "q3": self.upper_quartile,
            "spread_percent": round(self.spread_percent, 2),
        }


def summarise(samples: Sequence[float]) -> Summary:
    """Median, range and quartiles of at least one sample."""
    if not samples:
        raise ValueError("no samples to summarise")
    values = tuple(float(s) for s in samples)
    if len(values) >= 2:
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    else:
        q1 = q3 = values[0]
    return Summary(
        samples=values,
        median=statistics.median(values),
        minimum=min(values),
        maximum=max(values),
        lower_quartile=q1,
        upper_quartile=q3,
    )


def summarise_each(samples: Mapping[str, Sequence[float]]) -> dict[str, Summary]:
    """`summarise` of every contender's samples, by name."""
    return {name: summarise(values) for name, values in samples.items()}


def ratios(numerators: Sequence[float], denominators: Sequence[float]) -> Summary:
    """Per-round ratios of two contenders sampled alternately, summarised."""
    if len(numerators) != len(denominators):
        raise ValueError("ratios need samples from the same rounds")
    return summarise([n / d for n, d in zip(numerators, denominators, strict=True) if d != 0])


def alternate(
    contenders: Mapping[Name, Callable[[], float]],
    rounds: int,
    *,
    on_sample: Callable[[Name, int, float], None] | None = None,
) -> dict[Name, list[float]]:
    """Run each contender once per round, in turn, and collect one sample from each call.

    The order inside a round flips every round (A B, B A, A B, ...) so neither side always runs
    right after the other's warm-up or cool-down. Contenders are named by anything hashable: a
    label, or the size of the request each one sends.
    """
    names = list(contenders)
    samples: dict[Name, list[float]] = {name: [] for name in names}
    for round_index in range(rounds):
        order = names if round_index % 2 == 0 else list(reversed(names))
        for name in order:
            value = contenders[name]()
            samples[name].append(value)
            if on_sample is not None:
                on_sample(name, round_index, value)
    return samples


@dataclass(frozen=True)
class Goal:
    """A figure the issue requires, the value measured, and whether it holds."""

    name: str
    statement: str
    measured: float
    threshold: float
    comparison: Literal[">=", "<="]

    @property
    def holds(self) -> bool:
        if self.comparison == ">=":
            return self.measured >= self.threshold
        return self.measured <= self.threshold

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "statement": self.statement,
            "measured": round(self.measured, 4),
            "threshold": self.threshold,
            "comparison": self.comparison,
            "holds": self.holds,
        }


def seconds_per_call(function: Callable[[], object], *, budget_s: float = 0.2) -> float:
    """Wall seconds one call of `function` takes, timed over enough calls to fill `budget_s`.

    Like `timeit.Timer.autorange`: the loop count grows until one timing takes the budget, so a
    microsecond call and a millisecond call are both timed over many calls. The garbage collector
    is paused while timing (as timeit does) so a collection triggered by one contender's garbage is
    not charged to the next.
    """
    loops = 1
    while True:
        elapsed = _timed_loop(function, loops)
        if elapsed >= budget_s:
            return elapsed / loops
        # Aim straight for the budget with a margin, instead of doubling in many small steps.
        loops = max(loops * 2, int(loops * budget_s * 1.2 / max(elapsed, 1e-9)))


def _timed_loop(function: Callable[[], object], loops: int) -> float:
    collecting = gc.isenabled()
    gc.disable()
    try:
        started = time.perf_counter()
        for _ in range(loops):
            function()
        return time.perf_counter() - started
    finally:
        if collecting:
            gc.enable()
