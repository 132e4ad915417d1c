"""Fixtures for the load tests: real Locust runs in subprocesses against real sandboxes.

Every run is bounded (a few seconds of load, a subprocess timeout) and targets 127.0.0.1 only:
either the sandbox Locust starts itself (no `--host`) or one started here with injected faults.
"""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sms_acceptance.sandbox import FaultConfig, SandboxConfig, SandboxProcess

from .._child_process import child_environment, run_child

REPO = Path(__file__).resolve().parents[2]
LOADTESTS = REPO / "loadtests"
LOCUST = Path(sys.executable).with_name("locust")
SECRET = "App s3cr3t-load-key-7d1f0c"
"""A credential distinctive enough that finding it anywhere in an output is a leak."""
RUN_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class LocustRun:
    """A finished `locust -f loadtests` run: exit code, outputs and the report directory."""

    returncode: int
    stdout: str
    stderr: str
    report_dir: Path

    @property
    def summary(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.report_dir / "summary.json").read_text("utf-8"))
        return data

    def written_text(self) -> str:
        """Everything the run printed or wrote, for leak checks."""
        files = [p.read_text("utf-8", "replace") for p in self.report_dir.rglob("*") if p.is_file()]
        return "\n".join([self.stdout, self.stderr, *files])


RunLocust = Callable[..., LocustRun]


@pytest.fixture
def run_locust(tmp_path: Path) -> RunLocust:
    """Run `locust -f loadtests --headless ARGS` in `tmp_path` (its own cwd, so no stray
    locust.conf is read), the credential given only through the environment."""

    def run(*args: str, env: Mapping[str, str] | None = None, authorize: bool = True) -> LocustRun:
        report_dir = tmp_path / "reports"
        environment = child_environment(
            {"SMS_ACCEPTANCE_AUTHORIZATION": SECRET if authorize else None, **(env or {})}
        )
        completed = run_child(
            [
                str(LOCUST),
                "-f",
                str(LOADTESTS),
                "--headless",
                "--only-summary",
                "--report-dir",
                str(report_dir),
                "--payload-pool",
                "4",
                *args,
            ],
            cwd=tmp_path,
            env=environment,
            timeout=RUN_TIMEOUT_SECONDS,
        )
        return LocustRun(completed.returncode, completed.stdout, completed.stderr, report_dir)

    return run


@pytest.fixture
def sandbox_with() -> Iterator[Callable[[FaultConfig], str]]:
    """Start sandboxes (child processes on free loopback ports) with the given faults; base URLs."""
    started: list[SandboxProcess] = []

    def start(faults: FaultConfig) -> str:
        process = SandboxProcess(SandboxConfig(authorization=SECRET, faults=faults))
        process.start()
        started.append(process)
        return process.base_url

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def free_port() -> int:
    """A loopback port free right now (for a master's bind port: never Locust's shared 5557)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
