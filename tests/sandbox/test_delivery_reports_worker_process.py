"""The report worker process (`ReportConfig.worker="process"`, the command line's default).

Moving the lifecycle out of the serving process must change nothing a client can see: every D
test of the push, XML and intermediate, retry, pull and log, lifecycle and fault modules runs here
again with the lifecycle in a process of its own (the push-safety tests spy on this process's
sockets and log records, so they stay with the inline lifecycle). Then the worker's own
behaviours: it is another process, it ends with its sandbox, and if it dies the sandbox says so
in one error line and the report routes answer at once instead of hanging.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from sms_acceptance.sandbox import SandboxConfig, SandboxProcess
from sms_acceptance.sandbox._command import config_from_arguments

from . import _delivery_reports
from . import test_delivery_reports_d1_d8_push as _d1_d8
from . import test_delivery_reports_d9_d10_xml_and_intermediate as _d9_d10
from . import test_delivery_reports_d11_retries as _d11
from . import test_delivery_reports_d13_d14_pull_and_logs as _d13_d14
from . import test_delivery_reports_faults as _faults
from . import test_delivery_reports_lifecycle as _lifecycle
from ._delivery_reports import get, sandbox_with_reports, send, stats
from .test_delivery_reports_cli import _parse

pytestmark = pytest.mark.slow  # every sandbox here starts a worker process

_AGAIN: tuple[ModuleType, ...] = (_d1_d8, _d9_d10, _d11, _d13_d14, _faults, _lifecycle)
for _module in _AGAIN:
    for _name, _test in vars(_module).items():
        if _name.startswith("test_") and callable(_test):
            assert _name not in globals(), f"two report tests are named {_name}"
            globals()[_name] = _test  # collected again here, under the fixture below


@pytest.fixture(autouse=True)
def _lifecycle_in_a_worker_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every sandbox `sandbox_with_reports` starts in this module keeps reports in a worker."""
    fast = replace(_delivery_reports.FAST, worker="process")
    monkeypatch.setattr(_delivery_reports, "FAST", fast)
    yield


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return status[status.rindex(")") + 2] != "Z"  # a zombie has exited


def _wait_until_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_the_command_line_runs_reports_in_a_worker_process_unless_told_inline() -> None:
    assert config_from_arguments(_parse()).reports.worker == "process"
    assert config_from_arguments(_parse("--report-worker", "inline")).reports.worker == "inline"
    assert SandboxConfig(authorization="App k").reports.worker == "inline"  # embedded: one process


def test_the_worker_is_a_process_of_its_own() -> None:
    with sandbox_with_reports() as sandbox:
        send(sandbox, {"destinations": [{"to": "41793026727"}]})
        pid = stats(sandbox)["worker_pid"]
        assert pid != os.getpid()
        assert _alive(pid)


def test_a_dead_worker_is_one_error_line_and_a_500_envelope_not_a_hang(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("ERROR", logger="sms_acceptance.sandbox.reports")
    with sandbox_with_reports() as sandbox:
        send(sandbox, {"destinations": [{"to": "41793026727"}]})
        pid = stats(sandbox)["worker_pid"]
        os.kill(pid, signal.SIGKILL)
        assert _wait_until_gone(pid)
        answers = []
        for _ in range(3):
            answers.append(get(sandbox, "/sms/1/reports"))  # httpx's timeout: no hang
        # Sending goes on: the send path does not depend on the worker (nothing is tracked).
        after = send(sandbox, {"destinations": [{"to": "41793026728"}]})
    assert [a.status_code for a in answers] == [500, 500, 500]
    assert answers[0].json()["requestError"]["serviceException"]["messageId"] == "GENERAL_ERROR"
    assert after["messages"][0]["status"]["groupName"] == "PENDING"
    lines = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(lines) == 1, lines
    assert f"delivery-report worker process (pid {pid}) exited" in lines[0]
    assert "\n" not in lines[0]


def test_the_worker_ends_with_the_sandbox_command() -> None:
    key = "App worker-process-test-1f3a"
    with SandboxProcess(SandboxConfig(authorization=key)) as process:
        response = httpx.get(
            process.base_url + "/sandbox/reports/stats", headers={"Authorization": key}
        )
        pid = response.json()["worker_pid"]
        assert _alive(pid)
    assert _wait_until_gone(pid)


def test_a_pull_right_after_a_send_sees_the_message_accepted_before_it() -> None:
    # The accepted request waits up to a millisecond in the serving process before going to the
    # worker; a report route's question goes after it, never before.
    with sandbox_with_reports(delay_ms=60_000) as sandbox:
        answer = send(sandbox, {"destinations": [{"to": "41793026727"}]})
        logs = get(sandbox, "/sms/1/logs").json()["results"]
    assert [e["messageId"] for e in logs] == [answer["messages"][0]["messageId"]]
