"""Benchmarks 5 and 6b: conformance throughput against Schemathesis, and wall time per profile.

Both tools test the same server, the sandbox behind a request counter (`_counting_sandbox.py`),
one process each, alternating: `pytest conformance --hypothesis-profile P` (every check of
`docs/conformance.md`, the request oracle confirming each negative case, segment counts) and
`schemathesis run schemas/openapi.yaml` with the same number of examples per operation
(`--max-examples` = profile P's `max_examples`), all its checks, every phase. A sample is the
requests the server answered during the run over the run's wall time (start-up included: a
user waits for it too).

Goal (issue 5, item 5): our rate >= 2 x Schemathesis's. Item 6: wall time of `pytest conformance`
for the `quick`, `ci` and `thorough` profiles.

Both tools run with Python's default bytecode caching (this machine's shell sets
PYTHONDONTWRITEBYTECODE=1, which CI runners do not), after one unmeasured run of each;
`--no-bytecode-cache` measures without it.

Schemathesis is not a project dependency: install it in a throwaway venv and pass its path,
    python3 -m venv /tmp/bench-venv && /tmp/bench-venv/bin/pip install schemathesis
    python benchmarks/bench_conformance.py --schemathesis /tmp/bench-venv/bin/schemathesis [--quick]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import _output as output
from benchmarks import _tool_runs as tool_runs
from benchmarks._measure import Goal, alternate, ratios, summarise, summarise_each
from benchmarks._sandbox import bench_credential

NAME = "conformance"
GOAL_RATIO = 2.0
PROFILES = ("quick", "ci", "thorough")


def main() -> int:
    parser = output.benchmark_parser(
        __doc__, quick="1 round, the quick profile only", rounds="alternating rounds (default 3)"
    )
    parser.add_argument(
        "--profile", choices=PROFILES, help="profile compared with Schemathesis (default ci)"
    )
    tool_runs.add_schemathesis_option(parser)
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="run both tools with PYTHONDONTWRITEBYTECODE=1 (default: Python's default, caches "
        "written; one unmeasured run of each tool first)",
    )
    parser.add_argument(
        "--profiles",
        default=None,
        help="comma-separated profiles to time (default quick,ci,thorough; --quick: quick)",
    )
    run = output.start_benchmark(parser)
    args = run.args
    rounds = args.rounds or (1 if args.quick else 3)
    compared = args.profile or ("quick" if args.quick else "ci")
    timed = tuple((args.profiles or ("quick" if args.quick else ",".join(PROFILES))).split(","))
    unknown = [p for p in timed if p not in PROFILES]
    if unknown:
        raise output.BenchmarkError(
            f"unknown profile(s) {', '.join(unknown)}: pick from {PROFILES}"
        )
    schemathesis = tool_runs.find_schemathesis(args.schemathesis)
    examples = tool_runs.max_examples(compared)

    credential = bench_credential()
    with tempfile.TemporaryDirectory(prefix="sms-bench-conformance-") as temp_name:
        temp = Path(temp_name)
        server = tool_runs.counting_sandbox(temp, credential, what="counting sandbox")
        with server:
            target = tool_runs.CountingTarget(
                server, credential, temp, bytecode_cache=not args.no_bytecode_cache
            )
            # One unmeasured run of each: imports compiled and cached (when caching), the
            # server warm; then the alternating rounds.
            target.ours(compared)
            target.schemathesis(schemathesis, examples)
            target.runs.clear()
            samples = alternate(
                {
                    "ours": lambda: target.ours(compared),
                    "schemathesis": lambda: target.schemathesis(schemathesis, examples),
                },
                rounds,
                on_sample=output.rate_progress(NAME, decimals=1),
            )
            walls: dict[str, list[float]] = {}
            for profile in timed:
                name = f"pytest conformance ({profile})"
                # The compared profile's runs above already timed it; thorough runs once.
                repeat = 0 if profile == compared else 1 if profile == "thorough" else rounds
                for _ in range(repeat):
                    target.ours(profile)
                walls[profile] = [run["wall_s"] for run in target.runs[name]]
                output.progress(f"{NAME}: profile {profile}: {walls[profile]} s")

    rates = summarise_each(samples)
    ratio = ratios(samples["ours"], samples["schemathesis"])
    goal = Goal(
        name=f"pytest conformance ({compared}) / schemathesis req/s",
        statement="our suite checks >= 2 x as many requests per second as Schemathesis",
        measured=ratio.median,
        threshold=GOAL_RATIO,
        comparison=">=",
    )
    ours_runs = target.runs[f"pytest conformance ({compared})"][:rounds]
    st_runs = target.runs[f"schemathesis ({examples} examples)"]
    rows: list[list[object]] = [
        [
            f"pytest conformance ({compared})",
            rates["ours"].median,
            f"{rates['ours'].spread_percent:.0f}%",
            summarise([r["requests"] for r in ours_runs]).median,
            summarise([r["wall_s"] for r in ours_runs]).median,
        ],
        [
            f"schemathesis (-n {examples})",
            rates["schemathesis"].median,
            f"{rates['schemathesis'].spread_percent:.0f}%",
            summarise([r["requests"] for r in st_runs]).median,
            summarise([r["wall_s"] for r in st_runs]).median,
        ],
    ]
    print(output.format_table(["tool", "req/s median", "spread", "requests", "wall s"], rows))
    print("\n" + output.ratio_verdict("ours/schemathesis", ratio, goal))
    wall_rows: list[list[object]] = []
    for profile, values in walls.items():
        runs = target.runs[f"pytest conformance ({profile})"]
        wall_rows.append(
            [
                profile,
                tool_runs.max_examples(profile),
                summarise(values).median,
                summarise([r["requests"] for r in runs]).median,
            ]
        )
    print()
    print(
        output.format_table(["profile", "max_examples", "wall s (median)", "requests"], wall_rows)
    )
    run.report(
        NAME,
        {
            "machine": {
                **run.machine,
                "schemathesis": tool_runs.schemathesis_version(schemathesis),
            },
            "method": (
                "the sandbox behind a counting ASGI middleware; each tool run to completion in "
                f"one process, alternated over {rounds} rounds; rate = requests the server "
                "answered / wall time of the run (start-up included)"
            ),
            "compared_profile": compared,
            "schemathesis_max_examples": examples,
            "requests_per_s": {name: s.as_dict() for name, s in rates.items()},
            "ratio_ours_to_schemathesis": ratio.as_dict(),
            "profile_wall_s": {p: summarise(v).as_dict() for p, v in walls.items()},
            "runs": target.runs,
        },
        [goal],
    )
    return 0


if __name__ == "__main__":
    output.run_main("bench_conformance", main)
