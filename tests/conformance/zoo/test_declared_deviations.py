"""A deviation a vendor declares in its profile is reported DECLARED, not FAIL and not PASS.

The same broken servers that fail without a profile (an undeclared 100-destination cap, trial
accounts rejecting every number) pass once the vendor documents the behaviour, and the report says
so instead of hiding it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ._catalogue import Credentials, broken_server
from ._suite_run import run_suite_once

pytestmark = pytest.mark.slow

_PROFILES = {
    "caps_destinations_at_100": (
        "bulk_size_accepted",
        '[vendor]\nname = "Zoo Capped"\n\n[deviations]\n'
        "# R13: at most 100 destinations per request (documented).\nmax_destinations = 100\n",
    ),
    "rejects_every_destination": (
        "status_group_accepting",
        '[vendor]\nname = "Zoo Trial"\n\n[[deviations.accepted_statuses]]\n'
        'group_id = 5\nid = 18\nnote = "trial accounts only deliver to registered numbers"\n',
    ),
}


@pytest.mark.parametrize("name", sorted(_PROFILES))
def test_declared_deviation_turns_the_failure_into_declared(
    name: str, zoo_credentials: Credentials, suite_runs_dir: Path
) -> None:
    server = broken_server(name)
    check, profile = _PROFILES[name]
    suite_runs_dir.mkdir(parents=True, exist_ok=True)
    profile_path = suite_runs_dir / f"{name}.toml"
    profile_path.write_text(profile, encoding="utf-8")
    run = run_suite_once(
        suite_runs_dir,
        f"declared-{name}",
        server.serve,
        zoo_credentials.for_scheme(server.scheme),
        server.select,
        ("--vendor-profile", str(profile_path)),
    )
    verdicts = {name: entry["verdict"] for name, entry in run.checks().items()}
    assert verdicts[check] == "DECLARED", run.output_tail()
    assert run.failed_checks() == set(), run.output_tail()
    assert run.returncode == 0
    assert any(check in d["checks"] for d in run.summary["deviations"])
