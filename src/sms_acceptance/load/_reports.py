"""Writing the run's reports into `--report-dir`: summary.json, report.html and Locust's CSVs.

Every file passes through the run's redactor on its way to disk, whatever produced its text, so a
credential that slipped into a response body or a Locust failure message still never lands there.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from pathlib import Path
from typing import Any

from ._html_report import render_html
from ._run import LoadRun
from ._summary import RunVerdict, build_summary

SUMMARY_FILE = "summary.json"
HTML_FILE = "report.html"
CSV_FILES = ("locust_stats.csv", "locust_failures.csv", "locust_exceptions.csv")

_logger = logging.getLogger("sms_acceptance.load")


def _locust_csvs(environment: Any) -> dict[str, str]:
    """Locust's own CSV tables (requests, failures, exceptions), written by Locust's StatsCSV."""
    from locust.stats import PERCENTILES_TO_REPORT, StatsCSV

    writer = StatsCSV(environment, PERCENTILES_TO_REPORT)
    tables = {}
    for name, method in zip(
        CSV_FILES, (writer.requests_csv, writer.failures_csv, writer.exceptions_csv), strict=True
    ):
        buffer = io.StringIO()
        method(csv.writer(buffer))
        tables[name] = buffer.getvalue()
    return tables


def write_reports(environment: Any, run: LoadRun) -> RunVerdict:
    """Build the summary, write every file, log the verdict in a few lines; return the verdict."""
    verdict = build_summary(environment, run)
    directory = Path(run.options.report_dir)
    directory.mkdir(parents=True, exist_ok=True)
    scrub = run.redactor.scrub
    summary_text = json.dumps(verdict.summary, indent=2, ensure_ascii=False)
    (directory / SUMMARY_FILE).write_text(scrub(summary_text) + "\n", encoding="utf-8")
    (directory / HTML_FILE).write_text(scrub(render_html(verdict.summary)), encoding="utf-8")
    for name, text in _locust_csvs(environment).items():
        (directory / name).write_text(scrub(text), encoding="utf-8")
    for line in _verdict_lines(verdict):
        _logger.info("sms-acceptance: %s", scrub(line))
    return verdict


def _report_lines(section: dict[str, Any]) -> list[str]:
    """Delivery reports in two lines: completeness and latency, then the outcome mix."""
    if not section.get("measured"):
        reason = section.get("reason")
        return [f"delivery reports not measured: {reason}"] if reason else []
    latency = section["latency_ms"]
    return [
        f"delivery reports: {section['final_within_grace']}/{section['accepted']} final within "
        f"{section['grace_seconds']:g} s ({section['missing']} missing, {section['slow']} slow, "
        f"{section['duplicates']} duplicates, {section['unknown_message_ids']} unknown ids); "
        + ", ".join(f"{k} {latency[k]:g} ms" for k in ("p50", "p95", "p99", "max") if k in latency),
        "delivery-report outcomes: "
        + ", ".join(
            f"{name} {count} ({section['outcome_shares'][name] * 100:.1f}%)"
            for name, count in section["outcomes"].items()
        ),
    ]


def _verdict_lines(verdict: RunVerdict) -> list[str]:
    summary = verdict.summary
    latency = summary["latency_ms"]
    lines = [
        f"{summary['requests']['total']} requests, {summary['requests']['failed']} failed, "
        f"{summary['rate']['achieved_rps']} req/s"
        + (f" (target {summary['rate']['target_rps']:g})" if summary["rate"]["target_rps"] else ""),
        "latency from actual start: "
        + ", ".join(f"{k} {latency['from_actual_start'][k]} ms" for k in ("p50", "p99", "max")),
        "latency from intended start: "
        + ", ".join(f"{k} {latency['from_intended_start'][k]} ms" for k in ("p50", "p99", "max")),
    ]
    lines += _report_lines(summary.get("delivery_reports") or {})
    lines += [f"error {row['failure']}: {row['count']}" for row in summary["errors"][:10]]
    lines += [f"threshold {row['line']}" for row in summary["thresholds"]]
    lines.append(
        f"verdict {summary['verdict'].upper()}; reports in {summary['options'].get('report_dir')}"
    )
    return lines
