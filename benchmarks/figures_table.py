"""Print the latest figures of every benchmark as a Markdown table, from `reports/bench/*.json`.

The JSON files are the source of truth; this is how `benchmarks/README.md`'s table is made, so the
README never states a figure no run produced.

    python benchmarks/figures_table.py [--report-dir reports/bench]
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._output import REPORT_DIR, BenchmarkError, run_main

ORDER = (
    "loadgen",
    "sandbox",
    "sandbox_memory",
    "validation",
    "conformance",
    "scaling",
    "http_client",
    "remote",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report-dir", type=Path, default=REPORT_DIR)
    args = parser.parse_args()
    reports = {path.stem: json.loads(path.read_text()) for path in args.report_dir.glob("*.json")}
    if not reports:
        raise BenchmarkError(f"no reports in {args.report_dir}: run a benchmark first")
    print(
        "| benchmark | goal | measured | threshold | holds | finished (UTC) | load avg start/end |"
    )
    print("|---|---|---|---|---|---|---|")
    for name in sorted(reports, key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER)):
        report = reports[name]
        start = report.get("machine", {}).get("load_average_at_start", ["?"])[0]
        end = report.get("load_average_at_end", ["?"])[0]
        for goal in report.get("goals", []):
            print(
                f"| {name} | {goal['name']} | {goal['measured']:.3g} | "
                f"{goal['comparison']} {goal['threshold']:.3g} | "
                f"{'yes' if goal['holds'] else '**no**'} | {report['finished_at']} | "
                f"{start} / {end} |"
            )
    machine = next(iter(reports.values())).get("machine", {})
    print(
        f"\nMachine: {machine.get('nproc')} CPUs ({machine.get('cpu_model')}), "
        f"{machine.get('memory_mib')} MiB, {machine.get('python')}, {machine.get('platform')}"
    )
    return 0


if __name__ == "__main__":
    # Piped into `head`: stop quietly when the reader goes, as a Unix filter does.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    run_main("figures_table", main)
