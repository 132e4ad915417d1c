"""How a benchmark talks: a small table on stdout, one JSON file, one-line errors.

`reports/bench/<name>.json` is the source of truth (every sample, medians, spread, the machine,
the goals and whether they hold); the table is for the person at the terminal. A missing tool or
a server that does not start is an error of the benchmark's environment, not a crash, so it is
reported in one line with the fix, never as a traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

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


def progress(message: str) -> None:
    """A progress line on stderr, so stdout stays the table."""
    print(message, file=sys.stderr, flush=True)


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
