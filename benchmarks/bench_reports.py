"""Benchmark 7: what delivery reports cost the sandbox (issue 13).

Two sandboxes from the same CLI, sampled in alternation under wrk with the same request: the
seed's, every message carrying a loopback `notifyUrl` (a receiver that answers 200 at once,
`_report_receiver.py`). One runs with reports on (the defaults: every destination DELIVERED after
`--report-delay-ms`, pushed in batches of up to 100, by the report worker process), the other
with `--no-reports`. `--compare-inline` adds a third, alternated with them: reports on with
`--report-worker inline` (the lifecycle in the serving process, as before the worker process).
CPU per request counts every process of the sandbox's session (the serving process and its
report worker); the serving process's own share is given beside it, and RSS is the session's.

Goals:
- send throughput with reports on >= 0.8 x with reports off (per-round ratio, median);
- pushes keep up at the sandbox's own maximum send rate: after every loaded sample, the reports
  waiting to be pushed (queued + in flight, read from `/sandbox/reports/stats`) are fewer than
  one second of sends, and once the load stops every final report reaches the receiver;
- RSS flat over a million requests with reports on (`--memory-requests`; end <= 1.05 x the sample
  after the first tenth), every request with a distinct text, bulkId and messageId, with the push
  backlog sampled alongside.

    python benchmarks/bench_reports.py [--quick] [--skip-memory | --skip-throughput]

Figures go to `reports.json` and `reports_memory.json`.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import _output as output
from benchmarks._measure import Goal, alternate, ratios, summarise_each
from benchmarks._memory_run import add_wrk_options, checked, memory_run, vary_per_request
from benchmarks._payloads import SEED_REQUEST
from benchmarks._processes import LOOPBACK, ServerProcess, rss_kib, script_server
from benchmarks._sandbox import ENDPOINT_PATH, bench_credential, json_headers, post, sandbox_process
from benchmarks._window import process_cpu_seconds, session_cpu_seconds, session_pids
from benchmarks._wrk import WrkResult, run_wrk
from sms_acceptance import encode_json

NAME = "reports"
GOAL_RATIO = 0.8
BACKLOG_LIMIT_S = 1.0
STATS_PATH = "/sandbox/reports/stats"
COUNT_PATH = "/__bench__/count"
DRAIN_TIMEOUT_S = 60.0
INLINE = "reports on, inline"


def session_rss_kib(session_id: int) -> int:
    """Resident memory of every process of the sandbox's session, summed (kiB)."""
    total = 0
    for pid in session_pids(session_id):
        try:
            total += rss_kib(pid)
        except (OSError, output.BenchmarkError):
            continue
    return total


def _request(notify_url: str, *, varying: bool) -> tuple[bytes, int]:
    """The seed's request, every message pushing to `notify_url`; its body and destinations."""
    document = copy.deepcopy(SEED_REQUEST)
    for message in document["messages"]:
        message["notifyUrl"] = notify_url
        message["notifyContentType"] = "application/json"
    if varying:
        vary_per_request(document)
    destinations = sum(len(m["destinations"]) for m in document["messages"])
    return encode_json(document), destinations


def _get_json(url: str, credential: str | None = None) -> dict[str, Any]:
    if not url.startswith(f"http://{LOOPBACK}:"):
        raise output.BenchmarkError(f"refusing to call a non-loopback URL: {url}")
    headers = {"Authorization": credential} if credential else {}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            document: dict[str, Any] = json.loads(response.read())
            return document
    except OSError as error:
        raise output.BenchmarkError(f"GET {url} failed: {error}") from None


def _backlog(stats: dict[str, Any]) -> int:
    """Final reports not yet answered by the receiver: waiting for a batch, a slot or a retry."""
    return int(stats["queued"] + stats["in_flight"] + stats["waiting_for_retry"])


