"""A server that never answers gives a named, categorised failure quickly, never a hung run.

The whole suite against a socket that accepts and then says nothing: every request hits the
deadline, three in a row mark the target unresponsive, and the rest of the run is skipped instead
of waiting out every test. The verdict names `response_within_timeout` with category `deadline`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from ._raw_server import wire_server
from .conftest import SuiteRun

pytestmark = pytest.mark.slow


def test_a_hanging_server_fails_response_within_timeout_in_bounded_time(
    suite: Callable[..., SuiteRun],
) -> None:
    with wire_server(lambda connection: time.sleep(15)) as server:
        started = time.monotonic()
        run = suite(
            "--base-url", server.base_url, "--request-timeout", "1",
            "--hypothesis-profile", "quick", timeout=120,
        )  # fmt: skip
        elapsed = time.monotonic() - started
    assert run.returncode == 1, run.output[-2000:]
    assert run.failed_checks() == {"response_within_timeout"}
    failure = run.check("response_within_timeout")["failures"][0]
    assert failure["category"] in {"deadline", "read_timeout"}
    assert failure["response"] is None
    assert run.summary["tests"]["skipped"] > 50
    assert elapsed < 60
