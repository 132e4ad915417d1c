"""Benchmark 8: the suite against a gateway 100 ms away, beside Schemathesis (issue 15).

Both tools test the same server in one run: the sandbox answering every request after a fixed
`--latency-ms` (default 100: a gateway across the internet), behind the request counter of
`_counting_sandbox.py`, one process each, alternating. `pytest conformance --hypothesis-profile P`
with its default `--concurrency` (32 on loopback: each test's requests recorded, then fetched
together, then judged in order), and `schemathesis run schemas/openapi.yaml` with the same
`--max-examples`, all its checks, every phase. A sample is the requests the server answered over
the run's wall time (start-up included). `--sequential` adds our run with `--concurrency 1`
(about 100 s at 100 ms), the figure the issue started from.

Goals (issue 15): our rate >= 5 x Schemathesis's on the same server; the `ci` profile's verdict
(the whole run, wall time) in under 20 s.

Schemathesis comes from a throwaway venv, as for `bench_conformance.py`:
    python benchmarks/bench_remote.py --schemathesis /tmp/bench-venv/bin/schemathesis [--quick]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import _output as output
from benchmarks import _tool_runs as tool_runs
from benchmarks._measure import Goal, alternate, ratios, summarise, summarise_each
from benchmarks._sandbox import bench_credential

NAME = "remote"
GOAL_RATIO = 5.0
GOAL_WALL_S = 20.0


def main() -> int:
    parser = output.benchmark_parser(
        __doc__, quick="1 round, the quick profile", rounds="alternating rounds (default 2)"
    )
    tool_runs.add_schemathesis_option(parser)
    parser.add_argument(
        "--latency-ms", type=float, default=100.0, help="the server's latency (default 100)"
    )
    parser.add_argument(
        "--sequential",
        action="store_true",
        help="also run ours with --concurrency 1 once (about 100 s at 100 ms)",
    )
    run = output.start_benchmark(parser)
    args = run.args
    rounds = args.rounds or (1 if args.quick else 2)
    profile = "quick" if args.quick else "ci"
    if args.latency_ms < 0:
        raise output.BenchmarkError(f"--latency-ms must be >= 0, got {args.latency_ms}")
    schemathesis = tool_runs.find_schemathesis(args.schemathesis)
    examples = tool_runs.max_examples(profile)
    credential = bench_credential()
    with tempfile.TemporaryDirectory(prefix="sms-bench-remote-") as temp_name:
        temp = Path(temp_name)
        server = tool_runs.counting_sandbox(
            temp,
            credential,
            *("--latency-ms", f"{args.latency_ms:g}"),
            what=f"counting sandbox ({args.latency_ms:g} ms latency)",
        )
        with server:
            target = tool_runs.CountingTarget(server, credential, temp, bytecode_cache=True)
            samples = alternate(
                {
                    "ours": lambda: target.ours(profile, label=", concurrency default"),
                    "schemathesis": lambda: target.schemathesis(schemathesis, examples),
                },
                rounds,
                on_sample=output.rate_progress(NAME, decimals=1),
            )
            if args.sequential:
                rate = target.ours(profile, "--concurrency=1", label=", concurrency 1")
                output.progress(f"{NAME}: ours with --concurrency 1: {rate:.1f} req/s")

    rates = summarise_each(samples)
    ratio = ratios(samples["ours"], samples["schemathesis"])
    ours_runs = target.runs[f"pytest conformance ({profile}, concurrency default)"]
    wall = summarise([r["wall_s"] for r in ours_runs])
    goals = [
        Goal(
            name=f"pytest conformance ({profile}) / schemathesis req/s at {args.latency_ms:g} ms",
            statement="our suite sends >= 5 x as many requests per second as Schemathesis",
            measured=ratio.median,
            threshold=GOAL_RATIO,
            comparison=">=",
        ),
        Goal(
            name=f"pytest conformance ({profile}) wall s at {args.latency_ms:g} ms",
            statement="the profile's verdict in under 20 s",
            measured=wall.median,
            threshold=GOAL_WALL_S,
            comparison="<=",
        ),
    ]
    rows: list[list[object]] = []
    for name, runs in target.runs.items():
        rows.append(
            [
                name,
                summarise([r["requests_per_s"] for r in runs]).median,
                summarise([r["requests"] for r in runs]).median,
                summarise([r["wall_s"] for r in runs]).median,
                len(runs),
            ]
        )
    print(output.format_table(["tool", "req/s median", "requests", "wall s", "runs"], rows))
    print("\n" + output.ratio_verdict("ours/schemathesis", ratio, goals[0]))
    print(
        f"ours ({profile}) wall: {wall.median:.1f} s (runs {wall.minimum:.1f}-{wall.maximum:.1f}), "
        f"goal <= {GOAL_WALL_S:g} s: {'holds' if goals[1].holds else 'DOES NOT HOLD'}"
    )
    report: dict[str, Any] = {
        "machine": {**run.machine, "schemathesis": tool_runs.schemathesis_version(schemathesis)},
        "method": (
            f"the sandbox with {args.latency_ms:g} ms latency behind a counting ASGI middleware; "
            f"each tool run to completion in one process, alternated over {rounds} rounds; rate "
            "= requests the server answered / wall time of the run (start-up included)"
        ),
        "latency_ms": args.latency_ms,
        "profile": profile,
        "schemathesis_max_examples": examples,
        "requests_per_s": {name: s.as_dict() for name, s in rates.items()},
        "ratio_ours_to_schemathesis": ratio.as_dict(),
        "runs": target.runs,
    }
    run.report(NAME, report, goals)
    return 0


if __name__ == "__main__":
    output.run_main("bench_remote.py", main)