def _drain(sandbox: ServerProcess, credential: str, receiver: ServerProcess) -> dict[str, Any]:
    """Wait until nothing is scheduled or queued; how long it took and what arrived."""
    started = time.monotonic()
    stats = _get_json(sandbox.base_url + STATS_PATH, credential)
    while stats["scheduled"] or _backlog(stats):
        if time.monotonic() - started > DRAIN_TIMEOUT_S:
            break
        time.sleep(0.1)
        stats = _get_json(sandbox.base_url + STATS_PATH, credential)
    received = _get_json(receiver.base_url + COUNT_PATH)
    pushed = stats["reports_accepted"] + stats["intermediate_reports_accepted"]
    return {
        "drain_s": round(time.monotonic() - started, 2),
        "drained": not (stats["scheduled"] or _backlog(stats)),
        "stats": stats,
        "receiver": received,
        "every_final_report_pushed": stats["reports_accepted"]
        == stats["finals"] - stats["lost"] - stats["reports_refused_by_policy"],
        "receiver_counted_every_push": received["reports"] >= pushed,
    }


def _throughput(
    contenders: dict[str, ServerProcess],
    receiver: ServerProcess,
    credential: str,
    request: bytes,
    destinations: int,
    *,
    rounds: int,
    duration: int,
    connections: int,
) -> tuple[dict[str, Any], list[Goal]]:
    headers = json_headers(credential)
    urls = {name: process.base_url + ENDPOINT_PATH for name, process in contenders.items()}
    for name, url in urls.items():  # warm-up, not recorded
        checked(run_wrk(url, request, headers, duration_s=2, connections=8), name)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in contenders}
    backlog_seconds: list[float] = []
    cpu_per_request: dict[str, list[float]] = {name: [] for name in contenders}
    serving_per_request: dict[str, list[float]] = {name: [] for name in contenders}

    def sample(name: str) -> float:
        # The sandbox's own CPU per request (its process session, from /proc) barely moves when
        # other jobs take a core: where it and req/s disagree, the machine was busy.
        pid = contenders[name].pid
        cpu_before, serving_before = session_cpu_seconds(pid), process_cpu_seconds(pid)
        result = checked(
            run_wrk(urls[name], request, headers, duration_s=duration, connections=connections),
            name,
        )
        cpu = session_cpu_seconds(pid) - cpu_before
        serving = process_cpu_seconds(pid) - serving_before
        record = result.as_dict()
        record["cpu_us_per_request"] = round(cpu / result.requests * 1e6, 1)
        record["serving_process_cpu_us_per_request"] = round(serving / result.requests * 1e6, 1)
        cpu_per_request[name].append(record["cpu_us_per_request"])
        serving_per_request[name].append(record["serving_process_cpu_us_per_request"])
        if name != "reports off":
            asked = time.monotonic()
            stats = _get_json(contenders[name].base_url + STATS_PATH, credential)
            # The worker answers after every record sent before the question: how long that
            # took bounds what still waited between the two processes.
            record["stats_answer_s"] = round(time.monotonic() - asked, 3)
            per_second = result.requests_per_s * destinations
            record["push_backlog"] = _backlog(stats)
            record["push_backlog_s"] = round(_backlog(stats) / per_second, 3) if per_second else 0
            backlog_seconds.append(record["push_backlog_s"])
        runs[name].append(record)
        return result.requests_per_s

    samples = alternate(
        {name: functools.partial(sample, name) for name in contenders},
        rounds,
        on_sample=output.rate_progress(NAME),
    )
    drained = _drain(contenders["reports on"], credential, receiver)
    if INLINE in contenders:
        drained_inline = _drain(contenders[INLINE], credential, receiver)
    rps = summarise_each(samples)
    ratio = ratios(samples["reports on"], samples["reports off"])
    ratio_goal = Goal(
        name="sandbox req/s with reports on / off",
        statement="send throughput with every request pushing reports >= 0.8 x with reports off",
        measured=ratio.median,
        threshold=GOAL_RATIO,
        comparison=">=",
    )
    backlog_goal = Goal(
        name="push backlog at the maximum send rate",
        statement="reports waiting to be pushed after each loaded sample < 1 s of sends",
        measured=max(backlog_seconds),
        threshold=BACKLOG_LIMIT_S,
        comparison="<=",
    )
    cpu = summarise_each(cpu_per_request)
    cpu_ratio = ratios(cpu_per_request["reports off"], cpu_per_request["reports on"])
    serving = summarise_each(serving_per_request)
    rows = [
        [name, *output.summary_cells(s), cpu[name].median, serving[name].median]
        for name, s in rps.items()
    ]
    print(
        output.format_table(
            ["sandbox", "req/s median", "min", "max", "spread", "CPU us/req", "serving us/req"],
            rows,
        )
    )
    print("\n" + output.ratio_verdict("reports on/off", ratio, ratio_goal))
    if INLINE in contenders:
        inline_ratio = ratios(samples[INLINE], samples["reports off"])
        inline_cpu = ratios(cpu_per_request["reports off"], cpu_per_request[INLINE])
        print(
            f"reports on, inline (no worker process) / off: {inline_ratio.median:.2f}x by req/s "
            f"(per round {inline_ratio.minimum:.2f}-{inline_ratio.maximum:.2f}), "
            f"{inline_cpu.median:.2f}x by CPU"
        )
    serving_ratio = ratios(serving_per_request["reports off"], serving_per_request["reports on"])
    print(
        f"CPU per request, off/on: {cpu_ratio.median:.2f}x (per-round "
        f"{cpu_ratio.minimum:.2f}-{cpu_ratio.maximum:.2f}) counting the report worker process: "
        "the ratio if everything had to share one core; the serving process's alone "
        f"{serving_ratio.median:.2f}x ({serving_ratio.minimum:.2f}-{serving_ratio.maximum:.2f}): "
        "the ratio when the worker has a core of its own"
    )
    print(
        f"push backlog after each loaded sample: max {max(backlog_seconds):.3f} s of sends; "
        f"drained {drained['drain_s']} s after the load stopped "
        f"({drained['receiver']['reports']:,} reports received in "
        f"{drained['receiver']['pushes']:,} pushes)"
    )
    figures = {
        "method": (
            f"wrk -t1 -c{connections} -d{duration}s POSTing the seed request (every message "
            f"with a loopback notifyUrl, {destinations} destinations), sandboxes with reports on "
            f"and --no-reports alternated over {rounds} rounds; ratio = per-round on/off; "
            "backlog = queued + in flight + waiting for retry, from /sandbox/reports/stats"
        ),
        "requests_per_s": {name: s.as_dict() for name, s in rps.items()},
        "wrk_runs": runs,
        "ratio_on_to_off": ratio.as_dict(),
        "cpu_us_per_request": {name: c.as_dict() for name, c in cpu.items()},
        "cpu_ratio_off_to_on": cpu_ratio.as_dict(),
        "serving_cpu_ratio_off_to_on": serving_ratio.as_dict(),
        "serving_process_cpu_us_per_request": {n: c.as_dict() for n, c in serving.items()},
        "after_the_load": drained,
    }
    if INLINE in contenders:
        figures["ratio_inline_to_off"] = inline_ratio.as_dict()
        figures["cpu_ratio_off_to_inline"] = inline_cpu.as_dict()
        figures["after_the_load_inline"] = drained_inline
    return figures, [ratio_goal, backlog_goal]


