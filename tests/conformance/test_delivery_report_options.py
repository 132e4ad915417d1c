"""Delivery reports in the suite: the vendor profile's D deviations and the report options.

(The D checks themselves are proven by the zoo: `zoo/_report_bugs.py`, one bug per check.)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sms_acceptance.conformance import VendorProfileError, load_profile
from sms_acceptance.conformance.plugin._dlr_plugin import push_skip_reason

from .conftest import SuiteRun
from .test_usage_errors import _assert_one_line_usage_error

REPORT_DEVIATIONS = """
[deviations]
reports_pull = false
reports_xml = false
report_retry_seconds = 90
report_delay_seconds = 120
"""


def test_report_deviations_name_the_checks_they_relax(tmp_path: Path) -> None:
    path = tmp_path / "vendor.toml"
    path.write_text(REPORT_DEVIATIONS, encoding="utf-8")
    profile = load_profile(path)
    deviations = {d.key: d for d in profile.deviations()}
    assert deviations["reports_pull"].checks == ("pull_reports_once", "logs_not_consumed")
    assert deviations["reports_xml"].rule_ids == ("D9",)
    assert deviations["report_retry_seconds"].checks == ("report_retried_after_5xx",)
    assert (profile.report_retry_seconds, profile.report_delay_seconds) == (90, 120)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[deviations]\nreports_pull = true\n", "reports_pull may only be false"),
        ("[deviations]\nreport_retry_seconds = 0\n", "report_retry_seconds must be an integer"),
        ("[deviations]\nreport_delay_seconds = 'soon'\n", "report_delay_seconds must be an"),
    ],
)
def test_a_bad_report_deviation_is_a_one_line_error(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "vendor.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VendorProfileError, match=expected):
        load_profile(path)


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (("--notify-url", "ftp://tunnel.example/dlr"), "--notify-url needs an http(s) URL"),
        (("--receiver-listen", "loopback"), "--receiver-listen expects HOST:PORT"),
        (("--dlr-timeout", "soon"), "--dlr-timeout must be a number of seconds"),
    ],
)
def test_bad_report_option_is_one_line_usage_error(
    suite: Callable[..., SuiteRun], arguments: tuple[str, ...], expected: str
) -> None:
    _assert_one_line_usage_error(suite(*arguments), expected)


def test_push_checks_skip_with_one_line_for_a_remote_server_without_notify_url() -> None:
    reason = push_skip_reason("https://sms.vendor.invalid", None)
    assert reason is not None and "--notify-url" in reason and "\n" not in reason
    assert push_skip_reason("https://sms.vendor.invalid", "https://tunnel.invalid/hook") is None
    assert push_skip_reason("http://127.0.0.1:8080", None) is None
