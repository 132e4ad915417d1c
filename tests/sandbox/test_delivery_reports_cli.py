"""`sms-acceptance sandbox` report options: parsed one to one, bad values one line, and the whole
path (CLI process -> loopback receiver) working as the issue's "done when" says."""

from __future__ import annotations

import argparse
import json

import httpx
import pytest

from sms_acceptance import schema_violations
from sms_acceptance.sandbox._command import add_arguments, config_from_arguments

from ._report_receiver import report_receiver
from .conftest import ENDPOINT
from .test_cli import KEY, run_to_error, serving


def _parse(*arguments: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(["--authorization", f"App {KEY}", *arguments])


def test_report_options_map_onto_the_report_configuration() -> None:
    arguments = [
        *("--report-mode", "by-destination"),
        *("--report-share", "undeliverable=0.1", "--report-share", "expired=0.05"),
        *("--report-delay-ms", "250", "--report-delay-distribution", "lognormal"),
        *("--report-time-scale", "0.01", "--report-max-retries", "3"),
        *("--report-push-allow-host", "dlr.example.com"),
        *("--report-max-count", "5000", "--report-retention-seconds", "600"),
        *("--report-fault", "lost=0.1", "--report-fault", "colon-offset=0.2"),
        "--report-no-retry",
    ]
    config = config_from_arguments(_parse(*arguments)).reports
    assert (config.mode, config.undeliverable, config.expired, config.rejected) == (
        "by-destination",
        0.1,
        0.05,
        0.0,
    )
    assert (config.delay_ms, config.delay_distribution, config.time_scale) == (
        250.0,
        "lognormal",
        0.01,
    )
    assert (config.max_retries, config.allowed_push_hosts) == (3, ("dlr.example.com",))
    assert (config.max_reports, config.retention_seconds) == (5000, 600.0)
    assert (config.faults.lost, config.faults.colon_offset, config.faults.no_retry) == (
        0.1,
        0.2,
        True,
    )


def test_reports_are_on_by_default_and_off_with_no_reports() -> None:
    assert config_from_arguments(_parse()).reports.enabled
    assert not config_from_arguments(_parse("--no-reports")).reports.enabled
    assert config_from_arguments(_parse()).reports.allowed_push_hosts == ()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--report-share", "bounced=0.1"], "expected NAME=FRACTION"),
        (["--report-share", "expired=0.7", "--report-share", "rejected=0.7"], "more than 1"),
        (["--report-fault", "late=0.5"], "needs late_seconds"),
        (["--report-push-allow-host", "https://dlr.example.com/x"], "bare host name"),
        (["--report-max-count", "lots"], "expected a whole number"),
    ],
)
def test_cli_bad_report_option_is_one_line_and_exit_status_2(
    arguments: list[str], expected: str
) -> None:
    status, stderr = run_to_error(["--authorization", f"App {KEY}", "--port", "0", *arguments])
    assert status == 2
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert expected in stderr


@pytest.mark.slow
def test_D1_the_cli_sandbox_pushes_the_final_report_to_a_loopback_receiver() -> None:
    arguments = ["--authorization", f"App {KEY}", "--report-delay-ms", "100"]
    with report_receiver() as receiver, serving(arguments) as (url, _):
        message = {
            "destinations": [{"to": "41793026727"}],
            "text": "Hello",
            "callbackData": "cb-1",
            "notifyUrl": receiver.base_url + "/dlr",
        }
        answer = httpx.post(
            url + ENDPOINT, json={"messages": [message]}, headers={"Authorization": f"App {KEY}"}
        ).json()
        pushes = receiver.wait_for(1, timeout=15)
    assert len(pushes) == 1
    body = json.loads(pushes[0].body)
    assert schema_violations("reports", body) == []
    report = body["results"][0]
    assert report["messageId"] == answer["messages"][0]["messageId"]
    assert report["callbackData"] == "cb-1"
