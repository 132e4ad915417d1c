"""Benchmarks 1 and 2: the kit's load generator against a bare FastHttpUser, and against wrk.

The target is nginx on loopback answering every POST with the seed's second 200 example (a valid
response, so the kit's validation takes its success path), far faster than any Python client
here, so each figure is the load generator's own limit. Contenders, same users and duration,
alternated round by round:

- `bare`: `locustfile_bare.py`, one `FastHttpUser` posting the seed request and checking nothing;
- `kit single`: `locust -f loadtests SingleDestination`: the kit's single-destination scenario
  (pre-generated payload variety, every response validated, HDR recording, classification);
- `kit mix`: the kit's five valid scenarios by their weights (bulk, unicode, scheduled, notify).
  The invalid-request scenario is left out: nginx accepts everything, so its expected 400s
  would count as failures;
- the same `bare` and `kit single` with `--processes 2`;
- `wrk -t1`, posting the seed request over as many connections as there are users.

A sample is measured from outside (`_window.py`): the answers nginx logged in the steady window
(after a warm-up, before the wind-down) per second, and the CPU the generator's processes spent
per request in that window, the figure the machine's noise barely moves; and the cores the
generator and nginx each kept busy, which show when the machine (2 cores) is full.

Then the open model, at the rate the bare user can just hold (a share of its closed maximum,
lowered until the bare user holds it): the bare user paced with `constant_throughput`, the kit
with `--arrival-rate`, same users.

Goals (issue 5, items 1 and 2): kit/bare >= 0.9 (closed model); in the open model the kit holds
the rate the bare user holds (achieved >= 97 % of the target); kit with 2 processes >= 1.6 x kit
with 1, and (what that goal is for: nothing of the kit's serialises the workers) the kit's 2/1
scaling >= 0.9 x the 2/1 scaling a bare FastHttpUser reaches in the same rounds. The kit's share
of wrk is reported.

    python benchmarks/bench_loadgen.py [--quick]
"""

from __future__ import annotations

import functools
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import _output as output
from benchmarks._locust import locust_argv, read_stats
from benchmarks._measure import (
    Goal,
    alternate,
    ratios,
    seconds_per_call,
    summarise,
    summarise_each,
)
from benchmarks._nginx import NginxTarget
from benchmarks._payloads import SEED_REQUEST, SEED_RESPONSES
from benchmarks._sandbox import AUTHORIZATION_ENV, bench_credential, json_headers
from benchmarks._window import Window, measure_window
from benchmarks._wrk import write_script, wrk_argv
from sms_acceptance import encode_json

NAME = "loadgen"
BARE = Path(__file__).with_name("locustfile_bare.py")
KIT = output.REPO_ROOT / "loadtests"
SINGLE = ("SingleDestination",)
VALID_SCENARIOS = ("SingleDestination", "Bulk", "UnicodeLongText", "Scheduled", "NotifyTracking")
HOLD_SHARE = 0.97


class _Bench:
    """Runs each contender once per call; keeps every run's figures for the report."""

    def __init__(
        self,
        target: NginxTarget,
        *,
        users: int,
        duration: int,
        warmup: float,
        env: dict[str, str],
        temp: Path,
    ) -> None:
        self.target = target
        self.users = users
        self.duration = duration
        self.warmup = warmup
        self.env = env
        self.temp = temp
        self.runs: dict[str, list[dict[str, Any]]] = {}
        self.windows: dict[str, list[Window]] = {}

    def _measure(self, name: str, argv: Sequence[str], csv_prefix: Path | None) -> float:
        window, stderr = measure_window(
            argv,
            answers_log=self.target.answers_log,
            duration_s=self.duration,
            warmup_s=self.warmup,
            env=self.env,
            target_session=self.target.pid,
        )
        figures: dict[str, Any] = window.as_dict()
        if csv_prefix is not None:
            stats = read_stats(csv_prefix)
            figures["locust"] = stats.as_dict() if stats else None
            if stats is None or stats.failures:
                last = stderr.strip().splitlines()[-1:] or [""]
                output.progress(f"{NAME}: warning: {name}: failures or no stats ({last[0]})")
        self.runs.setdefault(name, []).append(figures)
        self.windows.setdefault(name, []).append(window)
        return window.requests_per_s

    def per_contender(self, figure: Callable[[Window], float]) -> dict[str, list[float]]:
        """One figure of every measured window, per contender, in the order they were taken."""
        return {name: [figure(w) for w in windows] for name, windows in self.windows.items()}

    def bare(self, name: str, processes: int = 1, user_rate: float = 0.0) -> float:
        prefix = self.temp / "bare"
        argv = locust_argv(
            BARE,
            self.target.base_url,
            users=self.users,
            duration_s=self.duration,
            csv_prefix=prefix,
            processes=processes,
        )
        self.env["SMS_BENCH_USER_RATE"] = str(user_rate)
        return self._measure(name, argv, prefix)

    def kit(
        self,
        name: str,
        scenarios: tuple[str, ...],
        processes: int = 1,
        arrival_rate: float | None = None,
    ) -> float:
        prefix = self.temp / "kit"
        extra = ["--report-dir", str(self.temp / "kit-reports")]
        if arrival_rate is not None:
            extra += ["--arrival-rate", f"{arrival_rate:.1f}"]
        argv = locust_argv(
            KIT,
            self.target.base_url,
            users=self.users,
            duration_s=self.duration,
            csv_prefix=prefix,
            processes=processes,
            extra_args=[*extra, *scenarios],
        )
        return self._measure(name, argv, prefix)

    def wrk(self, request: bytes, headers: dict[str, str]) -> float:
        script = write_script(self.temp, request, headers)
        argv = wrk_argv(script, self.target.url, duration_s=self.duration, connections=self.users)
        return self._measure("wrk", argv, None)


