"""Benchmark 4: the cost of validating one response, hot path against the reference validator.

Every load-test response is schema-validated (`--validate-fraction 1.0` by default), so the
validator's cost per response is a direct tax on the load generator's rate. The hot path is
`sms_acceptance.fast_validator("response")` (jsonschema-rs, compiled once); the
reference is `jsonschema`'s Draft 2020-12 validator with format checking on the same bundled
schema, compiled once too (and, for information, the project's `schema_violations`, which also
builds the violation list with rule ids). Bodies: the seed's two 200 examples and bulk responses
of 100 and 1000 destinations, all valid, so every contender takes the success path, the one a
healthy run takes.

Goal (issue 5, item 4): the hot path costs at most 1/20 of the reference, on every body.

    python benchmarks/bench_validation.py [--quick]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson

from benchmarks import _output as output
from benchmarks._measure import Goal, alternate, ratios, seconds_per_call, summarise
from benchmarks._payloads import SEED_RESPONSES, bulk_request, response_for
from sms_acceptance import encode_json

NAME = "validation"
GOAL_RATIO = 1 / 20


def _bodies() -> dict[str, dict[str, Any]]:
    return {
        "seed 200 example 1": SEED_RESPONSES[0],
        "seed 200 example 2": SEED_RESPONSES[1],
        "bulk, 100 destinations": response_for(bulk_request(100, messages=4)),
        "bulk, 1000 destinations": response_for(bulk_request(1000, messages=10)),
    }


Check = Callable[[Any], object]


def _timer(function: Check, argument: object, budget: float) -> Callable[[], float]:
    """One sample: seconds per call of `function(argument)`."""
    return lambda: seconds_per_call(lambda: function(argument), budget_s=budget)


def _validators() -> tuple[Check, Check, Callable[[object], int]]:
    """(hot path, jsonschema reference, schema_violations), or a one-line error if not there."""
    try:
        import jsonschema

        from sms_acceptance import bundled_schema, fast_validator, schema_violations
    except ImportError as error:
        raise output.BenchmarkError(
            f"the validation module is not available yet ({error})"
        ) from None
    fast = fast_validator("response")
    reference = jsonschema.Draft202012Validator(
        bundled_schema("response"),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )

    def violations(document: object) -> int:
        return len(schema_violations("response", document))

    return fast.is_valid, reference.is_valid, violations


def main() -> int:
    parser = output.benchmark_parser(
        __doc__,
        quick="3 rounds of 0.05 s timings",
        rounds="alternating rounds per body (default 7)",
    )
    run = output.start_benchmark(parser)
    args = run.args
    rounds = args.rounds or (3 if args.quick else 7)
    budget = 0.05 if args.quick else 0.25

    fast, reference, violations = _validators()
    results: list[dict[str, Any]] = []
    goals: list[Goal] = []
    rows: list[list[object]] = []
    for label, body in _bodies().items():
        if not (fast(body) and reference(body) and violations(body) == 0):
            raise output.BenchmarkError(
                f"the {label} body is not valid: the benchmark would time failures"
            )
        raw = encode_json(body)
        output.progress(f"{NAME}: {label} ({len(raw)} bytes), {rounds} rounds")
        samples = alternate(
            {
                "fast": _timer(fast, body, budget),
                "jsonschema": _timer(reference, body, budget),
                "schema_violations": _timer(violations, body, budget),
                "orjson_parse": _timer(orjson.loads, raw, budget),
            },
            rounds,
        )
        micro = {name: summarise([s * 1e6 for s in values]) for name, values in samples.items()}
        ratio = ratios(samples["fast"], samples["jsonschema"])
        goal = Goal(
            name=f"fast/jsonschema on {label}",
            statement="hot-path validation costs at most 1/20 of jsonschema's reference",
            measured=ratio.median,
            threshold=GOAL_RATIO,
            comparison="<=",
        )
        goals.append(goal)
        results.append(
            {
                "body": label,
                "bytes": len(raw),
                "microseconds_per_response": {k: v.as_dict() for k, v in micro.items()},
                "ratio_fast_to_jsonschema": ratio.as_dict(),
                "goal": goal.as_dict(),
            }
        )
        rows.append(
            [
                label,
                len(raw),
                micro["fast"].median,
                micro["jsonschema"].median,
                micro["schema_violations"].median,
                micro["orjson_parse"].median,
                f"1/{1 / ratio.median:.0f}",
                f"{ratio.spread_percent:.0f}%",
                goal.holds,
            ]
        )

    headers = [
        "body",
        "bytes",
        "fast µs",
        "jsonschema µs",
        "schema_violations µs",
        "orjson parse µs",
        "fast/ref",
        "spread",
        "≤ 1/20",
    ]
    print(output.format_table(headers, rows))
    run.report(
        NAME,
        {
            "method": (
                "per-call wall time from loops filling a time budget (gc paused), the four "
                f"contenders alternated over {rounds} rounds; ratio = per-round fast/jsonschema"
            ),
            "results": results,
        },
        goals,
    )
    return 0


if __name__ == "__main__":
    output.run_main("bench_validation", main)
