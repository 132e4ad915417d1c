"""Fixtures for the benchmark harness's own tests.

The benchmarks are scripts in `benchmarks/` (a namespace package at the repository root, not part
of the installed library), so the tests reach them by putting the root on `sys.path` for the
duration of one test, or by running the scripts in a subprocess as a user would.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = REPO_ROOT / "benchmarks"


@pytest.fixture
def bench_module(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], ModuleType]:
    """`bench_module("_measure")` imports `benchmarks._measure` with the repo root on sys.path."""
    monkeypatch.syspath_prepend(str(REPO_ROOT))

    def load(name: str) -> ModuleType:
        return importlib.import_module(f"benchmarks.{name}")

    return load


@pytest.fixture
def run_script() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `python benchmarks/<script> ARGS` from the repo root, bounded in time."""

    def run(script: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(BENCHMARKS / script), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
        )

    return run


@pytest.fixture
def nginx_and_wrk() -> None:
    """Skip unless Debian's nginx and wrk are installed (the benchmarks need both).

    CI installs both (`.ci/run`), so there their absence fails instead of skipping unseen.
    """
    missing = [tool for tool in ("nginx", "wrk") if shutil.which(tool) is None]
    if missing:
        reason = f"{' and '.join(missing)} not installed (apt-get install nginx wrk)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; .ci/run installs them, so in CI their absence is a failure")
        pytest.skip(reason)
