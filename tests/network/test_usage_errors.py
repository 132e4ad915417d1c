"""A proxy or TLS setting that cannot work stops the run before any connection, with one line.

The targets are `*.invalid` names (they cannot resolve), and every case fails while the options
are read, before the suite's probe or Locust's first user.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LOCUST = Path(sys.executable).with_name("locust")
TARGET = "https://sms.gateway.invalid"
LIVE = ["--allow-live-traffic", "--test-destination", "41793026727"]


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env = {k: v for k, v in env.items() if not k.startswith(("PYTEST_", "LOCUST_"))}
    env["SMS_ACCEPTANCE_AUTHORIZATION"] = "App usage-error-test"
    env.pop("SSL_CERT_FILE", None)
    env.update(extra)
    return env


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
    command = [sys.executable, "-m", "pytest", "conformance", "-p", "no:cacheprovider"]
    command += [f"--base-url={TARGET}", f"--report-dir={tmp_path}", *LIVE, *options]
    completed = subprocess.run(
        command,
        cwd=REPO,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
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
    completed = subprocess.run(
        command,
        cwd=tmp_path,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 2
    errors = [line for line in completed.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and message in errors[0], completed.stderr
    assert "Traceback" not in completed.stderr
