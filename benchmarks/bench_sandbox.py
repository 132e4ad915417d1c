"""Benchmark 3: the sandbox's capacity under wrk, against the floor its framework sets.

The floor is the same starlette + uvicorn stack (same uvicorn settings, one process) answering the
sandbox's own reply to the same request as a fixed body (`_floor_server.py`). The sandbox does all
its work on top of that: credential check, JSON parsing, the request oracle (R1-R13), segment
counting for `smsCount`, ids and the reply. wrk (one thread, keep-alive connections) posts the
seed's request example to each in turn, for the same duration, alternating.

Goal (issue 5, item 3): sandbox req/s >= 0.5 x the floor's. Then the sandbox alone takes a million
requests (`--memory-requests`), each with a distinct text, bulkId and messageId so no cache keyed by
content can hide growth; its resident memory is sampled as it goes and must stay flat (the end no
more than 5 % above the sample taken after the first tenth).

    python benchmarks/bench_sandbox.py [--quick] [--skip-memory | --skip-throughput]

The throughput figures go to `sandbox.json`, the memory run to `sandbox_memory.json`.
"""

from __future__ import annotations

import copy
import functools
import sys
import tempfile
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import _output as output
from benchmarks._measure import Goal, alternate, ratios, summarise_each
from benchmarks._memory_run import add_wrk_options, checked, memory_run, vary_per_request
from benchmarks._payloads import SEED_REQUEST
from benchmarks._processes import ServerProcess, script_server
from benchmarks._sandbox import ENDPOINT_PATH, bench_credential, json_headers, post, sandbox_process
from benchmarks._wrk import run_wrk
from sms_acceptance import encode_json

NAME = "sandbox"
GOAL_RATIO = 0.5


def _varying_request() -> bytes:
    """The seed's request with a per-request counter in its texts, bulkId and client messageId."""
    document = copy.deepcopy(SEED_REQUEST)
    vary_per_request(document)
    return encode_json(document)


def _memory_run(
    sandbox: ServerProcess, url: str, headers: dict[str, str], total: int, connections: int
) -> tuple[dict[str, Any], Goal]:
    """Drive `total` varying requests through the sandbox in chunks, sampling its RSS after each."""
    run = memory_run(
        sandbox,
        url,
        headers,
        _varying_request(),
        total=total,
        connections=connections,
        goal_name="sandbox RSS flat over the memory run",
        benchmark=NAME,
    )
    return {**run.figures(), "goal": run.goal.as_dict()}, run.goal


def _throughput(
    sandbox_url: str,
    request: bytes,
    headers: dict[str, str],
    temp: Path,
    reply: bytes,
    *,
    rounds: int,
    duration: int,
    connections: int,
) -> tuple[dict[str, Any], Goal]:
    """Sandbox and floor under wrk, alternated; the figures for `sandbox.json` and its goal."""
    body_file = temp / "reply.json"
    body_file.write_bytes(reply)
    floor = script_server(
        "_floor_server.py",
        "--body-file",
        str(body_file),
        what="floor server",
        log_path=temp / "floor.log",
    )
    with floor:
        contenders = {
            "sandbox": (sandbox_url, "the sandbox"),
            "floor": (floor.base_url + ENDPOINT_PATH, "the floor server"),
        }
        for url, what in contenders.values():  # warm-up, not recorded
            checked(run_wrk(url, request, headers, duration_s=2, connections=8), what)
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in contenders}

        def sample(name: str) -> float:
            url, what = contenders[name]
            result = checked(
                run_wrk(url, request, headers, duration_s=duration, connections=connections),
                what,
            )
            runs[name].append(result.as_dict())
            return result.requests_per_s

        samples = alternate(
            {name: functools.partial(sample, name) for name in contenders},
            rounds,
            on_sample=output.rate_progress(NAME),
        )
    rps = summarise_each(samples)
    ratio = ratios(samples["sandbox"], samples["floor"])
    goal = Goal(
        name="sandbox/floor req/s",
        statement="sandbox req/s >= 0.5 x the same starlette+uvicorn stack sending fixed bytes",
        measured=ratio.median,
        threshold=GOAL_RATIO,
        comparison=">=",
    )
    rows = [[name, *output.summary_cells(s)] for name, s in rps.items()]
    print(output.format_table(["server", "req/s median", "min", "max", "spread"], rows))
    print("\n" + output.ratio_verdict("sandbox/floor", ratio, goal))
    figures = {
        "method": (
            f"wrk -t1 -c{connections} -d{duration}s POSTing the seed request, sandbox and "
            f"floor alternated over {rounds} rounds; ratio = per-round sandbox/floor"
        ),
        "requests_per_s": {name: s.as_dict() for name, s in rps.items()},
        "wrk_runs": runs,
        "ratio_sandbox_to_floor": ratio.as_dict(),
    }
    return figures, goal


def main() -> int:
    parser = output.benchmark_parser(
        __doc__,
        quick="2 rounds of 3 s, 30k-request memory run",
        rounds="alternating rounds (default 5)",
    )
    add_wrk_options(parser, memory_report="sandbox_memory.json")
    run = output.start_benchmark(parser)
    args = run.args
    rounds = args.rounds or (2 if args.quick else 5)
    duration = args.duration or (3 if args.quick else 10)
    memory_requests = args.memory_requests or (30_000 if args.quick else 1_000_000)

    credential = bench_credential()
    headers = json_headers(credential)
    request = encode_json(SEED_REQUEST)
    with tempfile.TemporaryDirectory(prefix="sms-bench-sandbox-") as temp_name:
        temp = Path(temp_name)
        with sandbox_process(temp, credential) as sandbox:
            sandbox_url = sandbox.base_url + ENDPOINT_PATH
            status, reply = post(sandbox_url, request, credential)
            if status != 200:
                raise output.BenchmarkError(f"the sandbox answered the seed request with {status}")
            if not args.skip_throughput:
                figures, goal = _throughput(
                    sandbox_url,
                    request,
                    headers,
                    temp,
                    reply,
                    rounds=rounds,
                    duration=duration,
                    connections=args.connections,
                )
                run.report(NAME, figures, [goal])
            if not args.skip_memory:
                memory, memory_goal = _memory_run(
                    sandbox, sandbox_url, headers, memory_requests, args.connections
                )
                print(
                    f"\nmemory: RSS {memory['rss_after_first_tenth_kib'] / 1024:.1f} MiB after "
                    f"the first tenth, {memory['rss_final_kib'] / 1024:.1f} MiB after "
                    f"{memory['requests']:,} requests (x{memory['growth_ratio']:.3f}): "
                    f"{'flat' if memory_goal.holds else 'GROWING'}"
                )
                run.report(
                    f"{NAME}_memory",
                    {
                        "method": (
                            f"wrk -t1 -c{args.connections} in chunks, every request with a "
                            "distinct text, bulkId and messageId; VmRSS of the sandbox process "
                            "after each chunk"
                        ),
                        "memory": memory,
                    },
                    [memory_goal],
                    blank_line_before=False,
                )
    return 0


if __name__ == "__main__":
    output.run_main("bench_sandbox", main)
