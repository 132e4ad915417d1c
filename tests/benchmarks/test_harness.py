"""The benchmark harness: summaries, alternation, goals, tables, and the servers it starts.

No timing is asserted anywhere: these tests check that the harness measures what it says it
measures (counts, orders, escapes), never how fast anything is.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from sms_acceptance import encode_json

Loader = Callable[[str], ModuleType]


def test_summary_has_median_range_and_spread(bench_module: Loader) -> None:
    measure = bench_module("_measure")
    summary = measure.summarise([10.0, 12.0, 8.0, 11.0, 9.0])
    assert (summary.median, summary.minimum, summary.maximum) == (10.0, 8.0, 12.0)
    assert summary.spread_percent == pytest.approx(40.0)
    assert summary.as_dict()["samples"] == [10.0, 12.0, 8.0, 11.0, 9.0]


def test_summary_of_nothing_is_an_error(bench_module: Loader) -> None:
    with pytest.raises(ValueError, match="no samples"):
        bench_module("_measure").summarise([])


def test_ratios_pair_samples_of_the_same_round(bench_module: Loader) -> None:
    ratios = bench_module("_measure").ratios([2.0, 6.0, 3.0], [1.0, 2.0, 3.0])
    assert ratios.samples == (2.0, 3.0, 1.0)
    assert ratios.median == 2.0


def test_alternate_flips_the_order_every_round(bench_module: Loader) -> None:
    calls: list[str] = []

    def contender(name: str) -> Callable[[], float]:
        def sample() -> float:
            calls.append(name)
            return float(len(calls))

        return sample

    samples = bench_module("_measure").alternate({"a": contender("a"), "b": contender("b")}, 3)
    assert calls == ["a", "b", "b", "a", "a", "b"]
    assert samples == {"a": [1.0, 4.0, 5.0], "b": [2.0, 3.0, 6.0]}


def test_goal_holds_on_its_side_of_the_threshold(bench_module: Loader) -> None:
    goal = bench_module("_measure").Goal
    assert goal("g", "s", measured=0.9, threshold=0.9, comparison=">=").holds
    assert not goal("g", "s", measured=0.89, threshold=0.9, comparison=">=").holds
    assert goal("g", "s", measured=0.04, threshold=0.05, comparison="<=").holds
    assert not goal("g", "s", measured=0.06, threshold=0.05, comparison="<=").as_dict()["holds"]


def test_seconds_per_call_counts_calls_not_loops(bench_module: Loader) -> None:
    calls: list[int] = []
    per_call = bench_module("_measure").seconds_per_call(lambda: calls.append(1), budget_s=0.01)
    assert per_call > 0
    assert len(calls) > 1


def test_table_aligns_numbers_right(bench_module: Loader) -> None:
    table = bench_module("_output").format_table(["name", "req/s"], [["a", 12345.0], ["bb", 7.5]])
    lines = table.splitlines()
    assert lines[0].split() == ["name", "req/s"]
    assert lines[2].endswith("12,345")
    assert lines[3].endswith("  7.50")


def test_missing_tool_is_a_one_line_error_with_the_fix(bench_module: Loader) -> None:
    output = bench_module("_output")
    with pytest.raises(output.BenchmarkError, match="apt-get install nothing-here"):
        output.require_executable("no-such-tool-sms-bench", "apt-get install nothing-here")


def test_report_records_the_benchmark_and_its_payload(bench_module: Loader, tmp_path: Path) -> None:
    path = bench_module("_output").write_report("demo", {"goals": []}, report_dir=tmp_path)
    document = json.loads(path.read_text())
    assert document["benchmark"] == "demo"
    assert document["goals"] == []


def test_machine_info_names_cpus_memory_and_libraries(bench_module: Loader) -> None:
    info = bench_module("_machine").machine_info()
    assert info["nproc"] >= 1
    assert info["memory_mib"] > 0
    assert info["libraries"]["locust"]
    assert info["python"].startswith("CPython")


def test_nginx_body_escapes_quotes_and_refuses_variables(bench_module: Loader) -> None:
    nginx = bench_module("_nginx")
    assert nginx._nginx_string("it's \\u0131") == "it\\'s \\\\u0131"
    with pytest.raises(bench_module("_output").BenchmarkError, match="nginx variables"):
        nginx._nginx_string('{"price": "$5"}')


def test_lua_long_string_survives_closing_brackets(bench_module: Loader) -> None:
    quoted = bench_module("_wrk")._lua_long_string("a]]b]=]c")
    assert quoted == "[==[a]]b]=]c]==]"


def test_bulk_request_has_the_asked_destinations_and_distinct_numbers(
    bench_module: Loader,
) -> None:
    payloads = bench_module("_payloads")
    request = payloads.bulk_request(10, messages=3)
    numbers = [d["to"] for m in request["messages"] for d in m["destinations"]]
    assert len(numbers) == len(set(numbers)) == 10
    response = payloads.response_for(request)
    assert [entry["to"] for entry in response["messages"]] == numbers


@pytest.mark.usefixtures("nginx_and_wrk")
def test_nginx_answers_the_fixed_body_and_logs_each_answer(bench_module: Loader) -> None:
    nginx = bench_module("_nginx")
    body = json.dumps({"messages": [{"to": "41793026727", "text": "it's"}]})
    with nginx.NginxTarget(body, count=True) as target:
        target.answers_log.write_bytes(b"")
        for _ in range(3):
            request = urllib.request.Request(target.url, data=b"{}", method="POST")
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200
                assert response.headers["Content-Type"] == "application/json"
                assert response.read() == body.encode()
        # nginx logs an answer just after sending it: give the last line a moment to land.
        deadline = time.monotonic() + 5
        while len(target.answers_log.read_text().split()) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(target.answers_log.read_text().split()) == 3


@pytest.mark.usefixtures("nginx_and_wrk")
def test_wrk_counts_every_request_nginx_answered(bench_module: Loader) -> None:
    nginx, wrk = bench_module("_nginx"), bench_module("_wrk")
    with nginx.NginxTarget("{}", count=True) as target:
        target.answers_log.write_bytes(b"")
        result = wrk.run_wrk(target.url, b'{"a": 1}', {"X-Test": "1"}, duration_s=1, connections=2)
        time.sleep(0.2)  # nginx logs an answer just after sending it
        answered = len(target.answers_log.read_text().split())
    assert result.requests > 0
    assert result.non_2xx == 0
    # wrk counts the answers it read; nginx may have logged one more still in flight at the end.
    assert answered - 2 <= result.requests <= answered


def test_wrk_refuses_a_non_loopback_url(bench_module: Loader, tmp_path: Path) -> None:
    wrk = bench_module("_wrk")
    with pytest.raises(bench_module("_output").BenchmarkError, match="non-loopback"):
        wrk.wrk_argv(tmp_path / "x.lua", "http://192.0.2.1/", duration_s=1, connections=1)


def test_report_puts_the_machine_first_and_the_goals_last(
    bench_module: Loader, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output, measure = bench_module("_output"), bench_module("_measure")
    goal = measure.Goal("g", "s", measured=1.0, threshold=0.9, comparison=">=")
    run = output.BenchmarkRun(args=argparse.Namespace(report_dir=tmp_path), machine={"nproc": 2})
    path = run.report("demo", {"method": "m", "results": []}, [goal])
    document = json.loads(path.read_text())
    assert list(document)[3:] == ["machine", "method", "results", "goals", "all_goals_hold"]
    assert document["machine"] == {"nproc": 2}
    assert document["goals"] == [goal.as_dict()]
    assert document["all_goals_hold"] is True
    assert capsys.readouterr().out == f"\nwrote {path}\n"


def test_report_machine_from_the_payload_replaces_the_recorded_one_in_place(
    bench_module: Loader, tmp_path: Path
) -> None:
    run = bench_module("_output").BenchmarkRun(
        args=argparse.Namespace(report_dir=tmp_path), machine={"nproc": 2}
    )
    path = run.report("demo", {"method": "m", "machine": {"nproc": 2, "tool": "1.0"}}, [])
    document = json.loads(path.read_text())
    assert list(document)[3:5] == ["machine", "method"]
    assert document["machine"] == {"nproc": 2, "tool": "1.0"}


def test_ratio_verdict_names_the_ratio_its_range_and_the_goal(bench_module: Loader) -> None:
    output, measure = bench_module("_output"), bench_module("_measure")
    ratio = measure.summarise([0.4, 0.45, 0.5])
    goal = measure.Goal("g", "s", measured=ratio.median, threshold=0.5, comparison=">=")
    assert output.ratio_verdict("sandbox/floor", ratio, goal) == (
        "sandbox/floor: 0.45x (per-round 0.40-0.50), goal >= 0.5: DOES NOT HOLD"
    )


def test_floor_server_answers_every_post_with_its_body_file(
    bench_module: Loader, tmp_path: Path
) -> None:
    processes = bench_module("_processes")
    body_file = tmp_path / "reply.json"
    body_file.write_bytes(b'{"messages": []}')
    floor = processes.script_server(
        "_floor_server.py",
        "--body-file",
        str(body_file),
        what="floor server",
        log_path=tmp_path / "floor.log",
    )
    with floor:
        request = urllib.request.Request(
            floor.base_url + "/sms/1/text/advanced", data=b"{}", method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["Content-Type"] == "application/json"
            assert response.read() == b'{"messages": []}'


def test_counting_sandbox_counts_each_request_by_status_class(
    bench_module: Loader, tmp_path: Path
) -> None:
    processes, sandbox = bench_module("_processes"), bench_module("_sandbox")
    credential = sandbox.bench_credential()
    server = processes.script_server(
        "_counting_sandbox.py",
        what="counting sandbox",
        log_path=tmp_path / "sandbox.log",
        env={**os.environ, sandbox.AUTHORIZATION_ENV: credential},
    )
    with server:
        url = server.base_url + sandbox.ENDPOINT_PATH
        seed = encode_json(bench_module("_payloads").SEED_REQUEST)
        assert sandbox.post(url, seed, credential)[0] == 200
        assert sandbox.post(url, b"{}", "App wrong")[0] == 401
        with urllib.request.urlopen(server.base_url + "/__bench__/count", timeout=10) as answer:
            counts = json.loads(answer.read())
    assert counts == {"requests": 2, "2xx": 1, "4xx": 1}


@pytest.mark.usefixtures("nginx_and_wrk")
def test_nginx_leaves_no_temp_dir_behind(bench_module: Loader) -> None:
    with bench_module("_nginx").NginxTarget("{}", count=True) as target:
        root = target.answers_log.parent
        assert (root / "nginx.conf").is_file()
    assert not root.exists()


def test_rate_progress_numbers_rounds_from_one_on_stderr(
    bench_module: Loader, capsys: pytest.CaptureFixture[str]
) -> None:
    output = bench_module("_output")
    output.rate_progress("sandbox")("floor", 0, 12345.6)
    output.rate_progress("conformance", decimals=1)("ours", 2, 7.25)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        captured.err
        == "sandbox: round 1 floor: 12,346 req/s\nconformance: round 3 ours: 7.2 req/s\n"
    )


@pytest.mark.parametrize(
    ("requests", "non_2xx", "socket_errors", "answered"),
    [(10, 0, 0, True), (0, 0, 0, False), (10, 1, 0, False), (10, 0, 1, False)],
)
def test_wrk_result_is_a_capacity_only_when_every_request_got_a_2xx(
    bench_module: Loader, requests: int, non_2xx: int, socket_errors: int, answered: bool
) -> None:
    result = bench_module("_wrk").WrkResult(
        requests=requests,
        duration_s=1.0,
        non_2xx=non_2xx,
        socket_errors=socket_errors,
        latency_p50_ms=1.0,
        latency_p99_ms=2.0,
    )
    assert result.all_answered is answered


_FAKE_GENERATOR = """
import sys, time
log, end = sys.argv[1], time.time() + float(sys.argv[2])
with open(log, "a", buffering=1) as answers:
    while time.time() < end:
        answers.write(f"{time.time()}\\n")
        time.sleep(0.01)
