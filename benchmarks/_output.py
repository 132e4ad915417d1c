"""How a benchmark talks: a small table on stdout, one JSON file, one-line errors.

`reports/bench/<name>.json` is the source of truth (every sample, medians, spread, the machine,
the goals and whether they hold); the table is for the person at the terminal. A missing tool or
a server that does not start is an error of the benchmark's environment, not a crash, so it is
reported in one line with the fix, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks._machine import machine_info
from benchmarks._measure import Goal, Summary

REPO_ROOT = Path(__file__).resolve().parents[1]
REPORT_DIR = REPO_ROOT / "reports" / "bench"


class BenchmarkError(Exception):
    """Something in the benchmark's environment is wrong; the message is one line with the fix."""


def require_executable(name: str, install_hint: str, explicit: str | None = None) -> str:
    """The path of a tool the benchmark needs, or a one-line error saying how to install it."""
    if explicit is not None:
        path = Path(explicit)
        if not (path.is_file() and path.stat().st_mode & 0o111):
            raise BenchmarkError(f"{explicit} is not an executable file ({install_hint})")
        return str(path)
    found = shutil.which(name)
    if found is None:
        raise BenchmarkError(f"`{name}` is not installed: {install_hint}")
    return found


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain aligned text table (numbers right-aligned)."""
    cells = [[str(h) for h in headers]] + [[_cell(value) for value in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for index, row in enumerate(cells):
        parts = []
        for i, text in enumerate(row):
            numeric = index > 0 and _is_number(text)
            parts.append(text.rjust(widths[i]) if numeric else text.ljust(widths[i]))
        lines.append("  ".join(parts).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, float):
        if value == 0 or abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 1:
            return f"{value:.2f}"
        return f"{value:.3g}"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    return str(value)


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "").rstrip("x%"))
    except ValueError:
        return False
    return True


def write_report(name: str, payload: dict[str, Any], report_dir: Path = REPORT_DIR) -> Path:
    """Write `<report_dir>/<name>.json` with a timestamp and return its path."""
    report_dir.mkdir(parents=True, exist_ok=True)
    document = {
        "benchmark": name,
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        # How busy the machine was while measuring, next to the start's (in `machine`).
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        **payload,
    }
    path = report_dir / f"{name}.json"
    path.write_text(json.dumps(document, indent=2, sort_keys=False) + "\n")
    return path


def ratio_verdict(label: str, ratio: Summary, goal: Goal) -> str:
    """`label: 1.23x (per-round 1.10-1.30), goal >= 1.0: holds`, the line under a ratio's table."""
    return (
        f"{label}: {ratio.median:.2f}x (per-round {ratio.minimum:.2f}-{ratio.maximum:.2f}), "
        f"goal {goal.comparison} {goal.threshold}: {'holds' if goal.holds else 'DOES NOT HOLD'}"
    )


def summary_cells(summary: Summary) -> list[object]:
    """Median, min, max and spread of one contender: the columns of every req/s table."""
    return [summary.median, summary.minimum, summary.maximum, f"{summary.spread_percent:.0f}%"]


def benchmark_parser(doc: str, *, quick: str, rounds: str) -> argparse.ArgumentParser:
    """The options every benchmark has first: `--quick` and `--rounds`, with their own help.

    The script adds its own options, then `start_benchmark` adds `--report-dir` and parses.
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=quick)
    parser.add_argument("--rounds", type=int, help=rounds)
    return parser


@dataclass(frozen=True)
class BenchmarkRun:
    """One benchmark's command line, and the machine as it was when the benchmark started.

    The machine is read at the start because its load average says how busy the box was while
    measuring; the report puts the load average at the end next to it.
    """

    args: argparse.Namespace
    machine: dict[str, Any]

    def report(
        self,
        name: str,
        payload: dict[str, Any],
        goals: Sequence[Goal],
        *,
        blank_line_before: bool = True,
    ) -> Path:
        """Write `<report_dir>/<name>.json` and say where it went.

        Every report has the same frame: `"machine"` first (a `"machine"` in `payload` replaces
        the recorded one, in the same place), then the payload, then `"goals"` and
        `"all_goals_hold"`, the keys `figures_table.py` and the README's table read.
        """
        path = write_report(
            name,
            {
                "machine": self.machine,
                **payload,
                "goals": [goal.as_dict() for goal in goals],
                "all_goals_hold": all(goal.holds for goal in goals),
            },
            report_dir=self.args.report_dir,
        )
        print(f"\nwrote {path}" if blank_line_before else f"wrote {path}")
        return path


def start_benchmark(parser: argparse.ArgumentParser) -> BenchmarkRun:
    """Add `--report-dir` (last in every `--help`), parse the command line, record the machine."""
    parser.add_argument(
        "--report-dir", type=Path, default=REPORT_DIR, help="where <name>.json goes (reports/bench)"
    )
    return BenchmarkRun(args=parser.parse_args(), machine=machine_info())


def progress(message: str) -> None:
    """A progress line on stderr, so stdout stays the table."""
    print(message, file=sys.stderr, flush=True)


def rate_progress(benchmark: str, *, decimals: int = 0) -> Callable[[str, int, float], None]:
    """An `alternate(..., on_sample=)` hook: `<benchmark>: round 2 <contender>: 1,234 req/s`."""

    def report(name: str, round_index: int, value: float) -> None:
        progress(f"{benchmark}: round {round_index + 1} {name}: {value:,.{decimals}f} req/s")

    return report


def run_main(program: str, main: Callable[[], int]) -> None:
    """Run a benchmark's main; environment problems and ^C end in one line, not a traceback."""
    try:
        code = main()
    except BenchmarkError as error:
        print(f"{program}: error: {error}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        print(f"{program}: interrupted", file=sys.stderr)
        code = 130
    sys.exit(code)
