"""Headless Locust runs as the benchmarks start them, and Locust's own figures read back.

The benchmark's figures come from outside the generator (`_window.py`); Locust's `_stats.csv`
"Aggregated" row is kept beside them for its failure count (a run with failures measured the
wrong thing) and for comparison.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks._output import BenchmarkError


@dataclass(frozen=True)
class LocustStats:
    """Locust's own account of a run."""

    requests: int
    failures: int
    requests_per_s: float
    median_ms: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "failures": self.failures,
            "requests_per_s": round(self.requests_per_s, 1),
            "median_ms": self.median_ms,
        }


def locust_argv(
    locustfile: Path,
    host: str,
    *,
    users: int,
    duration_s: int,
    csv_prefix: Path,
    processes: int = 1,
    extra_args: Sequence[str] = (),
) -> list[str]:
    """`locust -f locustfile --headless` against `host` (loopback only), all users at once."""
    if not host.startswith("http://127.0.0.1:"):
        raise BenchmarkError(f"refusing to load a non-loopback host: {host}")
    argv = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(locustfile),
        "--headless",
        "--host",
        host,
        "-u",
        str(users),
        "-r",
        str(users),
        "-t",
        f"{duration_s}s",
        "--csv",
        str(csv_prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--stop-timeout",
        "5",
    ]
    if processes > 1:
        argv += ["--processes", str(processes)]
    return argv + list(extra_args)


def read_stats(csv_prefix: Path) -> LocustStats | None:
    """The Aggregated row of `<prefix>_stats.csv`, or None if Locust wrote none."""
    stats = csv_prefix.with_name(csv_prefix.name + "_stats.csv")
    if not stats.exists():
        return None
    with stats.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                return LocustStats(
                    requests=int(row["Request Count"]),
                    failures=int(row["Failure Count"]),
                    requests_per_s=float(row["Requests/s"]),
                    median_ms=float(row["Median Response Time"] or 0),
                )
    return None
