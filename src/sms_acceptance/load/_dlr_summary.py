"""The `delivery_reports` section of `summary.json`, and the values `dlr_` thresholds read.

Built on the master (or the single process) from the merged book, so the report, the console lines
and the exit code read the same numbers.
"""

from __future__ import annotations

from typing import Any

from ._dlr_metrics import ReportMetrics, report_metrics
from ._dlr_run import ReportRun, reports_of
from ._thresholds import Threshold

_SHOWN_PERCENTILES = (50.0, 90.0, 95.0, 99.0)


def _threshold_percentiles(thresholds: tuple[Threshold, ...]) -> tuple[float, ...]:
    found = [
        float(t.metric.removeprefix("dlr_p")) for t in thresholds if t.metric.startswith("dlr_p")
    ]
    return tuple(sorted({*_SHOWN_PERCENTILES, *found}))


def report_figures(environment: Any, thresholds: tuple[Threshold, ...]) -> ReportMetrics | None:
    """The merged delivery-report figures, None when this run measured none."""
    reports = reports_of(environment)
    if reports is None:
        return None
    return report_metrics(reports.book, _threshold_percentiles(thresholds))


def _reason(reports: ReportRun | None, metrics: ReportMetrics | None) -> str | None:
    if reports is None or metrics is None:
        return "the delivery-report plugin did not run"
    if reports.not_measured is not None:
        return reports.not_measured
    if metrics.accepted == 0:
        return "no accepted message asked for a report (no scenario with notifyUrl ran)"
    return None


def report_section(environment: Any, metrics: ReportMetrics | None) -> dict[str, Any]:
    """`summary["delivery_reports"]`: what was expected, what came, how late, with what outcome."""
    reports = reports_of(environment)
    reason = _reason(reports, metrics)
    section: dict[str, Any] = {"measured": reason is None, "reason": reason}
    if reports is None or metrics is None:
        return section
    counters = metrics.counters
    section.update(
        {
            "grace_seconds": reports.options.grace_seconds,
            "slow_after_seconds": reports.options.slow_after_seconds,
            "scenarios": sorted(reports.tracked_scenarios),
            "accepted": metrics.accepted,
            "final_within_grace": metrics.final_in_time,
            "final_after_grace": counters["final_after_grace"],
            "missing": metrics.missing,
            "missing_share": metrics.missing_share,
            "completeness": None
            if metrics.missing_share is None
            else round(1.0 - metrics.missing_share, 6),
            "slow": metrics.slow,
            "slow_share": metrics.slow_share,
            "duplicates": counters["duplicates"],
            "unknown_message_ids": counters["unknown"],
            "intermediate": counters["intermediate"],
            "pushes": counters["pushes"],
            "reports": counters["reports"],
            "unreadable_pushes": counters["unreadable_pushes"],
            "latency_ms": metrics.latency_ms,
            "outcomes": metrics.outcomes,
            "outcome_shares": {
                name: round(count / metrics.final_in_time, 6)
                for name, count in metrics.outcomes.items()
            },
            "statuses": metrics.statuses,
            "timeline": metrics.timeline,
        }
    )
    return section