def _memory_run(
    sandbox: ServerProcess,
    credential: str,
    template: bytes,
    destinations: int,
    total: int,
    connections: int,
) -> tuple[dict[str, Any], list[Goal]]:
    """`total` varying requests in chunks; RSS and the push backlog after each chunk."""

    def push_backlog(result: WrkResult) -> dict[str, Any]:
        stats = _get_json(sandbox.base_url + STATS_PATH, credential)
        per_second = result.requests_per_s * destinations
        return {
            "serving_rss_kib": rss_kib(sandbox.pid),
            "requests_per_s": round(result.requests_per_s, 1),
            "push_backlog": _backlog(stats),
            "push_backlog_s": round(_backlog(stats) / per_second, 3) if per_second else 0,
            "remembered": stats["remembered"],
            "reports_accepted": stats["reports_accepted"],
        }

    run = memory_run(
        sandbox,
        sandbox.base_url + ENDPOINT_PATH,
        json_headers(credential),
        template,
        total=total,
        connections=connections,
        goal_name="sandbox RSS flat over the memory run with reports on",
        benchmark=NAME,
        after_chunk=push_backlog,
        shown=("push_backlog",),
        rss=session_rss_kib,
    )
    backlog_goal = Goal(
        name="push backlog over the memory run",
        statement="reports waiting to be pushed after each chunk < 1 s of sends",
        measured=max(s["push_backlog_s"] for s in run.samples[1:]),
        threshold=BACKLOG_LIMIT_S,
        comparison="<=",
    )
    return run.figures(), [run.goal, backlog_goal]


