"""Real `locust -f loadtests` runs against real sandboxes, a few seconds each (marked slow).

Each test is one behaviour of the issue: a clean run passes, injected 503s fail the default gate
with exit code 3 and name the envelope, a stall shows in the corrected latency, the open model
holds its rate, and a master with two workers merges exactly. None leaks the credential.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from sms_acceptance.load import THRESHOLD_FAILED_EXIT_CODE
from sms_acceptance.sandbox import FaultConfig
from tests.load.conftest import SECRET, LocustRun, RunLocust

pytestmark = pytest.mark.slow

Sandbox = Callable[[FaultConfig], str]


def assert_no_credential_anywhere(run: LocustRun) -> None:
    written = run.written_text()
    assert SECRET not in written
    assert SECRET.split(" ", 1)[1] not in written


def locust_aggregated_requests(run: LocustRun) -> int:
    with (run.report_dir / "locust_stats.csv").open(encoding="utf-8") as table:
        (aggregated,) = [row for row in csv.DictReader(table) if row["Name"] == "Aggregated"]
    return int(aggregated["Request Count"])


def test_clean_run_against_the_embedded_sandbox_exits_0_and_writes_the_reports(
    run_locust: RunLocust, headless_browser: object
) -> None:
    run = run_locust("-u", "8", "-r", "8", "-t", "3s")
    assert run.returncode == 0, run.stderr[-2000:]
    summary = run.summary
    assert summary["verdict"] == "pass"
    assert summary["run"]["target_kind"] == "embedded sandbox"
    assert summary["run"]["target"].startswith("http://127.0.0.1:")
    assert summary["requests"]["total"] > 0 and summary["requests"]["failed"] == 0
    assert summary["thresholds"][0]["expression"] == "error_rate<1%"
    latency = summary["latency_ms"]["from_actual_start"]
    assert set(latency) >= {"p50", "p90", "p95", "p99", "p99.9", "max"}
    assert latency["count"] == summary["requests"]["total"] == locust_aggregated_requests(run)
    assert summary["validation"]["validated"] > 0
    assert summary["options"]["authorization"] == "App ***"
    for name in ("locust_stats.csv", "locust_failures.csv", "locust_exceptions.csv"):
        assert (run.report_dir / name).is_file()
    assert_no_credential_anywhere(run)

    html = run.report_dir / "report.html"
    text = html.read_text("utf-8")
    assert "<script" not in text and "<link" not in text and 'src="http' not in text
    dom = headless_browser.rendered_dom(html)  # type: ignore[attr-defined]
    assert "Load test PASS" in dom
    for figure in ("latency-over-time", "throughput", "percentile-spectrum"):
        assert f'id="{figure}"' in dom
    assert dom.count("<svg") >= 3
    assert "error_rate&lt;1%" in dom


def test_injected_503s_fail_error_rate_with_exit_3_and_name_the_envelope(
    run_locust: RunLocust, sandbox_with: Sandbox
) -> None:
    host = sandbox_with(FaultConfig(error_fractions={503: 0.05}, seed=3))
    run = run_locust("--host", host, "-u", "6", "-r", "6", "-t", "3s")
    assert run.returncode == THRESHOLD_FAILED_EXIT_CODE == 3
    summary = run.summary
    assert summary["verdict"] == "fail"
    (threshold,) = summary["thresholds"]
    assert threshold["expression"] == "error_rate<1%" and not threshold["holds"]
    top = summary["errors"][0]
    assert (top["status"], top["label"], top["failure"]) == (
        503,
        "SERVICE_UNAVAILABLE",
        "503 SERVICE_UNAVAILABLE",
    )
    assert 0.02 < top["share_of_requests"] < 0.09
    assert '"Authorization: $SMS_ACCEPTANCE_AUTHORIZATION"' in top["first_example"]["reproduce"]
    assert "503 SERVICE_UNAVAILABLE" in run.stderr
    assert_no_credential_anywhere(run)


def test_injected_stall_shows_in_corrected_percentiles_not_only_actual(
    run_locust: RunLocust, sandbox_with: Sandbox
) -> None:
    host = sandbox_with(FaultConfig(stall_fraction=0.02, stall_seconds=0.4, seed=7))
    run = run_locust(
        "--host", host, "-u", "1", "-r", "1", "-t", "4s", "SingleDestination",
        env={"LOCUST_ARRIVAL_RATE": "40"},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    actual = run.summary["latency_ms"]["from_actual_start"]
    corrected = run.summary["latency_ms"]["from_intended_start"]
    # Each stall holds the only user for 400 ms: few requests are slow when timed from their
    # actual start, but every slot that came due meanwhile waits, so many are from intended start.
    assert corrected["p99"] >= 300
    assert corrected["p90"] >= 100
    assert actual["p90"] < 100
    assert corrected["p90"] > 2 * actual["p90"]
    assert run.summary["rate"]["late"] > 0


def test_open_model_holds_the_target_rate_within_five_percent(
    run_locust: RunLocust, sandbox_with: Sandbox, tmp_path: Path
) -> None:
    # The rate comes from locust.conf: the kit's options are read there like Locust's own.
    (tmp_path / "locust.conf").write_text("arrival-rate = 60\n", encoding="utf-8")
    host = sandbox_with(FaultConfig())
    run = run_locust("--host", host, "-u", "6", "-r", "6", "-t", "4s", "SingleDestination")
    assert run.returncode == 0, run.stderr[-2000:]
    rate = run.summary["rate"]
    assert rate["model"] == "open" and rate["target_rps"] == 60
    assert 0.95 <= rate["achieved_share_of_target"] <= 1.05
    assert rate["dropped"] <= 0.02 * rate["due"]


def test_master_and_two_workers_merge_histograms_and_counts_exactly(
    run_locust: RunLocust, free_port: int
) -> None:
    port = str(free_port)
    run = run_locust(
        "-u", "6", "-r", "6", "-t", "4s", "--processes", "2", "--arrival-rate", "60",
        "--master-bind-host", "127.0.0.1", "--master-bind-port", port, "--master-port", port,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    summary = run.summary
    assert summary["run"]["mode"] == "distributed" and summary["run"]["workers"] == 2
    by_worker = summary["run"]["requests_by_worker"]
    assert len(by_worker) == 2 and all(count > 0 for count in by_worker.values())
    total = summary["requests"]["total"]
    assert sum(by_worker.values()) == total
    assert summary["latency_ms"]["from_actual_start"]["count"] == total
    assert summary["latency_ms"]["from_intended_start"]["count"] == total
    assert locust_aggregated_requests(run) == total
    # The master split the arrival rate between its workers: their schedules add up to it.
    rate = summary["rate"]
    assert rate["model"] == "open" and rate["target_rps"] == 60
    assert 0.9 <= rate["achieved_share_of_target"] <= 1.1
    assert_no_credential_anywhere(run)


def test_tags_run_only_the_tagged_scenario_and_spawn_no_idle_users(run_locust: RunLocust) -> None:
    run = run_locust("--tags", "bulk", "-u", "3", "-r", "3", "-t", "2s")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "StopUser" not in run.stderr and "Traceback" not in run.stderr
    with (run.report_dir / "locust_stats.csv").open(encoding="utf-8") as table:
        names = {row["Name"] for row in csv.DictReader(table)} - {"Aggregated"}
    assert names == {"bulk"}
