"""Concurrency changes how fast a run is, never what it finds (issue 15).

A few zoo servers are run twice with the same seed: one request at a time (`--concurrency 1`) and
eight in flight (`--concurrency 8`, where each Hypothesis test's requests are fetched together and
then judged in order, `_prefetch.py`). Every check must get the same verdict, be exercised the same
number of times, and fail in the same tests with the same messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .._suite_runner import SuiteRun
from ._catalogue import BROKEN_SERVERS, CORRECT_SERVERS, BrokenServer, CorrectServer, Credentials
from ._suite_run import run_suite

pytestmark = pytest.mark.slow

# Both Hypothesis tests (generated valid requests, every mutation) plus the fixed requests.
_SELECT = ("conformance/test_positive.py", "conformance/test_negative.py")
_SERVERS: dict[str, BrokenServer | CorrectServer] = {
    **{s.name: s for s in BROKEN_SERVERS},
    **{f"correct-{s.name}": s for s in CORRECT_SERVERS},
}
_CHOSEN = (
    "accepts_numeric_to",  # R4: fails in the mutation test only
    "wraps_window_times_around",  # R6
    "drops_last_destination",  # S2/S3: fails in every accepted request, generated or fixed
    f"correct-{CORRECT_SERVERS[0].name}",
)


def _checks(run: SuiteRun) -> dict[str, dict[str, Any]]:
    """What a verdict rests on, per check: verdict, counts, and each failure's test and text."""
    return {
        name: {
            "verdict": entry["verdict"],
            "exercised": entry["exercised"],
            "failure_count": entry["failure_count"],
            "blocked_count": entry["blocked_count"],
            "failures": sorted(
                (f.get("test", ""), f.get("rule_id", ""), f.get("message", ""))
                for f in entry["failures"] or []
            ),
        }
        for name, entry in run.checks().items()
    }


@pytest.mark.parametrize("name", _CHOSEN)
def test_concurrent_run_has_the_verdicts_of_a_sequential_run(
    name: str, zoo_credentials: Credentials, tmp_path: Path
) -> None:
    server = _SERVERS[name]
    authorization = zoo_credentials.for_scheme(server.scheme)
    runs: dict[int, SuiteRun] = {}
    for concurrency in (1, 8):
        with server.serve(authorization) as base_url:
            runs[concurrency] = run_suite(
                base_url,
                authorization,
                tmp_path / f"c{concurrency}",
                extra_args=(*_SELECT, f"--concurrency={concurrency}"),
            )
    sequential, concurrent = runs[1], runs[8]
    assert concurrent.summary["target"]["sending"]["concurrency"] == 8
    assert sequential.returncode == concurrent.returncode, concurrent.output_tail()
    assert _checks(concurrent) == _checks(sequential)
    assert concurrent.summary["verdict"] == sequential.summary["verdict"]
    if name.startswith("correct-"):
        assert sequential.summary["verdict"] == "PASS", sequential.output_tail()
    else:
        assert sequential.summary["verdict"] == "FAIL", sequential.output_tail()
