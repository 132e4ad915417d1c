"""HDR latency recording: two exact, mergeable histograms and a per-second timeline.

Locust's own response-time buckets round (to 10 ms above 100 ms, 100 ms above 1 s) and are measured
from when a request actually started, which hides coordinated omission: a server that stalls makes
the load generator wait, so the requests that should have been sent during the stall are never
timed. We record, for every request, the latency from its *actual* start and from its *intended*
start (the open-model schedule's slot; equal to the actual start in the closed model), each in an
HdrHistogram (1 µs … 60 s, 3 significant digits: 1 µs resolution up to 2 ms, 0.1 % relative above).

Histograms are exact under addition, so distributed runs merge them rather than averaging
percentiles: a worker drains (encodes and resets) its recorder into a `LatencyDelta` every report,
and the master `absorb`s each delta into its own recorder.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hdrh.histogram import HdrHistogram

LOWEST_TRACKABLE_US = 1
HIGHEST_TRACKABLE_US = 60_000_000
SIGNIFICANT_DIGITS = 3

SUMMARY_PERCENTILES: tuple[float, ...] = (50.0, 90.0, 95.0, 99.0, 99.9)
"""The percentiles every report shows (besides max): the issue's p50/p90/p95/p99/p99.9."""

# Timeline slot layout: one list per wall-clock second, summed (or maxed) across workers.
_REQUESTS, _FAILURES, _SUM_ACTUAL, _MAX_ACTUAL, _SUM_CORRECTED, _MAX_CORRECTED = range(6)
_MAXED_FIELDS = frozenset({_MAX_ACTUAL, _MAX_CORRECTED})


def new_histogram() -> HdrHistogram:
    """An empty histogram with the kit's range and precision (the same everywhere, so they add)."""
    return HdrHistogram(LOWEST_TRACKABLE_US, HIGHEST_TRACKABLE_US, SIGNIFICANT_DIGITS)


@dataclass(frozen=True)
class LatencyStats:
    """Percentiles of one histogram, in milliseconds with microsecond precision."""

    count: int
    min_ms: float
    mean_ms: float
    max_ms: float
    percentiles_ms: dict[str, float]

    def value(self, metric: str) -> float | None:
        """The value of `max`, `mean`, `min` or a `pNN` key; None when nothing was recorded."""
        if self.count == 0:
            return None
        if metric in ("max", "mean", "min"):
            return float(getattr(self, f"{metric}_ms"))
        return self.percentiles_ms.get(metric)


def percentile_key(percentile: float) -> str:
    """`99.9` → `p99.9`, `50.0` → `p50`: the names thresholds and reports use."""
    return f"p{percentile:g}"


def latency_stats(histogram: HdrHistogram, extra_percentiles: Iterable[float] = ()) -> LatencyStats:
    """Summarise a histogram: count, min, mean, max and the summary (plus requested) percentiles."""
    count = histogram.get_total_count()
    wanted = sorted({*SUMMARY_PERCENTILES, *extra_percentiles})
    if count == 0:
        return LatencyStats(0, 0.0, 0.0, 0.0, {percentile_key(p): 0.0 for p in wanted})
    return LatencyStats(
        count=count,
        min_ms=histogram.get_min_value() / 1000,
        mean_ms=round(histogram.get_mean_value() / 1000, 3),
        max_ms=histogram.get_max_value() / 1000,
        percentiles_ms={
            percentile_key(p): histogram.get_value_at_percentile(p) / 1000 for p in wanted
        },
    )


def percentile_spectrum(histogram: HdrHistogram, steps: int = 50) -> list[tuple[float, float]]:
    """(percentile, ms) pairs from p0 to p99.999, spaced evenly in log(1/(1-p)) like HdrHistogram's
    own plots, then the maximum: the shape of the tail, not just a few points on it."""
    if histogram.get_total_count() == 0:
        return []
    points = []
    for step in range(steps + 1):
        percentile = 100.0 * (1.0 - 10.0 ** (-5.0 * step / steps))
        points.append((percentile, histogram.get_value_at_percentile(percentile) / 1000))
    points.append((100.0, histogram.get_max_value() / 1000))
    return points


@dataclass(frozen=True)
class TimelinePoint:
    """One wall-clock second of the run, merged across workers."""

    second: int
    requests: int
    failures: int
    mean_actual_ms: float
    max_actual_ms: float
    mean_corrected_ms: float
    max_corrected_ms: float