def _kit_work_in_isolation(body: bytes, rounds: int) -> dict[str, Any]:
    """Microseconds of the kit's own per-request work, outside Locust: where its overhead is.

    Judging a valid 200 (`LoadRun.judge`: parse, validate, count) and recording its latencies
    (`LatencyRecorder.record`: two HDR records), plus the parse alone with the stdlib's `json` (what
    the judge uses) and with `orjson`, to size the cheapest saving. Internal APIs of the load
    package: if they change, this part reports why it could not run instead of failing the run.
    """
    try:
        import types

        import orjson

        from sms_acceptance.load import LoadOptions, LoadRun, PreparedRequest
    except ImportError as error:
        return {"skipped": str(error)}
    try:
        run = LoadRun(LoadOptions.from_parsed(types.SimpleNamespace()), "App isolated")
        payload = PreparedRequest(body=b"{}", destinations=("41793026727",), expect_rejection=False)
        steps: dict[str, Callable[[], object]] = {
            "judge a valid 200": lambda: run.judge(
                "single", payload, 200, body, "application/json", None
            ),
            "record two latencies": lambda: run.latency.record(1, 1500, 1800, False),
            "json.loads of the 200": lambda: json.loads(body),
            "orjson.loads of the 200": lambda: orjson.loads(body),
        }
        samples = alternate(
            {
                name: functools.partial(seconds_per_call, step, budget_s=0.2)
                for name, step in steps.items()
            },
            rounds,
        )
    except Exception as error:  # an internal API moved: say so in the report, keep the figures
        return {"skipped": f"{type(error).__name__}: {error}"}
    return {
        name: summarise([s * 1e6 for s in values]).as_dict() for name, values in samples.items()
    }


