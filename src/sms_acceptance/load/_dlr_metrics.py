"""Delivery reports under load: sends and reports correlated by `messageId`, mergeable like latency.

Every destination a send answer accepted (PENDING or ACCEPTED group, D1) is *expected* to get one
final report. The receiver hands each pushed report to `DeliveryReportBook.record_report`; the
first final report of an expected `messageId` gives its send-to-final latency (from the moment the
send's answer arrived to the moment the report did) into an HdrHistogram; a second final is a
duplicate, a report for an id no answer gave is unknown. What buyers count (provider-facts §11.4):
how many accepted messages got a final report within the grace period after the run (`missing`),
how late (percentiles, and the share "slow": final later than a bound, 4 minutes as GOV.UK Notify
counts it, or still without one past that bound), and the outcome mix.

All counts add and histograms merge exactly, so a worker drains a `ReportDelta` into each report
to its master and the master `absorb`s it, as `_latency` does for request latencies. A worker
knows which of *its* expected ids are still open, so what only the end can tell (still open past
the slow bound) travels in its last delta (`settle`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from hdrh.histogram import HdrHistogram

from sms_acceptance._report_status import is_final_status, status_group_name

REPORT_LATENCY_HIGHEST_MS = 48 * 3600 * 1000
"""The provider keeps reports 48 hours (provider-facts §11.2): nothing later is a report."""
DEFAULT_SLOW_AFTER_SECONDS = 240.0
"""GOV.UK Notify's bound: a message still pending, or delivered, after 4 minutes is slow."""
_EARLY_LIMIT = 10_000
"""Reports held for an id whose send answer has not been read yet (bounded, whatever arrives)."""
_ACCEPTED_GROUPS = frozenset({"PENDING", "ACCEPTED"})
_COUNTERS = (
    "accepted",
    "final_in_time",
    "final_after_grace",
    "intermediate",
    "duplicates",
    "unknown",
    "slow_final",
    "open_past_bound",
    "pushes",
    "reports",
    "unreadable_pushes",
)
# Timeline slot per second of *acceptance*: finals, sum of ms, max ms.
_FINALS, _SUM_MS, _MAX_MS = range(3)


def new_report_histogram() -> HdrHistogram:
    """Send-to-final-report latency in ms, 1 ms … 48 h, 3 significant digits (so they merge)."""
    return HdrHistogram(1, REPORT_LATENCY_HIGHEST_MS, 3)


@dataclass(frozen=True)
class ReportDelta:
    """What a worker sends its master: an encoded histogram, counters, outcome counts, timeline.
    Plain strings, numbers and lists, so it travels in Locust's msgpack messages unchanged."""

    histogram: str
    counters: dict[str, int]
    outcomes: dict[str, int]
    statuses: dict[str, int]
    timeline: list[list[int]]

    def to_message(self) -> dict[str, Any]:
        return {
            "histogram": self.histogram,
            "counters": self.counters,
            "outcomes": self.outcomes,
            "statuses": self.statuses,
            "timeline": self.timeline,
        }

    @staticmethod
    def from_message(data: dict[str, Any]) -> ReportDelta:
        return ReportDelta(
            histogram=str(data["histogram"]),
            counters={str(k): int(v) for k, v in data["counters"].items()},
            outcomes={str(k): int(v) for k, v in data["outcomes"].items()},
            statuses={str(k): int(v) for k, v in data["statuses"].items()},
            timeline=[[int(v) for v in slot] for slot in data["timeline"]],
        )


def accepted_message_ids(answer: object) -> list[str]:
    """The `messageId`s a send answer accepted (status group PENDING or ACCEPTED, D1)."""
    if not isinstance(answer, dict):
        return []
    messages = answer.get("messages")
    if not isinstance(messages, list):
        return []
    found = []
    for message in messages:
        if not isinstance(message, dict):
            continue
        message_id = message.get("messageId")
        if isinstance(message_id, str) and status_group_name(message.get("status")) in (
            _ACCEPTED_GROUPS
        ):
            found.append(message_id)
    return found


