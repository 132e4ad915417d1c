"""`SandboxProcess`: the sandbox in a child process, credential through the environment only."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from sms_acceptance.sandbox import FaultConfig, SandboxConfig, SandboxProcess, SandboxStartError

from .conftest import ENDPOINT

KEY = "process-test-key-8d2b41"
CLEAN = {"messages": [{"destinations": [{"to": "41793026727"}], "text": "Hello"}]}

pytestmark = pytest.mark.slow  # each test starts a Python process


def test_sandbox_process_serves_until_stopped() -> None:
    process = SandboxProcess(SandboxConfig(authorization=f"App {KEY}"))
    with process:
        assert process.base_url.startswith("http://127.0.0.1:")
        response = httpx.post(
            process.base_url + ENDPOINT, json=CLEAN, headers={"Authorization": f"App {KEY}"}
        )
        assert response.status_code == 200
        assert process.returncode is None
    assert process.returncode == 0  # terminated, shut down cleanly, and reaped


def test_sandbox_process_credential_is_not_on_its_command_line() -> None:
    with SandboxProcess(SandboxConfig(authorization=f"App {KEY}")) as process:
        command_line = Path(f"/proc/{process.pid}/cmdline").read_bytes()
    assert b"sms_acceptance.sandbox" in command_line
    assert KEY.encode() not in command_line


def test_sandbox_process_passes_every_accepted_credential() -> None:
    config = SandboxConfig(authorization=(f"App {KEY}", f"Bearer {KEY}-2"))
    with SandboxProcess(config) as process:
        for header in config.accepted_authorizations:
            response = httpx.post(
                process.base_url + ENDPOINT, json=CLEAN, headers={"Authorization": header}
            )
            assert response.status_code == 200


def test_sandbox_process_passes_the_faults() -> None:
    faults = FaultConfig(error_fractions={503: 0.5}, seed=4, latency_ms=1)
    config = SandboxConfig(authorization=f"App {KEY}", faults=faults)
    with (
        SandboxProcess(config) as process,
        httpx.Client(base_url=process.base_url, timeout=10) as client,
    ):
        answered = [
            client.post(ENDPOINT, json=CLEAN, headers={"Authorization": f"App {KEY}"})
            for _ in range(20)
        ]
    assert {r.status_code for r in answered} == {200, 503}


def test_sandbox_process_on_a_busy_port_fails_with_one_line() -> None:
    config = SandboxConfig(authorization=f"App {KEY}")
    with SandboxProcess(config) as first:
        busy = SandboxProcess(config, port=first.running.port, startup_timeout=20)
        with pytest.raises(SandboxStartError, match="exited with status 2"):
            busy.start()
