"""Every benchmark script starts, explains itself, and the cheapest one runs end to end.

Smoke tests only: tiny counts, a temp report dir, and no assertion on any timing.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

RunScript = Callable[..., subprocess.CompletedProcess[str]]

SCRIPTS = (
    "bench_validation.py",
    "bench_scaling.py",
    "bench_sandbox.py",
    "bench_loadgen.py",
    "bench_conformance.py",
    "bench_http_client.py",
    "bench_remote.py",
    "bench_reports.py",
)


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_script_explains_its_options(run_script: RunScript, script: str) -> None:
    done = run_script(script, "--help")
    assert done.returncode == 0, done.stderr
    assert "--quick" in done.stdout
    assert "--report-dir" in done.stdout


@pytest.mark.parametrize("script", ["bench_conformance.py", "bench_remote.py"])
def test_a_missing_schemathesis_is_one_line_saying_how_to_install_it(
    run_script: RunScript, tmp_path: Path, script: str
) -> None:
    done = run_script(script, "--quick", "--schemathesis", str(tmp_path / "absent"))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "pip install schemathesis" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_validation_benchmark_writes_samples_medians_and_goals(
    run_script: RunScript, tmp_path: Path
) -> None:
    done = run_script(
        "bench_validation.py", "--quick", "--rounds", "1", "--report-dir", str(tmp_path)
    )
    assert done.returncode == 0, done.stderr
    assert "fast/ref" in done.stdout
    report = json.loads((tmp_path / "validation.json").read_text())
    assert report["machine"]["nproc"] >= 1
    assert len(report["results"]) == 4
    for result in report["results"]:
        assert len(result["microseconds_per_response"]["fast"]["samples"]) == 1
        assert result["goal"]["comparison"] == "<="
    assert isinstance(report["all_goals_hold"], bool)


@pytest.mark.slow
@pytest.mark.usefixtures("nginx_and_wrk")
def test_reports_benchmark_writes_the_ratio_the_backlog_and_the_memory_samples(
    run_script: RunScript, tmp_path: Path
) -> None:
    done = run_script(
        "bench_reports.py",
        *("--quick", "--rounds", "1", "--duration", "1", "--memory-requests", "200"),
        *("--report-dir", str(tmp_path)),
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "reports.json").read_text())
    assert set(report["requests_per_s"]) == {"reports on", "reports off"}
    assert report["after_the_load"]["drained"] is True
    assert report["after_the_load"]["every_final_report_pushed"] is True
    assert report["after_the_load"]["receiver"]["reports"] > 0
    on_run = report["wrk_runs"]["reports on"][0]
    assert {"push_backlog", "push_backlog_s", "cpu_us_per_request"} <= set(on_run)
    memory = json.loads((tmp_path / "reports_memory.json").read_text())
    assert memory["memory"]["samples"][-1]["remembered"] > 0
