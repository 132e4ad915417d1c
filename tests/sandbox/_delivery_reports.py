"""Helpers for the delivery-report tests: a sandbox with a report configuration, and its calls.

Times are compressed the way a user would: `time_scale=0.001` makes the provider's minute 60 ms,
so retry 1 comes 120 ms after the first attempt and retry 2 300 ms after the second (D11).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import httpx

from sms_acceptance.sandbox import RunningSandbox, SandboxConfig, running_sandbox
from sms_acceptance.sandbox._report_config import ReportConfig

from .conftest import CREDENTIAL

HEADERS = {"Authorization": CREDENTIAL}
#: A quick lifecycle: final status after 200 ms, batches sent 10 ms after their first report.
FAST = ReportConfig(delay_ms=200, batch_wait_ms=10, time_scale=0.001, seed=13)


@contextmanager
def sandbox_with_reports(**overrides: Any) -> Iterator[RunningSandbox]:
    """A sandbox in this process whose report lifecycle is `FAST` with `overrides`."""
    config = SandboxConfig(authorization=CREDENTIAL, reports=replace(FAST, **overrides))
    with running_sandbox(config) as sandbox:
        yield sandbox


def send(sandbox: RunningSandbox, *messages: dict[str, Any], **top: Any) -> dict[str, Any]:
    """POST a request with `messages`; the 200 answer (anything else fails the test)."""
    response = httpx.post(
        sandbox.endpoint_url, json={**top, "messages": list(messages)}, headers=HEADERS, timeout=10
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def get(sandbox: RunningSandbox, path: str, **params: Any) -> httpx.Response:
    """An authorised GET on the sandbox."""
    return httpx.get(sandbox.base_url + path, params=params, headers=HEADERS, timeout=10)


def stats(sandbox: RunningSandbox) -> dict[str, Any]:
    """The lifecycle's counters (`/sandbox/reports/stats`)."""
    counters: dict[str, Any] = get(sandbox, "/sandbox/reports/stats").json()
    return counters


def wait_for_stat(sandbox: RunningSandbox, name: str, value: int, timeout: float = 10) -> None:
    """Wait until counter `name` reaches `value` (fails with the counters if it does not)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stats(sandbox)[name] >= value:
            return
        time.sleep(0.02)
    raise AssertionError(f"{name} did not reach {value}: {json.dumps(stats(sandbox))}")


def reports_of(bodies: list[bytes]) -> list[dict[str, Any]]:
    """Every report in JSON push bodies, in arrival order."""
    return [report for body in bodies for report in json.loads(body)["results"]]
