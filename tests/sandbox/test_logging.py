"""The sandbox logs one line per request at debug level only, and never the credential."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from sms_acceptance.sandbox import (
    AUTHORIZATION_ENV,
    READY_PREFIX,
    REQUEST_LOGGER_NAME,
    SandboxConfig,
    running_sandbox,
)

from .conftest import ENDPOINT, read_line_within

KEY = "log-test-key-c0ffee42"
CREDENTIAL = f"App {KEY}"
CLEAN = {"messages": [{"destinations": [{"to": "41793026727"}], "text": "Hello"}]}
HEADERS_SENT = [
    {"Authorization": CREDENTIAL},
    {"Authorization": "App wrong"},
    {"Authorization": CREDENTIAL, "Content-Type": "text/plain"},
    {},
]


def exercise(base_url: str) -> None:
    """One request for each path through the sandbox: 200, 401 (two kinds), 400, 404."""
    with httpx.Client(base_url=base_url, timeout=10) as client:
        for headers in HEADERS_SENT:
            client.post(ENDPOINT, json=CLEAN, headers=headers)
        client.post("/nowhere", json=CLEAN, headers={"Authorization": CREDENTIAL})


def test_debug_level_logs_one_line_per_request_without_the_credential(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with (
        caplog.at_level(logging.DEBUG),
        running_sandbox(SandboxConfig(authorization=CREDENTIAL)) as sandbox,
    ):
        exercise(sandbox.base_url)
    request_lines = [r for r in caplog.records if r.name == REQUEST_LOGGER_NAME]
    assert len(request_lines) == len(HEADERS_SENT)  # the endpoint's requests; 404 is the router's
    assert all(r.levelno == logging.DEBUG for r in request_lines)
    assert KEY not in caplog.text


def test_above_debug_level_the_sandbox_logs_nothing_per_request(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with (
        caplog.at_level(logging.INFO),
        running_sandbox(SandboxConfig(authorization=CREDENTIAL)) as sandbox,
    ):
        exercise(sandbox.base_url)
    assert [r for r in caplog.records if r.name == REQUEST_LOGGER_NAME] == []


@pytest.mark.slow
def test_cli_at_debug_level_never_logs_the_credential() -> None:
    script = Path(sys.executable).with_name("sms-acceptance")
    process = subprocess.Popen(
        [str(script), "sandbox", "--port", "0", "--log-level", "debug"],
        env={"PATH": "/usr/bin:/bin", AUTHORIZATION_ENV: CREDENTIAL},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = read_line_within(process)
        assert line.startswith(READY_PREFIX)
        exercise(line[len(READY_PREFIX) :].split()[0])
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=15)
    assert process.returncode == 0
    request_lines = [x for x in stderr.splitlines() if f"{REQUEST_LOGGER_NAME}: POST" in x]
    assert len(request_lines) == len(HEADERS_SENT)
    assert KEY not in stderr + stdout + line
