"""`summary.json`: the run's verdict and evidence as data, the source every other report renders.

Built once, on the master (or the single process), from the merged recorders. Every latency comes
from the HDR histograms (never Locust's rounded buckets); thresholds are judged against the same
numbers the report shows, so the exit code and the report cannot disagree.
"""

from __future__ import annotations

import platform
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sms_acceptance._network import parse_proxy_url
from sms_acceptance._redaction import redact_authorization

from ._dlr_summary import report_figures, report_section
from ._latency import (
    HIGHEST_TRACKABLE_US,
    SIGNIFICANT_DIGITS,
    LatencyStats,
    latency_stats,
    percentile_spectrum,
)
from ._pacing import LATE_AFTER_SECONDS
from ._run import LoadRun
from ._thresholds import ThresholdVerdict, evaluate_thresholds

SUMMARY_FORMAT = 1
_SECRET_OPTIONS = frozenset({"web_auth", "tls_key"})
"""Locust's own options that hold secrets (web UI password, TLS key path)."""


@dataclass(frozen=True)
class RunVerdict:
    """The summary as written, and whether every threshold held."""

    summary: dict[str, Any]
    verdicts: tuple[ThresholdVerdict, ...]

    @property
    def all_hold(self) -> bool:
        return all(v.holds for v in self.verdicts)


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="milliseconds")


def _stats_dict(stats: LatencyStats) -> dict[str, Any]:
    return {
        "count": stats.count,
        "min": stats.min_ms,
        "mean": stats.mean_ms,
        **stats.percentiles_ms,
        "max": stats.max_ms,
    }


def _extra_percentiles(run: LoadRun) -> list[float]:
    found = []
    for threshold in run.options.thresholds:
        metric = threshold.metric.removeprefix("corrected_")
        if metric.startswith("p"):
            found.append(float(metric[1:]))
    return found


def _options(environment: Any, run: LoadRun) -> dict[str, Any]:
    """Every parsed option that is plain data, the credential redacted (and scrubbed everywhere)."""
    parsed = vars(environment.parsed_options) if environment.parsed_options else {}
    shown: dict[str, Any] = {}
    for name, value in sorted(parsed.items()):
        if name == "authorization":
            shown[name] = redact_authorization(run.authorization)
        elif name in _SECRET_OPTIONS:
            shown[name] = None if value is None else "***"
        elif name == "proxy" and value:  # a proxy password is shown as ***
            shown[name] = parse_proxy_url(str(value), "--proxy").shown
        elif isinstance(value, str | int | float | bool) or value is None:
            shown[name] = run.redactor.scrub(value) if isinstance(value, str) else value
        elif isinstance(value, list | tuple) and all(
            isinstance(v, str | int | float) for v in value
        ):
            shown[name] = [run.redactor.scrub(v) if isinstance(v, str) else v for v in value]
    return shown


def _live_budget(runner: Any, run: LoadRun) -> dict[str, int] | None:
    """How much of `--max-messages` the run used: destinations sent to the live target (a master
    adds up what its workers sent; it granted them `granted`, never more than the budget)."""
    if not run.live_run:
        return None
    guard = run.live_guard
    distributed = type(runner).__name__ == "MasterRunner"
    sent = run.live_sent_by_workers if distributed else guard.destinations_sent
    return {
        "max_messages": guard.max_destinations,
        "sent": sent,
        "granted": guard.destinations_sent,
        "remaining": guard.remaining,
    }


