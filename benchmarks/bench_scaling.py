"""Benchmark 6a: how the per-request work grows with 1, 10, 100 and 1000 destinations.

A request may carry up to 1000 destinations (rules.md), and every per-destination step must cost
the same at 1000 as at 100: a quadratic step (a list scanned per destination, a duplicate check
done pairwise) would not show at 10 and would dominate at 1000. Measured on requests of N
messages with one destination each, every message with its own text (the shape with the most
per-message work: one segment count and one set of rule checks per destination):

- `judge_request` (the request oracle, R1-R13) on the request;
- `fast_validator("request")` and `fast_validator("response")` (jsonschema-rs) on the request
  and on the 200 a conforming server gives it;
- `schema_violations("response", ...)` (the reference validator, for comparison);
- `segment_count` over the request's messages (C1-C5);
- the sandbox end to end: wrk with one connection POSTing the request, time per request.

Goal (issue 5, item 6): linear growth, judged as the cost per destination at 1000 destinations
being at most 1.5x the cost per destination at 100.
The conformance wall time per Hypothesis profile is in `bench_conformance.py`.

    python benchmarks/bench_scaling.py [--quick] [--skip-sandbox]
"""

from __future__ import annotations

import functools
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import _output as output
from benchmarks._measure import Goal, alternate, seconds_per_call, summarise
from benchmarks._payloads import bulk_request, response_for
from benchmarks._sandbox import ENDPOINT_PATH, bench_credential, json_headers, post, sandbox_process
from benchmarks._wrk import run_wrk
from sms_acceptance import encode_json

NAME = "scaling"
SIZES = (1, 10, 100, 1000)
LINEARITY_LIMIT = 1.5


def _library_steps() -> dict[str, Callable[[dict[str, Any], dict[str, Any]], object]]:
    """Each step as a function of (request, response), or a one-line error if not there yet."""
    try:
        from sms_acceptance import fast_validator, judge_request, schema_violations, segment_count
    except ImportError as error:
        raise output.BenchmarkError(f"a library module is not available yet ({error})") from None
    fast_request = fast_validator("request")
    fast_response = fast_validator("response")

    def segments(request: dict[str, Any], _: dict[str, Any]) -> int:
        return sum(
            segment_count(
                message["text"],
                language_code=message.get("language", {}).get("languageCode"),
                transliteration=message.get("transliteration"),
            ).calibrated
            for message in request["messages"]
        )

    return {
        "judge_request": lambda request, _: judge_request(request),
        "fast request validation": lambda request, _: fast_request.is_valid(request),
        "fast response validation": lambda _, response: fast_response.is_valid(response),
        "reference response validation": lambda _, response: schema_violations(
            "response", response
        ),
        "segment_count (all messages)": segments,
    }


def _sandbox_seconds_per_request(
    requests: dict[int, bytes], rounds: int, duration: int
) -> dict[int, list[float]]:
    credential = bench_credential()
    headers = json_headers(credential)
    with (
        tempfile.TemporaryDirectory(prefix="sms-bench-scaling-") as temp,
        sandbox_process(Path(temp), credential) as sandbox,
    ):
        url = sandbox.base_url + ENDPOINT_PATH
        for size, body in requests.items():
            status, _ = post(url, body, credential)
            if status != 200:
                raise output.BenchmarkError(
                    f"the sandbox answered the {size}-destination request {status}"
                )

        def seconds_per_request(size: int) -> float:
            result = run_wrk(url, requests[size], headers, duration_s=duration, connections=1)
            if not result.all_answered:
                raise output.BenchmarkError(f"the sandbox failed requests of {size} destinations")
            output.progress(
                f"{NAME}: sandbox {size} destinations: {result.requests_per_s:,.0f} req/s"
            )
            return 1 / result.requests_per_s

        return alternate(
            {size: functools.partial(seconds_per_request, size) for size in requests}, rounds
        )


def main() -> int:
    parser = output.benchmark_parser(
        __doc__, quick="3 rounds, short timings", rounds="rounds per step and size (default 5)"
    )
    parser.add_argument("--skip-sandbox", action="store_true", help="library steps only")
    run = output.start_benchmark(parser)
    args = run.args
    rounds = args.rounds or (3 if args.quick else 5)
    budget = 0.05 if args.quick else 0.2

    steps = _library_steps()
    requests = {size: bulk_request(size, messages=size) for size in SIZES}
    responses = {size: response_for(request) for size, request in requests.items()}
    seconds: dict[str, dict[int, list[float]]] = {step: {n: [] for n in SIZES} for step in steps}
    for round_index in range(rounds):
        output.progress(f"{NAME}: library steps, round {round_index + 1}/{rounds}")
        for step, function in steps.items():
            for size in SIZES if round_index % 2 == 0 else reversed(SIZES):
                call = functools.partial(function, requests[size], responses[size])
                seconds[step][size].append(seconds_per_call(call, budget_s=budget))
    if not args.skip_sandbox:
        seconds["sandbox end to end (wrk, 1 connection)"] = _sandbox_seconds_per_request(
            {size: encode_json(request) for size, request in requests.items()},
            rounds,
            duration=2 if args.quick else 4,
        )

    figures: dict[str, Any] = {}
    goals: list[Goal] = []
    rows: list[list[object]] = []
    for step, by_size in seconds.items():
        micro = {size: summarise([s * 1e6 for s in values]) for size, values in by_size.items()}
        per_destination_100 = micro[100].median / 100
        per_destination_1000 = micro[1000].median / 1000
        growth = per_destination_1000 / per_destination_100
        goal = Goal(
            name=f"{step}: linear in destinations",
            statement="cost per destination at 1000 <= 1.5 x cost per destination at 100",
            measured=growth,
            threshold=LINEARITY_LIMIT,
            comparison="<=",
        )
        goals.append(goal)
        figures[step] = {
            "microseconds_per_request": {str(n): s.as_dict() for n, s in micro.items()},
            "microseconds_per_destination": {str(n): micro[n].median / n for n in SIZES},
            "per_destination_1000_over_100": round(growth, 3),
            "goal": goal.as_dict(),
        }
        rows.append([step, *(micro[n].median for n in SIZES), f"{growth:.2f}", goal.holds])

    print(
        output.format_table(
            ["step (µs per request)", *(f"{n} dest" for n in SIZES), "1000/100 per dest", "linear"],
            rows,
        )
    )
    run.report(
        NAME,
        {
            "method": (
                "requests of N messages x 1 destination, each with its own text; library steps "
                f"timed per call over loops filling {budget} s (gc paused), sizes alternated "
                f"over {rounds} rounds; sandbox: wrk -t1 -c1, time per request = 1 / req/s"
            ),
            "sizes": list(SIZES),
            "steps": figures,
        },
        goals,
    )
    return 0


if __name__ == "__main__":
    output.run_main("bench_scaling", main)
