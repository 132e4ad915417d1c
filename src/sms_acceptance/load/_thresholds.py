"""CI thresholds: the one-line expressions a run is judged by (`p95<250ms`, `error_rate<1%`).

A threshold is parsed when the command line is, so a typo fails in a second with one line,
never after a fifteen-minute run. Each expression names one metric of the run's summary, a
comparison and a limit with its unit; the verdict keeps the observed value beside the limit, so
a failed gate says by how much it failed.

Grammar (whitespace ignored)::

    threshold := metric op limit
    metric    := latency | "error_rate" | "rps" | report
    latency   := ["corrected_"] ("p" number | "max" | "mean")
    report    := "dlr_" ("p" number | "max" | "mean")          latency to the final report
               | "dlr_missing" | "dlr_slow" | "dlr_duplicates"   shares, as error_rate
    op        := "<" | "<=" | ">" | ">="
    limit     := number ("us" | "µs" | "ms" | "s")   for latency metrics (unit required)
               | number ["%"]                        for error_rate (a bare number is a fraction)
               | number ["/s"]                       for rps

`pNN` and `max`/`mean` read the histogram of latency from each request's actual start; the
`corrected_` forms read the histogram from each request's intended start (open model, coordinated
omission corrected; equal to the actual one in the closed model). The `dlr_` metrics read the
delivery reports (`_dlr_metrics`): latency from a send's answer to its final report, the share of
accepted messages without a final report within the grace period (`dlr_missing`), with one later
than the slow bound or none past it (`dlr_slow`), and duplicate finals (`dlr_duplicates`).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

Comparison = Literal["<", "<=", ">", ">="]

_COMPARE: Mapping[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_LATENCY_UNITS_MS = {"us": 0.001, "µs": 0.001, "ms": 1.0, "s": 1000.0}
_EXPRESSION = re.compile(r"^(?P<metric>[a-z_][a-z0-9_.]*)(?P<op><=|>=|<|>)(?P<limit>.+)$")
_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)"
_LATENCY_LIMIT = re.compile(rf"^(?P<value>{_NUMBER})(?P<unit>us|µs|ms|s)$")
_RATE_LIMIT = re.compile(rf"^(?P<value>{_NUMBER})(?P<percent>%?)$")
_RPS_LIMIT = re.compile(rf"^(?P<value>{_NUMBER})(?:/s)?$")
_PERCENTILE = re.compile(rf"^p(?P<value>{_NUMBER})$")

_REPORT_SHARES = frozenset({"dlr_missing", "dlr_slow", "dlr_duplicates"})

DEFAULT_THRESHOLD_EXPRESSIONS: tuple[str, ...] = ("error_rate<1%",)
"""Applied when no `--threshold` is given: a run with 1 % failures or more fails the gate."""


class ThresholdSyntaxError(ValueError):
    """An expression that is not a threshold; the message is one line naming the expression."""


@dataclass(frozen=True)
class Threshold:
    """One parsed gate: `metric` compared by `comparison` with `limit` in the metric's unit.

    `limit` is in milliseconds for latency metrics, a fraction (0.01 for 1 %) for `error_rate`,
    requests per second for `rps`. `metric` is canonical: `p99.9`, `corrected_p99`, `max`, …
    """

    expression: str
    metric: str
    comparison: Comparison
    limit: float
    unit: Literal["ms", "fraction", "req/s"]

    def holds_for(self, observed: float) -> bool:
        """Whether an observed value (in this threshold's unit) passes the gate."""
        return _COMPARE[self.comparison](observed, self.limit)


@dataclass(frozen=True)
class ThresholdVerdict:
    """A threshold with the value the run produced; `observed` is None when the run had no data."""

    threshold: Threshold
    observed: float | None
    holds: bool

    def describe(self) -> str:
        """One line for the console and the report: `p95<250ms: 12.3 ms (holds)`."""
        shown = "no data" if self.observed is None else _format(self.observed, self.threshold.unit)
        return f"{self.threshold.expression}: {shown} ({'holds' if self.holds else 'FAILS'})"


def _format(value: float, unit: str) -> str:
    if unit == "fraction":
        return f"{value * 100:.3f}%"
    if unit == "ms":
        return f"{value:.3f} ms"
    return f"{value:.1f} req/s"


def _latency_metric(name: str) -> str | None:
    """The canonical latency metric name, or None when `name` is not a latency metric."""
    base = name.removeprefix("corrected_")
    prefix = "corrected_" if base != name else ""
    if base in ("max", "mean"):
        return prefix + base
    match = _PERCENTILE.match(base)
    if match is None:
        return None
    percentile = float(match["value"])
    if not 0 < percentile <= 100:
        raise ThresholdSyntaxError(f"percentile must be in (0, 100]: {name!r}")
    return f"{prefix}p{percentile:g}"


def parse_threshold(expression: str) -> Threshold:
    """Parse one expression such as `p95<250ms`; raise ThresholdSyntaxError with one line if bad."""
    text = "".join(expression.split())
    match = _EXPRESSION.match(text)
    if match is None:
        raise ThresholdSyntaxError(
            f"not a threshold: {expression!r} (expected METRIC OP LIMIT, e.g. 'p95<250ms', "
            "'error_rate<1%', 'rps>=400')"
        )
    metric, comparison, limit_text = match["metric"], match["op"], match["limit"]
    op: Comparison = comparison  # type: ignore[assignment]  # the regex admits only these four
    if metric in _REPORT_SHARES or metric == "error_rate":
        rate = _RATE_LIMIT.match(limit_text)
        if rate is None:
            raise ThresholdSyntaxError(
                f"{metric} limit must be a percentage or a fraction, e.g. '1%' or '0.01': "
                f"{expression!r}"
            )
        value = float(rate["value"]) / (100.0 if rate["percent"] else 1.0)
        if value > 1:
            raise ThresholdSyntaxError(f"{metric} limit above 100%: {expression!r}")
        return Threshold(text, metric, op, value, "fraction")
    if metric == "rps":
        rps = _RPS_LIMIT.match(limit_text)
        if rps is None:
            raise ThresholdSyntaxError(f"rps limit must be a number of requests/s: {expression!r}")
        return Threshold(text, metric, op, float(rps["value"]), "req/s")
    if metric.startswith("dlr_"):
        base = _latency_metric(metric.removeprefix("dlr_"))
        latency = None if base is None or base.startswith("corrected_") else f"dlr_{base}"
    else:
        latency = _latency_metric(metric)
    if latency is None:
        raise ThresholdSyntaxError(
            f"unknown metric {metric!r} in {expression!r} (known: pNN, max, mean, their "
            "corrected_ and dlr_ forms, error_rate, rps, dlr_missing, dlr_slow, dlr_duplicates)"
        )
    limit = _LATENCY_LIMIT.match(limit_text)
    if limit is None:
        raise ThresholdSyntaxError(
            f"latency limit needs a number and a unit (us, ms or s): {expression!r}"
        )
    return Threshold(
        text, latency, op, float(limit["value"]) * _LATENCY_UNITS_MS[limit["unit"]], "ms"
    )


def evaluate_thresholds(
    thresholds: tuple[Threshold, ...], observed: Callable[[str], float | None]
) -> tuple[ThresholdVerdict, ...]:
    """Judge each threshold against the run's metrics (`observed(metric)`, in the threshold's unit).

    A metric the run did not produce (no requests at all) fails its threshold: a gate that passes
    on no data would let a run that never reached the server through CI.
    """
    verdicts = []
    for threshold in thresholds:
        value = observed(threshold.metric)
        verdicts.append(
            ThresholdVerdict(threshold, value, value is not None and threshold.holds_for(value))
        )
    return tuple(verdicts)
