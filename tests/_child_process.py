"""Running one of the kit's commands the way a vendor's CI does: a child process, to completion.

One helper for every harness that runs `pytest conformance`, `locust -f loadtests` or a scenario in
a network namespace as a subprocess (and for the benchmarks that do), so each sees the real
command line, exit code, output and report files. The outer run's own variables (`PYTEST_*` from
pytest and xdist, `LOCUST_*`) are not passed on: they would change the inner run. Every run is
bounded in time; its exit code is the caller's to judge.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

_OUTER_RUN_PREFIXES = ("PYTEST_", "LOCUST_")


def child_environment(variables: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """This process's environment less the outer run's variables, with `variables` set on top
    (a None value unsets that variable)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(_OUTER_RUN_PREFIXES)}
    for name, value in (variables or {}).items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return environment


def without_proxies() -> dict[str, None]:
    """`child_environment` variables that unset every `*_proxy` / `*_PROXY` of this process."""
    return {name: None for name in os.environ if name.lower().endswith("_proxy")}


def run_child(
    command: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    """`command` run to completion in `cwd`, its output captured as text; TimeoutExpired after
    `timeout` seconds."""
    return subprocess.run(
        list(command),
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
