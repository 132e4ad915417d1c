"""Every reproduction `curl` in a report reproduces its failure against the same server.

"Every failure reproducible with one command" is the kit's promise to a vendor. For each broken
server the suite's own report is read, and its `curl` commands (a bounded sample: a few per failed
check) are run with the real curl binary, `$SMS_ACCEPTANCE_AUTHORIZATION` set, against a fresh
instance of the same server: the same status and content type come back (or, for wire-level
failures, the same kind of transport failure), and the same defect with them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from ._catalogue import BROKEN_SERVERS, BrokenServer, Credentials
from ._curl_replay import CURL_TIMEOUT, CurlOutcome, replay_curl
from ._suite_run import REQUEST_TIMEOUT_S, run_suite_once

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("curl") is None, reason="the curl binary is not installed"),
]

_PER_CHECK = 2
_PER_SERVER = 6
_TIMEOUT_CATEGORIES = frozenset({"read_timeout", "deadline", "connect_timeout"})
_NO_ANSWER_CATEGORIES = frozenset({"reset", "protocol_error", "connect_refused"})


def _sample(failures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A few replayable failures per check; a timeout costs seconds, so at most one of them."""
    chosen: list[dict[str, Any]] = []
    per_check: dict[str, int] = {}
    timeouts = 0
    for failure in failures:
        request = failure.get("request") or {}
        if not failure.get("curl") or request.get("body_truncated"):
            continue
        if per_check.get(failure["check"], 0) >= _PER_CHECK:
            continue
        if failure.get("category") in _TIMEOUT_CATEGORIES:
            if timeouts >= 1:
                continue
            timeouts += 1
        per_check[failure["check"]] = per_check.get(failure["check"], 0) + 1
        chosen.append(failure)
    return chosen[:_PER_SERVER]


def _json_or_none(body: bytes | str | None) -> object:
    if body is None:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def _media_type(headers: dict[str, str]) -> str | None:
    for name, value in headers.items():
        if name.lower() == "content-type":
            return value.split(";")[0].strip().lower()
    return None


def _assert_reproduces(failure: dict[str, Any], outcome: CurlOutcome) -> None:
    category = failure.get("category")
    recorded = failure.get("response")
    where = f"{failure['check']} [{category or failure.get('mutation') or ''}]"
    if category in _TIMEOUT_CATEGORIES:
        assert outcome.exit_code == CURL_TIMEOUT, f"{where}: curl exit {outcome.exit_code}"
        return
    if category in _NO_ANSWER_CATEGORIES or recorded is None:
        assert outcome.exit_code != 0, f"{where}: curl got a proper answer {outcome.status}"
        return
    assert outcome.status == recorded["status"], (
        f"{where}: {outcome.status} != {recorded['status']}"
    )
    if category == "body_too_large":
        assert len(outcome.body) > 2**20, f"{where}: only {len(outcome.body)} bytes"
        return
    assert outcome.media_type == _media_type(recorded["headers"]), f"{where}: content type"
    if recorded.get("body_truncated") or recorded.get("body") is None:
        return
    then, now = _json_or_none(recorded["body"]), _json_or_none(outcome.body)
    assert (then is None) == (now is None), (
        f"{where}: JSON then {then is not None}, now {now is not None}"
    )
    if isinstance(then, dict) and isinstance(now, dict):
        assert sorted(then) == sorted(now), f"{where}: top-level keys differ"
        if isinstance(then.get("messages"), list) and isinstance(now.get("messages"), list):
            assert len(then["messages"]) == len(now["messages"]), f"{where}: entry counts differ"


@pytest.mark.parametrize("server", BROKEN_SERVERS, ids=lambda s: s.name)
def test_reproduction_curls_reproduce_their_failures(
    server: BrokenServer, zoo_credentials: Credentials, suite_runs_dir: Path
) -> None:
    authorization = zoo_credentials.for_scheme(server.scheme)
    run = run_suite_once(
        suite_runs_dir, f"broken-{server.name}", server.serve, authorization, server.select
    )
    sample = _sample(run.failures())
    assert sample, f"no replayable curl among {len(run.failures())} failures"
    assert run.base_url is not None
    with server.serve(authorization) as base_url:
        for failure in sample:
            outcome = replay_curl(
                failure["curl"], run.base_url, base_url, authorization, REQUEST_TIMEOUT_S + 1
            )
            _assert_reproduces(failure, outcome)
