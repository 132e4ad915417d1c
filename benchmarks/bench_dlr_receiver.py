"""Benchmark 8: the load generator's delivery-report receiver keeps up (issue 14).

One Locust process, the closed model with enough users to send as fast as it can (the kit's
maximum single-process send rate), every request of the `notify_tracking` scenario carrying the
process's own receiver as `notifyUrl` (JSON and XML, with and without intermediate reports),
against the embedded sandbox (reports DELIVERED after its default delay, pushed in batches of up
to 100). The receiver shares the gevent loop with the users, so this is the worst case for it.

Goal: no report lost: every accepted message has its final report within the grace period
(`missing` 0), none twice, none for an unknown id beyond the sends the run cut off when it
stopped. Figures from the run's own `summary.json` (`delivery_reports`).

    python benchmarks/bench_dlr_receiver.py [--quick]

Figures go to `dlr_receiver.json`.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import _output as output
from benchmarks._measure import Goal
from tests._child_process import child_environment, run_child

NAME = "dlr_receiver"
REPO = Path(__file__).resolve().parents[1]


def _locust_run(users: int, seconds: int, report_dir: Path) -> dict[str, Any]:
    locust = Path(sys.executable).with_name("locust")
    command = [
        str(locust), "-f", str(REPO / "loadtests"), "NotifyTracking", "--headless",
        "--only-summary", "-u", str(users), "-r", str(users), "-t", f"{seconds}s",
        "--dlr-grace", "20s", "--report-dir", str(report_dir),
        "--threshold", "dlr_missing<=0%", "--threshold", "dlr_duplicates<=0%",
    ]  # fmt: skip
    completed = run_child(command, cwd=report_dir, env=child_environment(), timeout=seconds + 180)
    summary_path = report_dir / "summary.json"
    if not summary_path.exists():
        raise output.BenchmarkError(f"locust wrote no summary (exit {completed.returncode})")
    summary: dict[str, Any] = json.loads(summary_path.read_text("utf-8"))
    summary["exit_code"] = completed.returncode
    return summary


def main() -> int:
    parser = output.benchmark_parser(
        __doc__ or "", quick="10 s of load instead of 30 s", rounds="(one run; ignored)"
    )
    parser.add_argument("--users", type=int, default=40, help="Locust users (default 40)")
    run = output.start_benchmark(parser)
    seconds = 10 if run.args.quick else 30
    with tempfile.TemporaryDirectory(prefix="bench-dlr-") as directory:
        output.progress(f"{NAME}: {seconds} s of notify_tracking at the single-process maximum")
        summary = _locust_run(run.args.users, seconds, Path(directory))
    reports = summary["delivery_reports"]
    if not reports.get("measured"):
        raise output.BenchmarkError(f"delivery reports were not measured: {reports.get('reason')}")
    latency = reports["latency_ms"]
    rows = [
        ["requests/s (answered)", summary["rate"]["answered_rps"]],
        ["accepted messages", reports["accepted"]],
        ["final within grace", reports["final_within_grace"]],
        ["missing", reports["missing"]],
        ["duplicates", reports["duplicates"]],
        ["unknown ids (sends cut off at stop)", reports["unknown_message_ids"]],
        ["reports received", reports["reports"]],
        ["pushes received", reports["pushes"]],
        ["report latency p50 / p99 / max (ms)",
         f"{latency.get('p50')} / {latency.get('p99')} / {latency.get('max')}"],
    ]  # fmt: skip
    print(output.format_table(["figure", "value"], rows))
    goals = [
        Goal(
            "no_report_lost",
            "every accepted message's final report is received at the kit's maximum "
            "single-process send rate (missing share)",
            float(reports["missing_share"] or 0.0),
            0.0,
            "<=",
        ),
        Goal(
            "no_duplicate",
            "no final report is counted twice (duplicate share)",
            reports["duplicates"] / max(1, reports["accepted"]),
            0.0,
            "<=",
        ),
    ]  # fmt: skip
    run.report(
        NAME,
        {
            "seconds": seconds,
            "users": run.args.users,
            "rate": summary["rate"],
            "delivery_reports": {k: v for k, v in reports.items() if k != "timeline"},
        },
        goals,
    )
    return 0 if all(goal.holds for goal in goals) else 1


if __name__ == "__main__":
    output.run_main(NAME, main)