def build_summary(environment: Any, run: LoadRun) -> RunVerdict:
    """Merge what the run recorded into the summary document and judge the thresholds."""
    from locust import __version__ as locust_version

    from sms_acceptance import __version__ as kit_version

    extra = _extra_percentiles(run)
    actual = latency_stats(run.latency.actual, extra)
    corrected = latency_stats(run.latency.intended, extra)
    book = run.outcomes
    schedule = run.schedule_tally.total()
    ended = run.stopped_wall or datetime.now(UTC).timestamp()
    started = run.started_wall or ended
    if schedule is not None and schedule.window_seconds > 0:
        window = schedule.window_seconds
    else:
        window = max(ended - started, 1e-9)
    # Open model: the rate requests were sent at (the schedule's question: did the generator
    # hold R?); closed: the rate answers came back at.
    sent = schedule.started if schedule is not None else book.requests
    achieved = sent / window if sent else 0.0
    answered = book.requests / window if book.requests else 0.0
    target = run.options.arrival_rate

    reports = report_figures(environment, run.options.thresholds)

    def observed(metric: str) -> float | None:
        if metric.startswith("dlr_"):
            return None if reports is None else reports.value(metric.removeprefix("dlr_"))
        if metric == "error_rate":
            return book.error_rate
        if metric == "rps":
            return achieved if book.requests else None
        if metric.startswith("corrected_"):
            return corrected.value(metric.removeprefix("corrected_"))
        return actual.value(metric)

    verdicts = evaluate_thresholds(run.options.thresholds, observed)
    runner = environment.runner
    parsed = environment.parsed_options
    summary: dict[str, Any] = {
        "format": SUMMARY_FORMAT,
        "kit": {"name": "sms-acceptance", "version": kit_version, "locust": locust_version},
        "run": {
            "id": uuid.uuid4().hex,
            "started_at": _iso(started),
            "finished_at": _iso(ended),
            "duration_seconds": round(ended - started, 3),
            "target": run.redactor.scrub(run.url),
            "network": run.network.describe(run.url),
            "target_kind": "embedded sandbox"
            if run.sandbox is not None
            else ("live" if run.live_run else "loopback"),
            "mode": "distributed" if type(runner).__name__ == "MasterRunner" else "single process",
            "workers": run.node_count if type(runner).__name__ == "MasterRunner" else 1,
            "requests_by_worker": dict(sorted(run.requests_by_node.items())),
            "scenarios": sorted(cls.__name__ for cls in environment.user_classes),
            "users": getattr(parsed, "num_users", None),
            "spawn_rate": getattr(parsed, "spawn_rate", None),
            "run_time_seconds": getattr(parsed, "run_time", None),
            "tags": getattr(parsed, "tags", None),
            "python": platform.python_version(),
        },
        "options": _options(environment, run),
        "rate": {
            "model": "open" if target is not None else "closed",
            "target_rps": target,
            "achieved_rps": round(achieved, 3),
            "answered_rps": round(answered, 3),
            "achieved_share_of_target": round(achieved / target, 4) if target else None,
            "window_seconds": round(window, 3),
            "due": None if schedule is None else schedule.due,
            "sent": None if schedule is None else schedule.started,
            "late": None if schedule is None else schedule.late,
            "late_after_ms": LATE_AFTER_SECONDS * 1000,
            "dropped": None if schedule is None else schedule.dropped,
        },
        "requests": {
            "total": book.requests,
            "succeeded": book.requests - book.failures,
            "failed": book.failures,
            "error_rate": book.error_rate,
            "expected_rejections": book.expected_rejections,
        },
        "latency_ms": {
            "from_actual_start": _stats_dict(actual),
            "from_intended_start": _stats_dict(corrected),
            "histogram": {
                "range_us": [1, HIGHEST_TRACKABLE_US],
                "significant_digits": SIGNIFICANT_DIGITS,
                "clamped_above_range": run.latency.clamped,
            },
        },
        "live_budget": _live_budget(runner, run),
        "stopped_by_guard": run.refusal,
        "errors": book.breakdown(),
        "validation": {
            "fraction": run.options.validate_fraction,
            "validated": book.validated,
            "schema_invalid": book.schema_invalid,
            "first_violations": book.first_schema_violations,
        },
        "delivery_reports": report_section(environment, reports),
        "thresholds": [
            {
                "expression": v.threshold.expression,
                "metric": v.threshold.metric,
                "comparison": v.threshold.comparison,
                "limit": v.threshold.limit,
                "unit": v.threshold.unit,
                "observed": v.observed,
                "holds": v.holds,
                "line": v.describe(),
            }
            for v in verdicts
        ],
        "verdict": "pass" if all(v.holds for v in verdicts) else "fail",
        "timeline": [
            {
                "second": p.second,
                "requests": p.requests,
                "failures": p.failures,
                "mean_actual_ms": round(p.mean_actual_ms, 3),
                "max_actual_ms": p.max_actual_ms,
                "mean_corrected_ms": round(p.mean_corrected_ms, 3),
                "max_corrected_ms": p.max_corrected_ms,
            }
            for p in run.latency.timeline_points()
        ],
        "spectrum": {
            "from_actual_start": percentile_spectrum(run.latency.actual),
            "from_intended_start": percentile_spectrum(run.latency.intended),
        },
    }
    return RunVerdict(summary, verdicts)
