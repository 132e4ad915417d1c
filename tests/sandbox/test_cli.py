"""`sms-acceptance sandbox` run as a real subprocess: it serves, and bad options get one line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from sms_acceptance.sandbox import AUTHORIZATION_ENV, READY_PREFIX

from .conftest import ENDPOINT, read_line_within

KEY = "cli-test-key-5f1c0e"
CLEAN = {"messages": [{"destinations": [{"to": "41793026727"}], "text": "Hello"}]}


def command() -> list[str]:
    """The installed console script next to this interpreter."""
    script = Path(sys.executable).with_name("sms-acceptance")
    if not script.exists():
        pytest.fail(f"the console script is not installed: {script}")
    return [str(script), "sandbox"]


def environment(credential: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != AUTHORIZATION_ENV}
    if credential is not None:
        env[AUTHORIZATION_ENV] = credential
    return env


def run_to_error(arguments: Sequence[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    """Exit status and stderr of a sandbox command expected to stop at once."""
    finished = subprocess.run(
        [*command(), *arguments],
        env=env or environment(),
        capture_output=True,
        text=True,
        timeout=30,
    )
    return finished.returncode, finished.stderr


@contextmanager
def serving(
    arguments: Sequence[str], env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """A sandbox CLI process and its base URL (from its ready line); SIGTERM on exit."""
    process = subprocess.Popen(
        [*command(), *arguments],
        env=env or environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = read_line_within(process)
        assert line.startswith(READY_PREFIX), line + (
            process.stderr.read() if process.stderr else ""
        )
        yield line[len(READY_PREFIX) :].split()[0], process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        process.wait(15)


pytestmark = pytest.mark.slow  # each test starts a Python process (about a second each)


def test_cli_serves_on_the_given_port_until_terminated() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with serving(["--port", str(port), "--authorization", f"App {KEY}"]) as (url, process):
        assert url == f"http://127.0.0.1:{port}"
        response = httpx.post(url + ENDPOINT, json=CLEAN, headers={"Authorization": f"App {KEY}"})
        assert response.status_code == 200
    assert process.returncode == 0


def test_cli_takes_the_credential_from_the_environment() -> None:
    with serving(["--port", "0"], env=environment(f"IBSSO {KEY}\nApp other")) as (url, _):
        for header in (f"IBSSO {KEY}", "App other"):
            response = httpx.post(url + ENDPOINT, json=CLEAN, headers={"Authorization": header})
            assert response.status_code == 200


def test_cli_fault_options_reach_the_sandbox() -> None:
    arguments = ["--authorization", f"App {KEY}", "--error-rate", "429=1", "--seed", "3"]
    with serving(arguments) as (url, _):
        response = httpx.post(url + ENDPOINT, json=CLEAN, headers={"Authorization": f"App {KEY}"})
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--port", "70000"], "expected a port number"),
        (["--port", "http"], "expected a port number"),
        (["--error-rate", "503"], "expected STATUS=FRACTION"),
        (["--error-rate", "503=lots"], "expected STATUS=FRACTION"),
        (["--error-rate", "418=0.1"], "cannot inject status 418"),
        (["--error-rate", "503=1.5"], "between 0 and 1"),
        (["--error-rate", "503=0.6", "--error-rate", "429=0.6"], "add up to more than 1"),
        (["--latency-distribution", "gaussian"], "invalid choice"),
        (["--latency-ms", "-5"], "latency_ms must be"),
        (["--stall-rate", "0.5"], "needs stall_seconds"),
        (["--log-level", "trace"], "invalid choice"),
        (["--endpoint-path", "sms"], "must start with '/'"),
        (["--no-such-option"], "unrecognized arguments"),
        (["--host", "no-such-host.invalid"], "cannot listen on"),
    ],
)
def test_cli_bad_option_is_one_line_and_exit_status_2(arguments: list[str], expected: str) -> None:
    status, stderr = run_to_error(["--authorization", f"App {KEY}", "--port", "0", *arguments])
    assert status == 2
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert expected in stderr
    assert KEY not in stderr


def test_cli_port_in_use_is_one_line_and_exit_status_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status, stderr = run_to_error(["--port", str(port), "--authorization", f"App {KEY}"])
    assert status == 2
    assert stderr.strip().splitlines() == [
        f"sms-acceptance sandbox: error: cannot listen on 127.0.0.1:{port}: address already in use"
    ]


def test_cli_without_a_credential_is_one_line_and_exit_status_2() -> None:
    status, stderr = run_to_error(["--port", "0"])
    assert status == 2
    assert len(stderr.strip().splitlines()) == 1
    assert AUTHORIZATION_ENV in stderr


@pytest.mark.parametrize("value", [KEY, f"Token {KEY}", "App"])
def test_cli_malformed_credential_is_refused_without_echoing_it(value: str) -> None:
    status, stderr = run_to_error(["--port", "0", "--authorization", value])
    assert status == 2
    assert len(stderr.strip().splitlines()) == 1
    assert KEY not in stderr


def test_cli_without_a_subcommand_prints_usage_and_exits_2() -> None:
    script = command()[0]
    finished = subprocess.run([script], capture_output=True, text=True, timeout=30)
    assert finished.returncode == 2
    assert "usage: sms-acceptance" in finished.stderr