@dataclass(frozen=True)
class LatencyDelta:
    """What a worker sends its master: encoded histograms and timeline slots since the last report.

    Plain strings and lists only, so it travels in Locust's msgpack messages unchanged.
    """

    actual: str
    corrected: str
    timeline: list[list[int]]
    clamped: int

    def to_message(self) -> dict[str, Any]:
        return {
            "actual": self.actual,
            "corrected": self.corrected,
            "timeline": self.timeline,
            "clamped": self.clamped,
        }

    @staticmethod
    def from_message(data: dict[str, Any]) -> LatencyDelta:
        return LatencyDelta(
            actual=str(data["actual"]),
            corrected=str(data["corrected"]),
            timeline=[[int(v) for v in slot] for slot in data["timeline"]],
            clamped=int(data["clamped"]),
        )


class LatencyRecorder:
    """One process's recording; O(1) per request (one or two histogram records, a dict slot)."""

    def __init__(self) -> None:
        self.actual = new_histogram()
        self.corrected = new_histogram()
        self.timeline: dict[int, list[int]] = {}
        self.clamped = 0

    def record(
        self, wall_second: int, actual_us: int, corrected_us: int | None, failed: bool
    ) -> None:
        """Record one finished request: latencies in µs from actual and from intended start.

        `corrected_us=None` (closed model: the intended start is the actual one) records the
        actual histogram only; `intended` then reads it for both, one record cheaper.
        """
        closed = corrected_us is None
        if corrected_us is None or corrected_us < actual_us:
            corrected_us = actual_us
        if corrected_us > HIGHEST_TRACKABLE_US:
            self.clamped += 1
            corrected_us = HIGHEST_TRACKABLE_US
            actual_us = min(actual_us, HIGHEST_TRACKABLE_US)
        actual_us = max(actual_us, LOWEST_TRACKABLE_US)
        corrected_us = max(corrected_us, LOWEST_TRACKABLE_US)
        self.actual.record_value(actual_us)
        if not closed:
            self.corrected.record_value(corrected_us)
        slot = self.timeline.get(wall_second)
        if slot is None:
            slot = self.timeline[wall_second] = [0, 0, 0, 0, 0, 0]
        slot[_REQUESTS] += 1
        slot[_FAILURES] += failed
        slot[_SUM_ACTUAL] += actual_us
        slot[_SUM_CORRECTED] += corrected_us
        if actual_us > slot[_MAX_ACTUAL]:
            slot[_MAX_ACTUAL] = actual_us
        if corrected_us > slot[_MAX_CORRECTED]:
            slot[_MAX_CORRECTED] = corrected_us

    @property
    def intended(self) -> HdrHistogram:
        """Latency from intended start: the corrected histogram, or (closed model, where nothing
        was recorded into it) the actual one, which is then the same thing."""
        if self.corrected.get_total_count() == 0:
            return self.actual
        return self.corrected

    def drain(self) -> LatencyDelta:
        """Everything recorded since the last drain, encoded; the recorder starts afresh."""
        delta = LatencyDelta(
            actual=_encode(self.actual),
            corrected=_encode(self.corrected),
            timeline=[[second, *slot] for second, slot in sorted(self.timeline.items())],
            clamped=self.clamped,
        )
        self.actual.reset()
        self.corrected.reset()
        self.timeline = {}
        self.clamped = 0
        return delta

    def absorb(self, delta: LatencyDelta) -> None:
        """Add a worker's delta: histogram counts add exactly; timeline sums add, maxima max."""
        self.actual.decode_and_add(delta.actual)
        self.corrected.decode_and_add(delta.corrected)
        self.clamped += delta.clamped
        for second, *values in delta.timeline:
            slot = self.timeline.get(second)
            if slot is None:
                self.timeline[second] = list(values)
                continue
            for index, value in enumerate(values):
                if index in _MAXED_FIELDS:
                    slot[index] = max(slot[index], value)
                else:
                    slot[index] += value

    def timeline_points(self) -> list[TimelinePoint]:
        """The per-second series in order; seconds without a response are filled with zeros."""
        if not self.timeline:
            return []
        first, last = min(self.timeline), max(self.timeline)
        points = []
        for second in range(first, last + 1):
            slot = self.timeline.get(second, [0, 0, 0, 0, 0, 0])
            requests = slot[_REQUESTS]
            points.append(
                TimelinePoint(
                    second=second,
                    requests=requests,
                    failures=slot[_FAILURES],
                    mean_actual_ms=slot[_SUM_ACTUAL] / requests / 1000 if requests else 0.0,
                    max_actual_ms=slot[_MAX_ACTUAL] / 1000,
                    mean_corrected_ms=slot[_SUM_CORRECTED] / requests / 1000 if requests else 0.0,
                    max_corrected_ms=slot[_MAX_CORRECTED] / 1000,
                )
            )
        return points


def _encode(histogram: HdrHistogram) -> str:
    encoded = histogram.encode()
    return encoded.decode("ascii") if isinstance(encoded, bytes) else str(encoded)