"""

_BUSY_TARGET = "import time\nend = time.time() + 30\nwhile time.time() < end: pass\n"


def test_a_window_counts_the_answers_and_reads_the_target_cpu(
    bench_module: Loader, tmp_path: Path
) -> None:
    window_module = bench_module("_window")
    log = tmp_path / "answers.log"
    target = subprocess.Popen([sys.executable, "-c", _BUSY_TARGET], start_new_session=True)
    try:
        argv = [sys.executable, "-c", _FAKE_GENERATOR, str(log), "3"]
        window, _ = window_module.measure_window(
            argv,
            answers_log=log,
            duration_s=3,
            warmup_s=0.5,
            wind_down_s=0.5,
            target_session=target.pid,
        )
        without_target, _ = window_module.measure_window(
            argv, answers_log=log, duration_s=3, warmup_s=0.5, wind_down_s=0.5
        )
    finally:
        target.kill()
        target.wait()
    assert window.exit_code == 0
    assert 0 < window.requests <= 100 * window.seconds
    # A busy loop in the target's session: its CPU is read over the window (never a timing bound).
    assert window.target_cpu_seconds is not None and window.target_cpu_seconds > 0
    assert window.as_dict()["target_cores"] == round(window.target_cores, 3)
    assert without_target.target_cpu_seconds is None
    assert "target_cores" not in without_target.as_dict()
