"""The conformance suite, run as a vendor runs it, catches every broken server and passes every
correct one.

Each test reads one suite run per server (`pytest conformance --base-url=… --hypothesis-profile
quick` in a subprocess, shared by the tests that look at it): exit code 1 and the expected check
FAILed citing the broken rule; for a correct server, exit code 0 and not one FAIL.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .._suite_runner import SuiteRun
from ._catalogue import BROKEN_SERVERS, CORRECT_SERVERS, BrokenServer, CorrectServer, Credentials
from ._suite_run import FULL_SUITE_ENV_VAR, run_suite_once

pytestmark = pytest.mark.slow


def _run_broken(server: BrokenServer, credentials: Credentials, runs: Path) -> SuiteRun:
    authorization = credentials.for_scheme(server.scheme)
    return run_suite_once(runs, f"broken-{server.name}", server.serve, authorization, server.select)


def _run_correct(server: CorrectServer, credentials: Credentials, runs: Path) -> SuiteRun:
    authorization = credentials.for_scheme(server.scheme)
    return run_suite_once(
        runs, f"correct-{server.name}", server.serve, authorization, server.select
    )


def _failure_lines(run: SuiteRun, limit: int = 12) -> str:
    lines = [
        f"{f['check']} ({f['rule_id']}) [{f.get('mutation') or f.get('category') or ''}]: "
        f"{f['message'][:300]}"
        for f in run.failures()
    ]
    return "\n".join(lines[:limit])


@pytest.mark.parametrize("server", BROKEN_SERVERS, ids=lambda s: s.name)
def test_suite_exits_1_and_fails_the_expected_check(
    server: BrokenServer, zoo_credentials: Credentials, suite_runs_dir: Path
) -> None:
    run = _run_broken(server, zoo_credentials, suite_runs_dir)
    assert run.returncode == 1, f"exit {run.returncode}:\n{run.output_tail()}"
    missing = [check for check in server.catches if check not in run.failed_checks()]
    assert missing == [], (
        f"{server.name}: {missing} did not FAIL; failed: {sorted(run.failed_checks())}\n"
        f"bug: {server.description}"
    )
    assert run.summary["verdict"] == "FAIL"


@pytest.mark.parametrize("server", BROKEN_SERVERS, ids=lambda s: s.name)
def test_failures_of_the_expected_check_cite_the_broken_rule(
    server: BrokenServer, zoo_credentials: Credentials, suite_runs_dir: Path
) -> None:
    run = _run_broken(server, zoo_credentials, suite_runs_dir)
    for check in server.catches:
        cited = {failure["rule_id"] for failure in run.failures(check)}
        assert cited & server.rule_ids, (
            f"{check} cites {sorted(cited)}, not {sorted(server.rule_ids)}"
        )


@pytest.mark.skipif(
    os.environ.get(FULL_SUITE_ENV_VAR) == "1",
    reason="collateral is listed for each server's part of the suite, not for the whole suite",
)
@pytest.mark.parametrize(
    "server", [s for s in BROKEN_SERVERS if not s.wire_level], ids=lambda s: s.name
)
def test_suite_fails_nothing_the_bug_does_not_explain(
    server: BrokenServer, zoo_credentials: Credentials, suite_runs_dir: Path
) -> None:
    run = _run_broken(server, zoo_credentials, suite_runs_dir)
    unexplained = run.failed_checks() - set(server.catches) - server.collateral
    assert unexplained == set(), f"{server.name}: {sorted(unexplained)}\n{_failure_lines(run)}"


@pytest.mark.parametrize(
    "server", [s for s in BROKEN_SERVERS if s.categories], ids=lambda s: s.name
)
def test_wire_level_failures_are_categorised(
    server: BrokenServer, zoo_credentials: Credentials, suite_runs_dir: Path
) -> None:
    run = _run_broken(server, zoo_credentials, suite_runs_dir)
    named = {failure.get("category") for check in server.catches for failure in run.failures(check)}
    assert named & server.categories, f"categories {sorted(map(str, named))}"


@pytest.mark.parametrize("server", CORRECT_SERVERS, ids=lambda s: s.name)
def test_suite_passes_a_correct_server_with_zero_failures(
    server: CorrectServer, zoo_credentials: Credentials, suite_runs_dir: Path
) -> None:
    run = _run_correct(server, zoo_credentials, suite_runs_dir)
    assert run.failed_checks() == set(), f"{server.choices}\n{_failure_lines(run)}"
    assert run.returncode == 0, f"exit {run.returncode}:\n{run.output_tail()}"
    assert run.summary["verdict"] == "PASS"


@pytest.mark.parametrize("server", [*BROKEN_SERVERS, *CORRECT_SERVERS], ids=lambda s: s.name)
def test_reports_and_console_never_contain_the_credential(
    server: BrokenServer | CorrectServer, zoo_credentials: Credentials, suite_runs_dir: Path
) -> None:
    if isinstance(server, BrokenServer):
        run = _run_broken(server, zoo_credentials, suite_runs_dir)
    else:
        run = _run_correct(server, zoo_credentials, suite_runs_dir)
    files = [path for path in run.report_dir.rglob("*") if path.is_file()]
    assert {path.name for path in files} >= {"summary.json", "report.html", "junit.xml"}
    for marker in zoo_credentials.leak_markers():
        leaking = [path.name for path in files if marker.encode() in path.read_bytes()]
        assert leaking == [], f"the credential is in {leaking}"
        assert marker not in run.stdout and marker not in run.stderr
    shown = json.loads((run.report_dir / "summary.json").read_text())["target"]["authorization"]
    assert shown.endswith("***")
