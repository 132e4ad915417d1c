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

from collections import Counter
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
    """One process's recording. Per request: a list append and an integer comparison.

    Recording a value into an `HdrHistogram` costs about 1 µs of Python, a tenth of what Locust
    itself spends on a request, and a per-second timeline slot as much again; so a request's
    latencies go into the current wall second's batch, and each batch is folded in when the
    second changes: its sums, maxima and counts with C-level builtins, its values into a
    `Counter` of pending values that reaches the histograms in one `record_value(value, count)`
    per distinct value. Every reader (`actual`, `corrected`, `intended`, `timeline`, `clamped`,
    `drain`, `timeline_points`) folds in whatever is pending first, so nothing is ever missed.
    """

    _PENDING_LIMIT = 50_000
    """Distinct pending values that trigger folding them into the histograms (bounds memory)."""

    def __init__(self) -> None:
        self._actual = new_histogram()
        self._corrected = new_histogram()
        self._timeline: dict[int, list[int]] = {}
        self._clamped = 0
        self._second: int | None = None
        self._closed: list[int] = []
        self._open_actual: list[int] = []
        self._open_corrected: list[int] = []
        self._failures = 0
        self._pending_actual: Counter[int] = Counter()
        self._pending_corrected: Counter[int] = Counter()

    def record(
        self, wall_second: int, actual_us: int, corrected_us: int | None, failed: bool
    ) -> None:
        """Record one finished request: latencies in µs from actual and from intended start.

        `corrected_us=None` (closed model: the intended start is the actual one) records the
        actual histogram only; `intended` then reads it for both.
        """
        if wall_second != self._second:
            self._close_second()
            self._second = wall_second
        if corrected_us is None:
            self._closed.append(actual_us)
        else:
            self._open_actual.append(actual_us)
            self._open_corrected.append(corrected_us)
        if failed:
            self._failures += 1

    def _close_second(self) -> None:
        """Fold the current second's batch into its timeline slot and the pending counts."""
        closed, actual, corrected = self._closed, self._open_actual, self._open_corrected
        if self._second is None or not (closed or actual):
            return
        if closed and (max(closed) > HIGHEST_TRACKABLE_US or min(closed) < LOWEST_TRACKABLE_US):
            self._clamped += sum(1 for value in closed if value > HIGHEST_TRACKABLE_US)
            closed = [_bounded(value) for value in closed]
        if actual:
            # Never below the actual latency: a request cannot finish before it started.
            corrected = [c if c > a else a for a, c in zip(actual, corrected, strict=True)]
            if max(corrected) > HIGHEST_TRACKABLE_US or min(actual) < LOWEST_TRACKABLE_US:
                self._clamped += sum(1 for value in corrected if value > HIGHEST_TRACKABLE_US)
                actual = [_bounded(value) for value in actual]
                corrected = [_bounded(value) for value in corrected]
        slot = self._timeline.get(self._second)
        if slot is None:
            slot = self._timeline[self._second] = [0, 0, 0, 0, 0, 0]
        slot[_REQUESTS] += len(closed) + len(actual)
        slot[_FAILURES] += self._failures
        closed_sum = sum(closed)
        slot[_SUM_ACTUAL] += closed_sum + sum(actual)
        slot[_SUM_CORRECTED] += closed_sum + sum(corrected)
        slot[_MAX_ACTUAL] = max(slot[_MAX_ACTUAL], max(closed, default=0), max(actual, default=0))
        slot[_MAX_CORRECTED] = max(
            slot[_MAX_CORRECTED], max(closed, default=0), max(corrected, default=0)
        )
        self._pending_actual.update(closed)
        self._pending_actual.update(actual)
        self._pending_corrected.update(corrected)
        self._closed, self._open_actual, self._open_corrected = [], [], []
        self._failures = 0
        if len(self._pending_actual) + len(self._pending_corrected) > self._PENDING_LIMIT:
            self._fold_pending()

    def _fold_pending(self) -> None:
        for value, count in self._pending_actual.items():
            self._actual.record_value(value, count)
        for value, count in self._pending_corrected.items():
            self._corrected.record_value(value, count)
        self._pending_actual.clear()
        self._pending_corrected.clear()

    def flush(self) -> None:
        """Fold everything recorded so far into the histograms and the timeline."""
        self._close_second()
        self._second = None
        self._fold_pending()

    @property
    def actual(self) -> HdrHistogram:
        """Latency from actual start, everything recorded so far."""
        self.flush()
        return self._actual

    @property
    def corrected(self) -> HdrHistogram:
        """Latency from intended start of the open-model requests recorded so far."""
        self.flush()
        return self._corrected

    @property
    def timeline(self) -> dict[int, list[int]]:
        self.flush()
        return self._timeline

    @property
    def clamped(self) -> int:
        """Requests whose latency was beyond the histograms' range (recorded as the maximum)."""
        self.flush()
        return self._clamped

    @property
    def intended(self) -> HdrHistogram:
        """Latency from intended start: the corrected histogram, or (closed model, where nothing
        was recorded into it) the actual one, which is then the same thing."""
        self.flush()
        if self._corrected.get_total_count() == 0:
            return self._actual
        return self._corrected

    def drain(self) -> LatencyDelta:
        """Everything recorded since the last drain, encoded; the recorder starts afresh."""
        self.flush()
        delta = LatencyDelta(
            actual=_encode(self._actual),
            corrected=_encode(self._corrected),
            timeline=[[second, *slot] for second, slot in sorted(self._timeline.items())],
            clamped=self._clamped,
        )
        self._actual.reset()
        self._corrected.reset()
        self._timeline = {}
        self._clamped = 0
        return delta

    def absorb(self, delta: LatencyDelta) -> None:
        """Add a worker's delta: histogram counts add exactly; timeline sums add, maxima max."""
        self.flush()
        self._actual.decode_and_add(delta.actual)
        self._corrected.decode_and_add(delta.corrected)
        self._clamped += delta.clamped
        for second, *values in delta.timeline:
            slot = self._timeline.get(second)
            if slot is None:
                self._timeline[second] = list(values)
                continue
            for index, value in enumerate(values):
                if index in _MAXED_FIELDS:
                    slot[index] = max(slot[index], value)
                else:
                    slot[index] += value

    def timeline_points(self) -> list[TimelinePoint]:
        """The per-second series in order; seconds without a response are filled with zeros."""
        timeline = self.timeline
        if not timeline:
            return []
        first, last = min(timeline), max(timeline)
        points = []
        for second in range(first, last + 1):
            slot = timeline.get(second, [0, 0, 0, 0, 0, 0])
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


def _bounded(value: int) -> int:
    """A latency within the histograms' trackable range."""
    return min(max(value, LOWEST_TRACKABLE_US), HIGHEST_TRACKABLE_US)


def _encode(histogram: HdrHistogram) -> str:
    encoded = histogram.encode()
    return encoded.decode("ascii") if isinstance(encoded, bytes) else str(encoded)
