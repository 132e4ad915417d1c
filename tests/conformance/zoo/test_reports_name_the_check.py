"""What a vendor's engineer and a CI dashboard see for a broken server names the right check.

`summary.json` is the source of truth (test_suite_verdicts); these look at the renderings a person
or a CI system reads, and at `--level must`, which must drop exactly the SHOULD checks.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .._suite_runner import SuiteRun
from ._catalogue import Credentials, broken_server
from ._suite_run import run_suite_once

if TYPE_CHECKING:
    from tests.conftest import HeadlessBrowser

pytestmark = pytest.mark.slow

# A MUST bug with a curl to show; the seed test alone exercises it.
_MUST_BUG = "drops_last_destination"
# A SHOULD-only bug (S3 order), also shown by the seed.
_SHOULD_BUG = "reverses_entries"


def _run(name: str, credentials: Credentials, runs: Path, *options: str) -> SuiteRun:
    server = broken_server(name)
    key = f"broken-{name}" if not options else f"options-{name}"
    return run_suite_once(
        runs, key, server.serve, credentials.for_scheme(server.scheme), server.select, options
    )


def test_html_report_in_a_browser_names_the_failed_check_and_its_curl(
    zoo_credentials: Credentials, suite_runs_dir: Path, headless_browser: HeadlessBrowser
) -> None:
    run = _run(_MUST_BUG, zoo_credentials, suite_runs_dir)
    dom = headless_browser.rendered_dom(run.report_dir / "report.html")
    assert "destination_count_matches" in dom
    assert "curl " in dom and "SMS_ACCEPTANCE_AUTHORIZATION" in dom
    for marker in zoo_credentials.leak_markers():
        assert marker not in dom


def test_junit_marks_the_failed_check_as_a_failed_test_case(
    zoo_credentials: Credentials, suite_runs_dir: Path
) -> None:
    run = _run(_MUST_BUG, zoo_credentials, suite_runs_dir)
    tree = ET.parse(run.report_dir / "junit.xml")
    failed = {
        case.get("name", "").split(" ")[0]
        for case in tree.iter("testcase")
        if case.find("failure") is not None
    }
    assert "destination_count_matches" in failed
    assert failed == run.failed_checks()


def test_should_only_bug_passes_at_level_must_with_the_check_skipped(
    zoo_credentials: Credentials, suite_runs_dir: Path
) -> None:
    run = _run(_SHOULD_BUG, zoo_credentials, suite_runs_dir, "--level", "must")
    assert run.returncode == 0, run.output_tail()
    check = run.checks()["destination_order_preserved"]
    assert check["verdict"] == "SKIP"
    assert run.summary["level"] == "must"
