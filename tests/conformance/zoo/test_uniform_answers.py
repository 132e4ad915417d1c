"""Servers that answer everything alike get a FAIL for every rule they break, and a diagnosis.

Issue 11: against a canned mock, a wrong path (404) and a dead backend (500), the suite used to
mask rules behind the first failure (SKIP "never applicable"), pass checks that never saw their
evidence, and list a hundred failures without naming the one cause. Each server runs the whole
suite, as a vendor would.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from ._catalogue import Credentials
from ._suite_run import SuiteRun, run_suite_once
from ._uniform_answers import UNIFORM_SERVERS, UniformServer, gateway, rejects_unsafe_integers

pytestmark = pytest.mark.slow


def _run(server: UniformServer, credentials: Credentials, runs: Path) -> SuiteRun:
    return run_suite_once(runs, f"uniform-{server.name}", gateway(server.bug), credentials.app)


def _verdicts(run: SuiteRun) -> dict[str, str]:
    return {name: check["verdict"] for name, check in run.checks().items()}


@pytest.mark.parametrize("server", UNIFORM_SERVERS, ids=lambda s: s.name)
def test_every_rule_the_server_breaks_is_a_fail_not_a_skip(
    server: UniformServer, zoo_credentials: Credentials, suite_runs_dir: Path
) -> None:
    run = _run(server, zoo_credentials, suite_runs_dir)
    verdicts = _verdicts(run)
    not_failed = {n: verdicts[n] for n in sorted(server.must_fail) if verdicts[n] != "FAIL"}
    assert not_failed == {}, run.output_tail()
    assert run.exit_code == 1


@pytest.mark.parametrize("server", UNIFORM_SERVERS, ids=lambda s: s.name)
def test_the_diagnosis_names_the_likely_cause_first(
    server: UniformServer, zoo_credentials: Credentials, suite_runs_dir: Path
) -> None:
    run = _run(server, zoo_credentials, suite_runs_dir)
    diagnosis = run.summary["diagnosis"]
    assert any(server.diagnosis in line for line in diagnosis), diagnosis
    assert list(run.summary)[:3] == ["format", "verdict", "diagnosis"]
    console = run.stdout
    assert "sms-acceptance diagnosis:" in console
    # At the top of the terminal summary: before pytest's list of failures.
    assert console.index("sms-acceptance diagnosis:") < console.index("= FAILURES =")
    html = (run.report_dir / "report.html").read_text(encoding="utf-8")
    assert 'id="diagnosis"' in html and server.diagnosis in html


@pytest.mark.parametrize("server", UNIFORM_SERVERS, ids=lambda s: s.name)
def test_checks_that_never_saw_their_evidence_do_not_pass(
    server: UniformServer, zoo_credentials: Credentials, suite_runs_dir: Path
) -> None:
    run = _run(server, zoo_credentials, suite_runs_dir)
    verdicts = _verdicts(run)
    passed = sorted(name for name in server.never_pass if verdicts[name] == "PASS")
    assert passed == []
    blocked = [c for c in run.checks().values() if c["verdict"] == "BLOCKED"]
    assert blocked and all(c["blocked_reason"] for c in blocked)


@pytest.mark.parametrize("server", UNIFORM_SERVERS, ids=lambda s: s.name)
def test_messages_speak_json_not_python(
    server: UniformServer, zoo_credentials: Credentials, suite_runs_dir: Path
) -> None:
    run = _run(server, zoo_credentials, suite_runs_dir)
    messages = " ".join(f["message"] for f in run.failures())
    for python in ("True", "False", "None", "{'", "['"):
        assert python not in messages, python


def test_a_404_to_a_bad_credential_is_not_read_as_accepted(
    zoo_credentials: Credentials, suite_runs_dir: Path
) -> None:
    server = next(s for s in UNIFORM_SERVERS if s.name == "not_found_everywhere")
    run = _run(server, zoo_credentials, suite_runs_dir)
    messages = [f["message"] for f in run.failures("ignored_auth")]
    assert messages and all("says nothing about the credential" in m for m in messages)


def test_a_server_refusing_integers_beyond_2_53_passes(
    zoo_credentials: Credentials, suite_runs_dir: Path
) -> None:
    """rules.md: integers beyond 2^53-1 are OPEN: a JavaScript server answering 400 conforms."""
    run = run_suite_once(
        suite_runs_dir,
        "correct-rejects_unsafe_integers",
        gateway(rejects_unsafe_integers),
        zoo_credentials.app,
    )
    failing = {f["check"]: f["message"] for f in run.failures()}
    assert failing == {}
    assert run.exit_code == 0
    assert run.summary["diagnosis"] == []


def test_the_javascript_server_refuses_exactly_the_unsafe_integers(
    zoo_credentials: Credentials,
) -> None:
    message: dict[str, Any] = {"destinations": [{"to": "41793026727"}], "text": "Hi"}
    document = {"messages": [message]}
    headers = {"Authorization": zoo_credentials.app, "Content-Type": "application/json"}
    with gateway(rejects_unsafe_integers)(zoo_credentials.app) as base_url:
        url = f"{base_url}/sms/1/text/advanced"
        statuses = []
        for minutes in (2880, 2**53 - 1, 2**53, 2**63 - 1):
            message["validityPeriod"] = minutes
            body = json.dumps(document).encode()
            statuses.append(httpx.post(url, content=body, headers=headers, timeout=10).status_code)
    assert statuses == [200, 200, 400, 400]
