"""Report faults (off by default) for testing report checkers: each one, at a share of 1, does
exactly what it says, and breaks the rule it is meant to break."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from sms_acceptance import schema_violations
from sms_acceptance.sandbox._report_config import ReportConfig, ReportFaultConfig

from ._delivery_reports import get, sandbox_with_reports, send, stats, wait_for_stat
from ._report_receiver import report_receiver


def _only(fault: str) -> ReportFaultConfig:
    """The fault configuration with `fault` at a share of 1 and nothing else."""
    config: ReportFaultConfig = replace(ReportFaultConfig(), **{fault: 1.0})  # type: ignore[arg-type]
    return config


MESSAGE = {"destinations": [{"to": "41793026727"}], "callbackData": "cb"}


def test_no_report_fault_is_on_by_default() -> None:
    assert not ReportConfig().faults.enabled


def test_lost_reports_are_neither_pushed_nor_pullable() -> None:
    with (
        report_receiver() as receiver,
        sandbox_with_reports(faults=ReportFaultConfig(lost=1.0)) as sandbox,
    ):
        send(sandbox, {**MESSAGE, "notifyUrl": receiver.base_url})
        wait_for_stat(sandbox, "lost", 1)
        time.sleep(0.2)
        assert receiver.pushes == []
        assert get(sandbox, "/sms/1/reports").json() == {"results": []}


def test_duplicated_reports_come_again_after_the_2xx_D1() -> None:
    with (
        report_receiver() as receiver,
        sandbox_with_reports(faults=ReportFaultConfig(duplicated=1.0)) as sandbox,
    ):
        send(sandbox, {**MESSAGE, "notifyUrl": receiver.base_url})
        pushes = receiver.wait_for(2, timeout=10)
        time.sleep(0.3)
        assert len(receiver.pushes) == 2
    assert pushes[0].body == pushes[1].body


def test_late_reports_arrive_after_the_delay_plus_late_seconds() -> None:
    with (
        report_receiver() as receiver,
        sandbox_with_reports(faults=ReportFaultConfig(late=1.0, late_seconds=0.5)) as sandbox,
    ):
        sent = time.monotonic()
        send(sandbox, {**MESSAGE, "notifyUrl": receiver.base_url})
        pushes = receiver.wait_for(1, timeout=10)
    assert pushes[0].at - sent >= 0.2 + 0.5


@pytest.mark.parametrize(
    ("fault", "check"),
    [
        ("wrong_message_id", lambda r, a: r["messageId"] != a["messages"][0]["messageId"]),
        ("without_callback_data", lambda r, a: "callbackData" not in r),
        ("colon_offset", lambda r, a: r["sentAt"].endswith("+00:00")),
    ],
)
def test_a_fault_breaks_its_rule_in_push_and_pull(fault: str, check: object) -> None:
    with (
        report_receiver() as receiver,
        sandbox_with_reports(faults=_only(fault)) as sandbox,
    ):
        answer = send(sandbox, {**MESSAGE, "notifyUrl": receiver.base_url})
        pushed = receiver.wait_for_reports(1, timeout=10)[0]
        pulled = get(sandbox, "/sms/1/reports").json()["results"][0]
    assert callable(check)
    assert check(pushed, answer) and check(pulled, answer)
    violations = schema_violations("report", pushed)
    assert (fault == "colon_offset") == bool(violations)  # D7 is the one a schema sees


def test_no_retry_sends_a_failed_batch_once_D11() -> None:
    with (
        report_receiver() as receiver,
        sandbox_with_reports(faults=ReportFaultConfig(no_retry=True)) as sandbox,
    ):
        receiver.default_status = 500
        send(sandbox, {**MESSAGE, "notifyUrl": receiver.base_url})
        wait_for_stat(sandbox, "reports_dropped_after_retries", 1)
        time.sleep(0.5)
        assert len(receiver.pushes) == 1
        assert stats(sandbox)["retries_scheduled"] == 0


def test_fault_shares_are_drawn_per_report_and_reproducible_with_a_seed() -> None:
    counts = []
    for _ in range(2):
        with sandbox_with_reports(faults=ReportFaultConfig(lost=0.5), delay_ms=10) as sandbox:
            send(sandbox, {"destinations": [{"to": f"417930{n:05d}"} for n in range(200)]})
            wait_for_stat(sandbox, "finals", 200)
            counts.append(stats(sandbox)["lost"])
    assert counts[0] == counts[1]
    assert 60 < counts[0] < 140