def main() -> int:
    parser = output.benchmark_parser(
        __doc__,
        quick="2 rounds of 3 s, 30k-request memory run with at most 10k messages remembered",
        rounds="alternating rounds (default 5)",
    )
    add_wrk_options(parser, memory_report="reports_memory.json")
    parser.add_argument(
        "--report-delay-ms", default="1000", help="the sandbox's delay to the final status"
    )
    parser.add_argument(
        "--report-max-count", help="messages the sandbox remembers (default: its own, 100,000)"
    )
    parser.add_argument(
        "--compare-inline",
        action="store_true",
        help="also alternate a sandbox running reports inline (--report-worker inline)",
    )
    run = output.start_benchmark(parser)
    args = run.args
    rounds = args.rounds or (2 if args.quick else 5)
    duration = args.duration or (3 if args.quick else 10)
    memory_requests = args.memory_requests or (30_000 if args.quick else 1_000_000)
    max_count = args.report_max_count or ("10000" if args.quick else None)
    on_options = ["--report-delay-ms", args.report_delay_ms]
    if max_count is not None:
        on_options += ["--report-max-count", max_count]

    credential = bench_credential()
    with tempfile.TemporaryDirectory(prefix="sms-bench-reports-") as temp_name:
        temp = Path(temp_name)
        receiver = script_server(
            "_report_receiver.py", what="report receiver", log_path=temp / "receiver.log"
        )
        with receiver:
            notify_url = receiver.base_url + "/dlr"
            request, destinations = _request(notify_url, varying=False)
            if not args.skip_throughput:
                on = sandbox_process(temp, credential, name="reports on", options=on_options)
                off = sandbox_process(
                    temp, credential, name="reports off", options=["--no-reports"]
                )
                contenders = {"reports on": on, "reports off": off}
                if args.compare_inline:
                    contenders[INLINE] = sandbox_process(
                        temp,
                        credential,
                        name=INLINE,
                        options=[*on_options, "--report-worker", "inline"],
                    )
                with contextlib.ExitStack() as stack:
                    for process in contenders.values():
                        stack.enter_context(process)
                    for process in contenders.values():
                        status, _ = post(process.base_url + ENDPOINT_PATH, request, credential)
                        if status != 200:
                            raise output.BenchmarkError(
                                f"{process.what} answered the request with {status}"
                            )
                    figures, goals = _throughput(
                        contenders,
                        receiver,
                        credential,
                        request,
                        destinations,
                        rounds=rounds,
                        duration=duration,
                        connections=args.connections,
                    )
                run.report(NAME, figures, goals)
            if not args.skip_memory:
                template, _ = _request(notify_url, varying=True)
                fresh = sandbox_process(
                    temp, credential, name="reports on (memory)", options=on_options
                )
                with fresh:
                    memory, memory_goals = _memory_run(
                        fresh, credential, template, destinations, memory_requests, args.connections
                    )
                    memory["after_the_load"] = _drain(fresh, credential, receiver)
                print(
                    f"\nmemory: RSS {memory['rss_after_first_tenth_kib'] / 1024:.1f} MiB after "
                    f"the first tenth, {memory['rss_final_kib'] / 1024:.1f} MiB after "
                    f"{memory['requests']:,} requests (x{memory['growth_ratio']:.3f}); "
                    f"push backlog at most "
                    f"{max(s['push_backlog_s'] for s in memory['samples'][1:]):.3f} s of sends"
                )
                run.report(
                    f"{NAME}_memory",
                    {
                        "method": (
                            f"wrk -t1 -c{args.connections} in chunks, every request with a "
                            "distinct text, bulkId and messageId and a loopback notifyUrl; VmRSS "
                            "of the sandbox's session (serving process and report worker) and "
                            "/sandbox/reports/stats after each chunk"
                        ),
                        "memory": memory,
                    },
                    memory_goals,
                    blank_line_before=False,
                )
    return 0


if __name__ == "__main__":
    output.run_main("bench_reports", main)
