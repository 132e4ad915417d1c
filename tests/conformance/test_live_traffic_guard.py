"""Against a non-loopback URL nothing is sent unless allowed; then only to test numbers, bounded.

No test ever reaches a non-loopback address: `http://127.1:PORT` is one the guard deliberately
treats as *not* loopback (a shorthand form it will not vouch for) while it still reaches a server
on 127.0.0.1 here, so the tests can see exactly what would have been sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from sms_acceptance.sandbox import SandboxConfig, create_app, serve_on_loopback

from ._raw_server import wire_server
from .conftest import SECRET, RecordingApp, SuiteRun


def test_non_loopback_url_is_refused_before_any_connection(
    suite: Callable[..., SuiteRun],
) -> None:
    with wire_server(lambda connection: None) as server:
        port = server.base_url.rsplit(":", 1)[1]
        run = suite("--base-url", f"http://127.1:{port}")
        time.sleep(0.3)  # a connection, had one been made, would have been accepted by now
    assert run.returncode == 4
    assert "refusing to send to http://127.1:" in run.output
    assert "--allow-live-traffic" in run.output
    assert server.connections == 0


def test_live_traffic_needs_test_destinations(suite: Callable[..., SuiteRun]) -> None:
    with wire_server(lambda connection: None) as server:
        port = server.base_url.rsplit(":", 1)[1]
        run = suite("--base-url", f"http://127.1:{port}", "--allow-live-traffic")
    assert run.returncode == 4
    assert "needs at least one --test-destination" in run.output
    assert server.connections == 0


@pytest.mark.slow
def test_allowed_live_run_sends_only_to_test_numbers_within_the_budget(
    suite: Callable[..., SuiteRun],
) -> None:
    app = RecordingApp(create_app(SandboxConfig(authorization=SECRET)))
    with serve_on_loopback(app, log_level="error") as server:
        run = suite(
            "--base-url", f"http://127.1:{server.port}", "--allow-live-traffic",
            "--test-destination", "41790000001", "--test-destination", "41790000002",
            "--max-messages", "7", "--hypothesis-profile", "quick",
        )  # fmt: skip
    sent = app.destinations()
    assert run.returncode == 0, run.output[-3000:]
    assert 0 < len(sent) <= 7
    assert set(sent) <= {"41790000001", "41790000002"}
    assert run.summary["target"]["live_traffic"] is True
    assert run.summary["tests"]["skipped"] > 0  # the budget ran out: the rest were skipped
