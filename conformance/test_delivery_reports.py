"""Delivery reports (rules.md D1-D14): what the server pushes to `notifyUrl`, and what it answers
at `GET /sms/1/reports` and `/sms/1/logs`.

The suite's receiver listens on loopback (or `--receiver-listen`, reached through `--notify-url`);
once per session the requests asking for reports are sent (JSON and XML, with and without
`intermediateReport`, `callbackData` in ASCII, Unicode, 4000 characters, and none; one whose first
final push the receiver refuses with `500`, D11) and their reports awaited together, at most
`--dlr-timeout`. Each test below then applies one named check to everything that arrived.
"""

from __future__ import annotations

import pytest

from sms_acceptance.conformance import ConformanceClient
from sms_acceptance.conformance.checks import CHECKS_BY_NAME, PULL_CHECKS, PUSH_CHECKS
from sms_acceptance.conformance.plugin._dlr_plugin import (
    REPORT_MARK,
    DeliveryReportRun,
    verify_pull_check,
    verify_push_check,
)

pytestmark = getattr(pytest.mark, REPORT_MARK)


def _report_run(request: pytest.FixtureRequest) -> DeliveryReportRun:
    """The session's report run, started by the first test that needs it."""
    run: DeliveryReportRun = request.getfixturevalue("delivery_report_run")
    return run


def _ids(names: list[str]) -> list[str]:
    return [f"{CHECKS_BY_NAME[n].rule_ids[0]}-{n}" for n in names]


@pytest.mark.parametrize("check", list(PUSH_CHECKS), ids=_ids(list(PUSH_CHECKS)))
def test_pushed_reports_meet_their_rule(
    sms: ConformanceClient, request: pytest.FixtureRequest, check: str
) -> None:
    sms.require(check)  # before anything is sent: --level must runs no D check
    verify_push_check(sms, _report_run(request), check)


@pytest.mark.parametrize("check", list(PULL_CHECKS), ids=_ids(list(PULL_CHECKS)))
def test_pulled_reports_and_logs_meet_their_rule(
    sms: ConformanceClient, request: pytest.FixtureRequest, check: str
) -> None:
    sms.require(check)
    verify_pull_check(sms, _report_run(request), check)
