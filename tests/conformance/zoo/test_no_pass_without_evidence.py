"""No check passes on what it did not see, and no message speaks Python, anywhere in the zoo.

A PASS means the check judged at least one answer and every judgement held (`exercised` counts
judgements, not requests); a check that only ever lacked its evidence is BLOCKED with a reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ._catalogue import BROKEN_SERVERS, CORRECT_SERVERS, BrokenServer, CorrectServer, Credentials
from ._suite_run import SuiteRun, run_suite_once

pytestmark = pytest.mark.slow

_SERVERS = [*BROKEN_SERVERS, *CORRECT_SERVERS]


def _run(server: BrokenServer | CorrectServer, credentials: Credentials, runs: Path) -> SuiteRun:
    kind = "broken" if isinstance(server, BrokenServer) else "correct"
    authorization = credentials.for_scheme(server.scheme)
    return run_suite_once(runs, f"{kind}-{server.name}", server.serve, authorization, server.select)


@pytest.mark.parametrize("server", _SERVERS, ids=lambda s: s.name)
def test_every_pass_has_evidence_and_every_block_a_reason(
    server: BrokenServer | CorrectServer, zoo_credentials: Credentials, suite_runs_dir: Path
) -> None:
    run = _run(server, zoo_credentials, suite_runs_dir)
    checks = run.checks().values()
    vacuous = [c["name"] for c in checks if c["verdict"] == "PASS" and c["exercised"] == 0]
    assert vacuous == []
    unexplained = [
        c["name"] for c in checks if c["verdict"] == "BLOCKED" and not c["blocked_reason"]
    ]
    assert unexplained == []


@pytest.mark.parametrize("server", BROKEN_SERVERS, ids=lambda s: s.name)
def test_failure_messages_spell_values_as_json(
    server: BrokenServer, zoo_credentials: Credentials, suite_runs_dir: Path
) -> None:
    run = _run(server, zoo_credentials, suite_runs_dir)
    spoken = [
        f["message"]
        for f in run.failures()
        if any(python in f["message"] for python in (" True", " False", " None", "{'", "['"))
    ]
    assert spoken == []
