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
    budget = run.summary["target"]["live_budget"]
    assert budget["max_messages"] == 7 and len(sent) <= budget["sent"] <= 7
    assert run.summary["tests"]["skipped"] > 0  # the budget ran out: the rest were skipped


def test_xdist_workers_shares_of_the_budget_add_up_to_it_exactly() -> None:
    from sms_acceptance.conformance.plugin._plugin import _budget_share

    for budget, workers in ((1, 2), (7, 3), (50, 4), (3, 8)):
        shares = [_budget_share(budget, workers, f"gw{i}") for i in range(workers)]
        assert sum(shares) == budget and max(shares) - min(shares) <= 1


def test_an_xdist_worker_refuses_a_target_its_own_command_line_did_not_allow() -> None:
    import dataclasses
    from pathlib import Path

    from sms_acceptance.conformance.checks import VendorProfile
    from sms_acceptance.conformance.plugin import SuiteOptions
    from sms_acceptance.conformance.plugin._plugin import _check_worker_target
    from sms_acceptance.conformance.transport import BaseUrl

    own = SuiteOptions(
        base=BaseUrl.parse("https://api.vendor.invalid"),
        endpoint_path="/sms/1/text/advanced",
        authorization=SECRET,
        level="should",
        vendor_profile=VendorProfile(),
        allow_live_traffic=True,
        max_messages=5,
        test_destinations=("41790000001",),
        report_dir=Path("reports"),
    )
    _check_worker_target(own, "https://api.vendor.invalid")
    _check_worker_target(own, "http://127.0.0.1:8080")
    with pytest.raises(
        pytest.UsageError, match=r"allowed only for https://api\.vendor\.invalid:443"
    ):
        _check_worker_target(own, "https://collector.invalid")
    without_permission = dataclasses.replace(own, allow_live_traffic=False)
    with pytest.raises(pytest.UsageError, match="--allow-live-traffic"):
        _check_worker_target(without_permission, "https://api.vendor.invalid")


@pytest.mark.slow
def test_a_live_run_on_two_xdist_workers_stays_within_one_budget(
    suite: Callable[..., SuiteRun],
) -> None:
    app = RecordingApp(create_app(SandboxConfig(authorization=SECRET)))
    with serve_on_loopback(app) as server:
        port = server.port
        run = suite(
            "--base-url", f"http://127.1:{port}", "--allow-live-traffic",
            "--test-destination", "41790000001", "--max-messages", "3",
            "--hypothesis-profile", "quick", "-n", "2",
        )  # fmt: skip
    assert run.returncode == 0, run.output[-3000:]
    assert 0 < len(app.destinations()) <= 3
    # The guard counts every destination it admitted, also in requests the recorder cannot read
    # (mutated JSON), so its count is the upper one.
    budget = run.summary["target"]["live_budget"]
    assert budget["max_messages"] == 3 and len(app.destinations()) <= budget["sent"] <= 3