class DeliveryReportBook:
    """One process's sends awaiting reports and what arrived. Not thread-safe: gevent only."""

    def __init__(self, slow_after_seconds: float = DEFAULT_SLOW_AFTER_SECONDS) -> None:
        self.slow_after_ms = slow_after_seconds * 1000
        self._open: dict[str, float] = {}
        self._final: set[str] = set()
        self._early: dict[str, list[tuple[float, dict[str, Any]]]] = {}
        self._settled = False
        self._reset_recording()

    def _reset_recording(self) -> None:
        self.histogram = new_report_histogram()
        self.counters: Counter[str] = Counter({name: 0 for name in _COUNTERS})
        self.outcomes: Counter[str] = Counter()
        self.statuses: Counter[str] = Counter()
        self.timeline: dict[int, list[int]] = {}

    @property
    def open_count(self) -> int:
        """Accepted messages without a final report yet."""
        return len(self._open)

    def expect(self, message_ids: list[str], answered_at: float) -> None:
        """A send answer accepted these ids at `answered_at` (wall seconds)."""
        if self._settled:
            return
        for message_id in message_ids:
            if message_id in self._open or message_id in self._final:
                continue  # a gateway reusing an id: the first send counts
            self.counters["accepted"] += 1
            self._open[message_id] = answered_at
            held = self._early.pop(message_id, None)
            for arrived_at, report in held or ():
                self._judge(message_id, report, arrived_at)

    def record_push(self, reports: list[Any], arrived_at: float) -> None:
        """One push's reports (already parsed), arrived at `arrived_at` (wall seconds)."""
        self.counters["pushes"] += 1
        for report in reports:
            self.counters["reports"] += 1
            message_id = report.get("messageId") if isinstance(report, dict) else None
            if not isinstance(message_id, str):
                self.counters["unknown"] += 1
                continue
            if message_id in self._open or message_id in self._final:
                self._judge(message_id, report, arrived_at)
            elif self._settled:
                self.counters["unknown"] += 1
            elif len(self._early) < _EARLY_LIMIT:
                self._early.setdefault(message_id, []).append((arrived_at, report))
            else:
                self.counters["unknown"] += 1

    def record_unreadable_push(self) -> None:
        """A push whose body was neither a JSON nor an XML results document."""
        self.counters["pushes"] += 1
        self.counters["unreadable_pushes"] += 1

    def _judge(self, message_id: str, report: dict[str, Any], arrived_at: float) -> None:
        status = report.get("status")
        if not is_final_status(status):
            self.counters["intermediate"] += 1
            return
        if message_id in self._final:
            self.counters["duplicates"] += 1
            return
        answered_at = self._open.pop(message_id)
        self._final.add(message_id)
        if self._settled:
            self.counters["final_after_grace"] += 1
            return
        latency_ms = max(1, min(int((arrived_at - answered_at) * 1000), REPORT_LATENCY_HIGHEST_MS))
        self.histogram.record_value(latency_ms)
        self.counters["final_in_time"] += 1
        if latency_ms > self.slow_after_ms:
            self.counters["slow_final"] += 1
        self.outcomes[status_group_name(status) or "?"] += 1
        name = status.get("name") if isinstance(status, dict) else None
        self.statuses[name if isinstance(name, str) else "?"] += 1
        slot = self.timeline.setdefault(int(answered_at), [0, 0, 0])
        slot[_FINALS] += 1
        slot[_SUM_MS] += latency_ms
        slot[_MAX_MS] = max(slot[_MAX_MS], latency_ms)

    def settle(self, now: float) -> None:
        """The grace period is over: count what is still open past the slow bound; reports for
        held (never answered) ids are unknown; later finals count apart (`final_after_grace`)."""
        if self._settled:
            return
        self._settled = True
        bound = self.slow_after_ms / 1000
        self.counters["open_past_bound"] += sum(1 for t in self._open.values() if now - t > bound)
        self.counters["unknown"] += sum(len(held) for held in self._early.values())
        self._early.clear()

    def drain(self) -> ReportDelta:
        """Everything recorded since the last drain, encoded; recording starts afresh (the open
        ids stay: their reports may still come)."""
        encoded = self.histogram.encode()
        delta = ReportDelta(
            histogram=encoded.decode("ascii") if isinstance(encoded, bytes) else str(encoded),
            counters=dict(self.counters),
            outcomes=dict(self.outcomes),
            statuses=dict(self.statuses),
            timeline=[[second, *slot] for second, slot in sorted(self.timeline.items())],
        )
        self._reset_recording()
        return delta

    def absorb(self, delta: ReportDelta) -> None:
        """Master: add a worker's delta (counts add, histograms merge, timeline maxima max)."""
        self.histogram.decode_and_add(delta.histogram)
        self.counters.update(delta.counters)
        self.outcomes.update(delta.outcomes)
        self.statuses.update(delta.statuses)
        for second, finals, sum_ms, max_ms in delta.timeline:
            slot = self.timeline.setdefault(second, [0, 0, 0])
            slot[_FINALS] += finals
            slot[_SUM_MS] += sum_ms
            slot[_MAX_MS] = max(slot[_MAX_MS], max_ms)


