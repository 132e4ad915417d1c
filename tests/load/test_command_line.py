"""`locust -f loadtests` command line: the kit's options are Locust's, and bad input is refused
before the run, with one line and exit code 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.load.conftest import SECRET, RunLocust


def test_help_lists_the_kit_options_and_never_the_credential() -> None:
    # `locust --help` is printed before locustfiles load (locustio/locust#2917); this module
    # prints the same page with the kit's options, built by the same parser hook.
    run = subprocess.run(
        [sys.executable, "-m", "sms_acceptance.load", "--help"],
        env={**os.environ, "SMS_ACCEPTANCE_AUTHORIZATION": SECRET},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0
    for option in (
        "--authorization",
        "--endpoint-path",
        "--arrival-rate",
        "--threshold",
        "--validate-fraction",
        "--report-dir",
        "--allow-live-traffic",
        "--max-messages",
        "--test-destination",
    ):
        assert option in run.stdout
    assert "s3cr3t" not in run.stdout + run.stderr
    assert "--help" in run.stdout  # and Locust's own options are all there too


def test_bad_threshold_is_refused_before_the_run_with_one_line(run_locust: RunLocust) -> None:
    run = run_locust("--threshold", "p95<fast", "-t", "1s")
    assert run.returncode == 2
    (line,) = [line for line in run.stderr.splitlines() if line.strip()]
    assert "p95<fast" in line and "unit" in line
    assert not (run.report_dir / "summary.json").exists()


def test_non_loopback_host_without_allow_live_traffic_is_refused_with_one_line(
    run_locust: RunLocust,
) -> None:
    run = run_locust("--host", "https://api.example.com", "-t", "1s")
    assert run.returncode == 2
    refusal = [line for line in run.stderr.splitlines() if "refusing" in line]
    assert len(refusal) == 1 and "--allow-live-traffic" in refusal[0]
    assert "Traceback" not in run.stderr
    assert SECRET not in run.stdout + run.stderr


def test_host_without_a_credential_is_refused_with_one_line(run_locust: RunLocust) -> None:
    run = run_locust("--host", "http://127.0.0.1:9", "-t", "1s", authorize=False)
    assert run.returncode == 2
    assert "--host needs --authorization" in run.stderr
    assert "Traceback" not in run.stderr


def test_report_dir_that_cannot_be_created_is_refused_before_the_run(
    run_locust: RunLocust,
) -> None:
    run = run_locust("-t", "1s", "--report-dir", "/proc/no-such-dir/reports", "SingleDestination")
    assert run.returncode == 2
    assert "--report-dir '/proc/no-such-dir/reports' cannot be created" in run.stderr
    assert "Traceback" not in run.stderr
