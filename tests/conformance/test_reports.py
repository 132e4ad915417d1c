"""A run against the sandbox passes with zero failures and writes the three reports as documented.

One real run (quick profile) is shared by the tests of this module: `summary.json` has the
documented layout and every check of the catalogue, `junit.xml` parses, `report.html` renders in a
real browser, and the credential appears in none of them nor on the terminal.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from sms_acceptance.conformance import CHECKS

from .conftest import SuiteRun, run_suite, shared_run

pytestmark = pytest.mark.slow

SUMMARY_KEYS = {
    "format", "suite", "schema_version", "target", "level", "hypothesis", "vendor_profile",
    "started_at", "finished_at", "duration_seconds", "verdict", "counts", "tests",
    "reproduce", "reproduce_note", "diagnosis", "checks", "deviations", "errors",
}  # fmt: skip
CHECK_KEYS = {
    "name", "family", "rule_ids", "level", "description", "verdict", "exercised", "declared",
    "skip_reason", "blocked_reason", "blocked_count", "failure_count", "failures",
}  # fmt: skip


@pytest.fixture(scope="module")
def sandbox_run(tmp_path_factory: pytest.TempPathFactory) -> SuiteRun:
    # The embedded sandbox (no --base-url), exactly as `pytest conformance` on a fresh clone.
    return shared_run(
        tmp_path_factory,
        "sandbox-run",
        lambda report_dir: run_suite("--hypothesis-profile", "quick", report_dir=report_dir),
    )


def test_the_sandbox_passes_with_zero_failures(sandbox_run: SuiteRun) -> None:
    assert sandbox_run.returncode == 0, sandbox_run.output[-3000:]
    summary = sandbox_run.summary
    assert summary["verdict"] == "PASS"
    assert summary["counts"]["FAIL"] == 0
    assert summary["tests"]["failed"] == 0
    assert summary["errors"] == []


def test_every_check_is_listed_and_exercised_against_the_sandbox(sandbox_run: SuiteRun) -> None:
    checks = {c["name"]: c for c in sandbox_run.summary["checks"]}
    assert list(checks) == [c.name for c in CHECKS]
    never = {name for name, c in checks.items() if c["verdict"] != "PASS" or c["exercised"] == 0}
    assert never == set()


def test_summary_json_has_the_documented_layout(sandbox_run: SuiteRun) -> None:
    summary = sandbox_run.summary
    assert set(summary) == SUMMARY_KEYS
    assert summary["format"] == 1
    assert summary["target"]["authorization"] == "App ***"
    assert summary["hypothesis"]["profile"] == "quick"
    assert isinstance(summary["hypothesis"]["seed"], int)
    assert summary["level"] == "should"
    for check in summary["checks"]:
        assert set(check) == CHECK_KEYS
        assert check["level"] in {"MUST", "SHOULD"}
        assert check["rule_ids"]


def test_junit_xml_lists_one_case_per_check(sandbox_run: SuiteRun) -> None:
    root = ET.parse(sandbox_run.report_dir / "junit.xml").getroot()
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(CHECKS)
    assert root.find("./testsuite").get("failures") == "0"  # type: ignore[union-attr]


def test_report_html_shows_the_verdict_in_a_real_browser(
    sandbox_run: SuiteRun,
    headless_browser: Any,  # tests/conftest.py's HeadlessBrowser
) -> None:
    dom = headless_browser.rendered_dom(sandbox_run.report_dir / "report.html")
    assert 'id="verdict"' in dom
    assert ">PASS<" in dom
    for check in CHECKS:
        assert f'id="check-{check.name}"' in dom
    assert 'id="no-failures"' in dom


def test_the_generated_credential_is_in_no_report_and_not_on_the_terminal(
    sandbox_run: SuiteRun,
) -> None:
    # The embedded sandbox's credential is generated; the reports say only which scheme it used.
    assert sandbox_run.summary["target"]["authorization"] == "App ***"
    assert sandbox_run.summary["target"]["embedded_sandbox"] is True
    for path in Path(sandbox_run.report_dir).iterdir():
        assert "App *** " not in path.read_text(encoding="utf-8"), path.name
