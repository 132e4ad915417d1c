"""A sandbox under wrk: samples that are a capacity, and the memory run over distinct requests.

`bench_sandbox.py` and `bench_reports.py` measure the same way: wrk samples whose every request
got a 2xx (anything else is not a capacity), then a long run in wrk chunks, every request with a
distinct text, bulkId and messageId (so no cache keyed by content can hide growth), the sandbox's
resident memory read after each chunk, and the goal that it stays flat.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from benchmarks._measure import Goal
from benchmarks._output import BenchmarkError, progress
from benchmarks._processes import ServerProcess, rss_kib
from benchmarks._wrk import COUNTER_MARK, WrkResult, run_wrk

MEMORY_GROWTH_LIMIT = 1.05


def add_wrk_options(parser: argparse.ArgumentParser, *, memory_report: str) -> None:
    """`--duration`, `--connections`, `--memory-requests`, `--skip-memory`, `--skip-throughput`."""
    parser.add_argument("--duration", type=int, help="seconds per wrk sample (default 10)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--memory-requests", type=int, help="memory run length (default 1,000,000)")
    parser.add_argument("--skip-memory", action="store_true", help="skip the memory run")
    parser.add_argument(
        "--skip-throughput", action="store_true", help=f"only the memory run ({memory_report})"
    )


def checked(result: WrkResult, what: str) -> WrkResult:
    """`result`, or a one-line error when any request went unanswered or was not a 2xx."""
    if not result.all_answered:
        raise BenchmarkError(
            f"{what} answered {result.non_2xx} non-2xx and {result.socket_errors} socket errors "
            f"in {result.requests} requests: the figure would not be a capacity"
        )
    return result


def vary_per_request(document: dict[str, Any]) -> None:
    """Put wrk's per-request counter into the request's texts, bulkId and first messageId."""
    document["bulkId"] = f"BULK-{COUNTER_MARK}"
    document["messages"][0]["destinations"][0]["messageId"] = f"MSG-{COUNTER_MARK}"
    for message in document["messages"]:
        message["text"] = f"{message['text']} #{COUNTER_MARK}"


@dataclass(frozen=True)
class MemoryRun:
    """What the memory run measured: every sample, and whether the RSS stayed flat."""

    requests: int
    samples: list[dict[str, Any]]
    goal: Goal

    def figures(self) -> dict[str, Any]:
        """The `memory` object of `<name>_memory.json`."""
        warm = _after_first_tenth(self.samples, self.requests)
        return {
            "requests": self.requests,
            "samples": self.samples,
            "rss_after_first_tenth_kib": warm["rss_kib"],
            "rss_final_kib": self.samples[-1]["rss_kib"],
            "growth_ratio": round(self.goal.measured, 4),
        }


def _after_first_tenth(samples: list[dict[str, Any]], total: int) -> dict[str, Any]:
    return next(s for s in samples if s["requests"] >= total // 10)


def memory_run(
    sandbox: ServerProcess,
    url: str,
    headers: Mapping[str, str],
    template: bytes,
    *,
    total: int,
    connections: int,
    goal_name: str,
    benchmark: str,
    after_chunk: Callable[[WrkResult], dict[str, Any]] | None = None,
    shown: tuple[str, ...] = (),
    rss: Callable[[int], int] = rss_kib,
) -> MemoryRun:
    """Drive `total` requests varied from `template` through the sandbox in wrk chunks.

    After each chunk the sample holds the requests so far, the sandbox's RSS (`rss` of its pid:
    the process's own, or with its children, as the report worker) and whatever `after_chunk`
    adds; the progress line shows the RSS and the `shown` keys of that.
    """
    chunk_seconds = 10 if total >= 200_000 else 3
    samples: list[dict[str, Any]] = [{"requests": 0, "rss_kib": rss(sandbox.pid)}]
    done = chunk = 0
    while done < total:
        body = template.replace(COUNTER_MARK.encode(), f"c{chunk}-{COUNTER_MARK}".encode())
        result = checked(
            run_wrk(
                url, body, headers, duration_s=chunk_seconds, connections=connections, varying=True
            ),
            "the sandbox (memory run)",
        )
        done += result.requests
        chunk += 1
        extra = after_chunk(result) if after_chunk is not None else {}
        samples.append({"requests": done, "rss_kib": rss(sandbox.pid), **extra})
        also = "".join(f", {key.replace('_', ' ')} {extra[key]}" for key in shown)
        progress(
            f"{benchmark}: memory run {done:,}/{total:,} requests, "
            f"RSS {samples[-1]['rss_kib']} kiB{also}"
        )
    growth = samples[-1]["rss_kib"] / _after_first_tenth(samples, total)["rss_kib"]
    goal = Goal(
        name=goal_name,
        statement=f"RSS at the end <= {MEMORY_GROWTH_LIMIT} x RSS after the first tenth",
        measured=growth,
        threshold=MEMORY_GROWTH_LIMIT,
        comparison="<=",
    )
    return MemoryRun(requests=done, samples=samples, goal=goal)