def main() -> int:
    parser = output.benchmark_parser(
        __doc__, quick="1 round of 8 s runs", rounds="alternating rounds (default 3)"
    )
    parser.add_argument("--duration", type=int, help="seconds per run (default 15)")
    parser.add_argument("--users", type=int, default=20, help="Locust users (default 20)")
    parser.add_argument(
        "--open-share",
        type=float,
        default=0.85,
        help="first open-model rate tried, as a share of the bare closed maximum (default 0.85)",
    )
    run = output.start_benchmark(parser)
    args = run.args
    rounds = args.rounds or (1 if args.quick else 3)
    duration = args.duration or (8 if args.quick else 15)
    warmup = 2.0 if args.quick else 4.0

    credential = bench_credential()
    request = encode_json(SEED_REQUEST)
    with tempfile.TemporaryDirectory(prefix="sms-bench-loadgen-") as temp_name:
        temp = Path(temp_name)
        body_file = temp / "request.json"
        body_file.write_bytes(request)
        env = {
            **os.environ,
            AUTHORIZATION_ENV: credential,
            "SMS_BENCH_BODY_FILE": str(body_file),
        }
        with NginxTarget(json.dumps(SEED_RESPONSES[1]), count=True) as nginx:
            bench = _Bench(
                nginx, users=args.users, duration=duration, warmup=warmup, env=env, temp=temp
            )
            contenders: dict[str, Callable[[], float]] = {
                "bare": functools.partial(bench.bare, "bare"),
                "kit single": functools.partial(bench.kit, "kit single", SINGLE),
                "kit mix": functools.partial(bench.kit, "kit mix", VALID_SCENARIOS),
                "bare 2 processes": functools.partial(bench.bare, "bare 2 processes", 2),
                "kit single 2 processes": functools.partial(
                    bench.kit, "kit single 2 processes", SINGLE, 2
                ),
                "wrk": functools.partial(bench.wrk, request, json_headers(credential)),
            }
            closed = alternate(contenders, rounds, on_sample=output.rate_progress(NAME))

            # The open model: the highest rate tried that the bare user holds.
            rate = args.open_share * summarise(closed["bare"]).median
            calibration: list[dict[str, float]] = []
            for _ in range(4):
                held = bench.bare("bare open (calibration)", 1, rate / args.users) / rate
                calibration.append({"rate": round(rate, 1), "bare_held": round(held, 4)})
                output.progress(
                    f"{NAME}: open model at {rate:,.0f} req/s: the bare user held {held:.1%}"
                )
                if held >= HOLD_SHARE:
                    break
                rate *= 0.85
            opened = alternate(
                {
                    "bare open": functools.partial(bench.bare, "bare open", 1, rate / args.users),
                    "kit single open": functools.partial(
                        bench.kit, "kit single open", SINGLE, 1, rate
                    ),
                },
                rounds,
                on_sample=output.rate_progress(NAME),
            )

    isolated = _kit_work_in_isolation(json.dumps(SEED_RESPONSES[1]).encode(), max(rounds, 3))
    summaries = summarise_each({**closed, **opened})
    cpu_samples = bench.per_contender(lambda w: w.cpu_microseconds_per_request)
    cpu = summarise_each(cpu_samples)
    cores = summarise_each(bench.per_contender(lambda w: w.cores))
    nginx_cores = summarise_each(bench.per_contender(lambda w: w.target_cores or 0.0))
    kit_vs_bare = ratios(closed["kit single"], closed["bare"])
    mix_vs_bare = ratios(closed["kit mix"], closed["bare"])
    kit_scaling = ratios(closed["kit single 2 processes"], closed["kit single"])
    bare_scaling = ratios(closed["bare 2 processes"], closed["bare"])
    # Per round: the kit's 2/1 scaling over Locust's own 2/1 scaling, both from that round.
    scaling_vs_locust = ratios(
        [
            two / one
            for two, one in zip(closed["kit single 2 processes"], closed["kit single"], strict=True)
        ],
        [two / one for two, one in zip(closed["bare 2 processes"], closed["bare"], strict=True)],
    )
    kit_share_of_wrk = ratios(closed["kit single"], closed["wrk"])
    kit2_share_of_wrk = ratios(closed["kit single 2 processes"], closed["wrk"])
    bare_cpu_vs_kit = ratios(cpu_samples["bare"], cpu_samples["kit single"])
    bare_cpu_vs_mix = ratios(cpu_samples["bare"], cpu_samples["kit mix"])
    bare_held = summaries["bare open"].median / rate
    kit_held = summaries["kit single open"].median / rate
    goals = [
        Goal(
            name="kit single / bare (closed model, 1 process)",
            statement="the kit's scenario reaches >= 0.9 x a bare FastHttpUser's req/s",
            measured=kit_vs_bare.median,
            threshold=0.9,
            comparison=">=",
        ),
        Goal(
            name="kit mix / bare (closed model, 1 process)",
            statement="the kit's valid-scenario mix reaches >= 0.9 x a bare FastHttpUser's req/s",
            measured=mix_vs_bare.median,
            threshold=0.9,
            comparison=">=",
        ),
        Goal(
            name="kit holds the open-model rate the bare user holds",
            statement=f"achieved >= {HOLD_SHARE} x the target rate",
            measured=kit_held,
            threshold=HOLD_SHARE,
            comparison=">=",
        ),
        Goal(
            name="kit 2 processes / 1 process",
            statement="--processes 2 reaches >= 1.6 x one process",
            measured=kit_scaling.median,
            threshold=1.6,
            comparison=">=",
        ),
        Goal(
            name="kit 2-process scaling / Locust's own (bare) 2-process scaling",
            statement=(
                "nothing of the kit's serialises the workers: its 2/1 scaling is >= 0.9 x what a"
                " bare FastHttpUser's reaches in the same rounds"
            ),
            measured=scaling_vs_locust.median,
            threshold=0.9,
            comparison=">=",
        ),
    ]

    rows = [
        [
            name,
            *output.summary_cells(s),
            cpu[name].median,
            f"{cores[name].median:.2f}",
            f"{nginx_cores[name].median:.2f}",
        ]
        for name, s in summaries.items()
    ]
    headers = ["contender", "req/s median", "min", "max", "spread", "CPU µs/request"]
    print(output.format_table([*headers, "cores", "nginx cores"], rows))
    print()
    figure_rows: list[list[object]] = [
        ["kit single / bare (req/s)", f"{kit_vs_bare.median:.2f}x", ">= 0.9", goals[0].holds],
        ["  same, from CPU per request", f"{bare_cpu_vs_kit.median:.2f}x", "", ""],
        ["kit mix / bare (req/s)", f"{mix_vs_bare.median:.2f}x", ">= 0.9", goals[1].holds],
        ["  same, from CPU per request", f"{bare_cpu_vs_mix.median:.2f}x", "", ""],
        [f"open model {rate:,.0f} req/s: bare held", f"{bare_held:.1%}", "(reference)", ""],
        [f"open model {rate:,.0f} req/s: kit held", f"{kit_held:.1%}", ">= 97%", goals[2].holds],
        ["kit 2 processes / 1", f"{kit_scaling.median:.2f}x", ">= 1.6", goals[3].holds],
        ["bare 2 processes / 1 (Locust itself)", f"{bare_scaling.median:.2f}x", "", ""],
        ["kit / bare scaling", f"{scaling_vs_locust.median:.2f}x", ">= 0.9", goals[4].holds],
        ["kit single / wrk", f"{kit_share_of_wrk.median:.1%}", "", ""],
        ["kit single 2 processes / wrk", f"{kit2_share_of_wrk.median:.1%}", "", ""],
    ]
    print(output.format_table(["figure", "median", "goal", "holds"], figure_rows))
    if "skipped" not in isolated:
        print()
        print(
            output.format_table(
                ["kit work per request, outside Locust", "µs median"],
                [[name, figures["median"]] for name, figures in isolated.items()],
            )
        )
    run.report(
        NAME,
        {
            "method": (
                f"nginx (1 worker) on loopback answering a fixed valid 200; locust -u {args.users} "
                f"-r {args.users} -t {duration}s per run; wrk -t1 -c{args.users}; contenders "
                f"alternated over {rounds} rounds; a sample is the answers nginx logged per second "
                f"from {warmup:g} s after the first answer to 1.5 s before the run's end, and the "
                "CPU the generator's processes spent per request in that window; the cores the "
                "generator's processes and nginx's kept busy in the same window"
            ),
            "requests_per_s": {name: s.as_dict() for name, s in summaries.items()},
            "cpu_microseconds_per_request": {name: s.as_dict() for name, s in cpu.items()},
            "generator_cores": {name: s.as_dict() for name, s in cores.items()},
            "nginx_cores": {name: s.as_dict() for name, s in nginx_cores.items()},
            "ratios": {
                "kit_single_over_bare": kit_vs_bare.as_dict(),
                "kit_mix_over_bare": mix_vs_bare.as_dict(),
                "bare_cpu_over_kit_single_cpu": bare_cpu_vs_kit.as_dict(),
                "bare_cpu_over_kit_mix_cpu": bare_cpu_vs_mix.as_dict(),
                "kit_2_processes_over_1": kit_scaling.as_dict(),
                "bare_2_processes_over_1": bare_scaling.as_dict(),
                "kit_scaling_over_bare_scaling": scaling_vs_locust.as_dict(),
                "kit_single_over_wrk": kit_share_of_wrk.as_dict(),
                "kit_single_2_processes_over_wrk": kit2_share_of_wrk.as_dict(),
            },
            "open_model": {
                "calibration": calibration,
                "target_rate": round(rate, 1),
                "bare_achieved_share": round(bare_held, 4),
                "kit_achieved_share": round(kit_held, 4),
            },
            "kit_work_in_isolation_microseconds": isolated,
            "runs": bench.runs,
        },
        goals,
    )
    return 0


if __name__ == "__main__":
    output.run_main("bench_loadgen", main)
