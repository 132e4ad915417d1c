"""A proxy or TLS setting that cannot work stops the run before any connection, with one line.

The targets are `*.invalid` names (they cannot resolve), and every case fails while the options
are read, before the suite's probe or Locust's first user.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .._child_process import child_environment, run_child, without_proxies
from ..conformance._suite_runner import run_suite

REPO = Path(__file__).resolve().parents[2]
LOCUST = Path(sys.executable).with_name("locust")
TARGET = "https://sms.gateway.invalid"
LIVE = ["--allow-live-traffic", "--test-destination", "41793026727"]


def environment(**extra: str) -> dict[str, str | None]:
    """No proxy, no CA file of this machine's; `extra` on top; a credential (never sent)."""
    return {
        **without_proxies(),
        "SMS_ACCEPTANCE_AUTHORIZATION": "App usage-error-test",
        "SSL_CERT_FILE": None,
        **extra,
    }


CASES = [
    ({"HTTPS_PROXY": "socks5://proxy.invalid:1080"}, [], "$HTTPS_PROXY: socks5:// proxies"),
    ({}, ["--proxy", "http://proxy.invalid:99999"], "--proxy: 'http://proxy.invalid:99999'"),
    ({}, ["--ca-bundle", "/nonexistent/ca.pem"], "--ca-bundle '/nonexistent/ca.pem': no such"),
    ({"SSL_CERT_FILE": "/nonexistent/ca.pem"}, [], "$SSL_CERT_FILE '/nonexistent/ca.pem'"),
    ({}, ["--client-key", "/nonexistent/key.pem"], "--client-key needs --client-cert"),
]


@pytest.mark.parametrize(("env", "options", "message"), CASES)
def test_the_suite_stops_with_one_line_and_exit_4(
    tmp_path: Path, env: dict[str, str], options: list[str], message: str
) -> None:
    completed = run_suite(
        f"--base-url={TARGET}",
        *LIVE,
        *options,
        report_dir=tmp_path,
        authorization="App usage-error-test",
        timeout=120,
        variables=environment(**env),
    )
    assert completed.returncode == 4
    errors = [line for line in completed.stderr.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 1 and message in errors[0], completed.stderr
    assert "Traceback" not in completed.stderr


@pytest.mark.slow
@pytest.mark.parametrize(("env", "options", "message"), CASES)
def test_locust_stops_with_one_line_and_exit_2(
    tmp_path: Path, env: dict[str, str], options: list[str], message: str
) -> None:
    command = [str(LOCUST), "-f", str(REPO / "loadtests"), "--headless", "-t", "1s"]
    command += ["--host", TARGET, "--report-dir", str(tmp_path), *LIVE, *options]
    completed = run_child(
        command, cwd=tmp_path, env=child_environment(environment(**env)), timeout=120
    )
    assert completed.returncode == 2
    errors = [line for line in completed.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and message in errors[0], completed.stderr
    assert "Traceback" not in completed.stderr
