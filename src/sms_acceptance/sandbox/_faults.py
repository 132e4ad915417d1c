"""Deciding, request by request, which faults to inject (latency, error statuses, stalls).

Every request draws the same three numbers from one seeded generator in arrival order, whichever
faults are switched on, so a seed fixes the whole sequence: the n-th request gets the same delay
and the same status on every run. The decision is plain data; the app does the sleeping.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from statistics import NormalDist

from ._config import FaultConfig

__all__ = ["FaultDecision", "FaultPlan"]

# The inverse CDF turns the request's one latency draw into a normal deviate (no second draw).
_STANDARD_NORMAL = NormalDist()


@dataclass(frozen=True)
class FaultDecision:
    """What to do to one request: wait `delay_seconds`, then answer `status` (None: answer it)."""

    delay_seconds: float
    status: int | None
    stalled: bool


class FaultPlan:
    """The sequence of fault decisions for one sandbox, reproducible under `FaultConfig.seed`."""

    def __init__(self, config: FaultConfig) -> None:
        self._config = config
        self._random = random.Random(config.seed)
        # Cumulative thresholds once, so each decision is one comparison per status.
        thresholds: list[tuple[float, int]] = []
        total = 0.0
        for status, fraction in sorted(config.error_fractions.items()):
            if fraction > 0:
                total += fraction
                thresholds.append((total, status))
        self._thresholds = tuple(thresholds)
        mean = config.latency_ms / 1000.0
        self._mean_seconds = mean
        self._cap_seconds = mean * config.latency_cap_factor
        sigma = config.latency_sigma
        # A lognormal whose mean is `mean`: mu = ln(mean) - sigma²/2.
        self._lognormal_mu = math.log(mean) - sigma * sigma / 2 if mean > 0 else 0.0

    def _latency(self, uniform: float) -> float:
        mean = self._mean_seconds
        if mean == 0:
            return 0.0
        distribution = self._config.latency_distribution
        if distribution == "fixed":
            return mean
        # 1 - u lies in (0, 1], so the logarithm and the inverse normal are always defined.
        tail = 1.0 - uniform
        if distribution == "exponential":
            value = -mean * math.log(tail)
        else:
            sigma = self._config.latency_sigma
            z = _STANDARD_NORMAL.inv_cdf(min(max(tail, 1e-12), 1 - 1e-12))
            value = math.exp(self._lognormal_mu + sigma * z)
        return min(value, self._cap_seconds)

    def next_decision(self) -> FaultDecision:
        """The faults for the next request to arrive."""
        draw = self._random.random
        error_u, stall_u, latency_u = draw(), draw(), draw()
        status = None
        for threshold, candidate in self._thresholds:
            if error_u < threshold:
                status = candidate
                break
        stalled = stall_u < self._config.stall_fraction
        delay = self._latency(latency_u)
        if stalled:
            delay += self._config.stall_seconds
        return FaultDecision(delay_seconds=delay, status=status, stalled=stalled)
