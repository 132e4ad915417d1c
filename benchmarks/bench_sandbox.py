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

import functools
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._measure import Goal, alternate, ratios, summarise_each
from benchmarks._output import (
    BenchmarkError,
    benchmark_parser,
    format_table,
    progress,
    rate_progress,
    ratio_verdict,
    run_main,
    start_benchmark,
    summary_cells,
)
from benchmarks._payloads import SEED_REQUEST
from benchmarks._processes import ServerProcess, rss_kib, script_server
from benchmarks._sandbox import ENDPOINT_PATH, bench_credential, json_headers, post, sandbox_process
from benchmarks._wrk import COUNTER_MARK, WrkResult, run_wrk
from sms_acceptance import encode_json

NAME = "sandbox"
GOAL_RATIO = 0.5
MEMORY_GROWTH_LIMIT = 1.05


def _varying_request() -> bytes:
    """The seed's request with a per-request counter in its texts, bulkId and client messageId."""
    document = json.loads(json.dumps(SEED_REQUEST))
    document["bulkId"] = f"BULK-{COUNTER_MARK}"
    document["messages"][0]["destinations"][0]["messageId"] = f"MSG-{COUNTER_MARK}"
    for message in document["messages"]:
        message["text"] = f"{message['text']} #{COUNTER_MARK}"
    return encode_json(document)


def _checked(result: WrkResult, what: str) -> WrkResult:
    if not result.all_answered:
        raise BenchmarkError(
            f"{what} answered {result.non_2xx} non-2xx and {result.socket_errors} socket errors "
            f"in {result.requests} requests: the figure would not be a capacity"
        )
    return result


def _memory_run(
    sandbox: ServerProcess, url: str, headers: dict[str, str], total: int, connections: int
) -> tuple[dict[str, Any], Goal]:
    """Drive `total` varying requests through the sandbox in chunks, sampling its RSS after each."""
    template = _varying_request()
    chunk_seconds = 10 if total >= 200_000 else 3
    samples: list[dict[str, int]] = [{"requests": 0, "rss_kib": rss_kib(sandbox.pid)}]
    done = 0
    chunk = 0
    while done < total:
        body = template.replace(COUNTER_MARK.encode(), f"c{chunk}-{COUNTER_MARK}".encode())
        result = _checked(
            run_wrk(
                url, body, headers, duration_s=chunk_seconds, connections=connections, varying=True
            ),
            "the sandbox (memory run)",
        )
        done += result.requests
        chunk += 1
        samples.append({"requests": done, "rss_kib": rss_kib(sandbox.pid)})
        progress(
            f"{NAME}: memory run {done:,}/{total:,} requests, RSS {samples[-1]['rss_kib']} kiB"
        )
    warm = next(s for s in samples if s["requests"] >= total // 10)
    final = samples[-1]
    growth = final["rss_kib"] / warm["rss_kib"]
    goal = Goal(
        name="sandbox RSS flat over the memory run",
        statement=f"RSS at the end <= {MEMORY_GROWTH_LIMIT} x RSS after the first tenth",
        measured=growth,
        threshold=MEMORY_GROWTH_LIMIT,
        comparison="<=",
    )
    figures = {
        "requests": done,
        "samples": samples,
        "rss_after_first_tenth_kib": warm["rss_kib"],
        "rss_final_kib": final["rss_kib"],
        "growth_ratio": round(growth, 4),
        "goal": goal.as_dict(),
    }
    return figures, goal


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
            _checked(run_wrk(url, request, headers, duration_s=2, connections=8), what)
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in contenders}

        def sample(name: str) -> float:
            url, what = contenders[name]
            result = _checked(
                run_wrk(url, request, headers, duration_s=duration, connections=connections),
                what,
            )
            runs[name].append(result.as_dict())
            return result.requests_per_s

        samples = alternate(
            {name: functools.partial(sample, name) for name in contenders},
            rounds,
            on_sample=rate_progress(NAME),
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
    rows = [[name, *summary_cells(s)] for name, s in rps.items()]
    print(format_table(["server", "req/s median", "min", "max", "spread"], rows))
    print("\n" + ratio_verdict("sandbox/floor", ratio, goal))
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
    parser = benchmark_parser(
        __doc__,
        quick="2 rounds of 3 s, 30k-request memory run",
        rounds="alternating rounds (default 5)",
    )
    parser.add_argument("--duration", type=int, help="seconds per wrk sample (default 10)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--memory-requests", type=int, help="memory run length (default 1,000,000)")
    parser.add_argument("--skip-memory", action="store_true", help="skip the memory run")
    parser.add_argument(
        "--skip-throughput", action="store_true", help="only the memory run (sandbox_memory.json)"
    )
    run = start_benchmark(parser)
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
                raise BenchmarkError(f"the sandbox answered the seed request with {status}")
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
    run_main("bench_sandbox", main)