@dataclass(frozen=True)
class ReportMetrics:
    """The figures the summary shows and thresholds read (`dlr_p95`, `dlr_missing`, `dlr_slow`)."""

    accepted: int
    final_in_time: int
    missing: int
    slow: int
    counters: dict[str, int]
    outcomes: dict[str, int]
    statuses: dict[str, int]
    latency_ms: dict[str, float]
    timeline: list[dict[str, float]]

    @property
    def missing_share(self) -> float | None:
        return self.missing / self.accepted if self.accepted else None

    @property
    def slow_share(self) -> float | None:
        return self.slow / self.accepted if self.accepted else None

    @property
    def duplicate_share(self) -> float | None:
        return self.counters["duplicates"] / self.accepted if self.accepted else None

    def value(self, metric: str) -> float | None:
        """A threshold's metric (`dlr_` stripped): `pNN`, `max`, `mean` in ms, or a share."""
        if metric == "missing":
            return self.missing_share
        if metric == "slow":
            return self.slow_share
        if metric == "duplicates":
            return self.duplicate_share
        if self.final_in_time == 0:
            return None
        return self.latency_ms.get(metric)


def report_metrics(
    book: DeliveryReportBook, percentiles: tuple[float, ...] = (50.0, 90.0, 95.0, 99.0)
) -> ReportMetrics:
    """Read the merged book into the summary's figures."""
    counters = dict(book.counters)
    histogram = book.histogram
    accepted = counters["accepted"]
    final_in_time = counters["final_in_time"]
    latency: dict[str, float] = {}
    if histogram.get_total_count():
        latency["min"] = float(histogram.get_min_value())
        latency["mean"] = round(histogram.get_mean_value(), 1)
        for percentile in sorted(set(percentiles)):
            latency[f"p{percentile:g}"] = float(histogram.get_value_at_percentile(percentile))
        latency["max"] = float(histogram.get_max_value())
    timeline = []
    if book.timeline:
        first = min(book.timeline)
        for second, (finals, sum_ms, max_ms) in sorted(book.timeline.items()):
            timeline.append(
                {
                    "second": second - first,
                    "finals": finals,
                    "mean_ms": round(sum_ms / finals, 1),
                    "max_ms": max_ms,
                }
            )
    return ReportMetrics(
        accepted=accepted,
        final_in_time=final_in_time,
        missing=max(0, accepted - final_in_time),
        slow=counters["slow_final"] + counters["open_past_bound"],
        counters=counters,
        outcomes=dict(book.outcomes.most_common()),
        statuses=dict(book.statuses.most_common()),
        latency_ms=latency,
        timeline=timeline,
    )
