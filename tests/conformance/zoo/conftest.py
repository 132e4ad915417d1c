"""Fixtures of the zoo: the session's credentials and where suite runs are kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ._catalogue import Credentials

# Set by pytest-xdist on the controller and every worker of one run (and different for each run).
_XDIST_RUN_ID = "PYTEST_XDIST_TESTRUNUID"


@pytest.fixture(scope="session")
def zoo_credentials() -> Credentials:
    """Random per test run (shared by its xdist workers), so any trace in a report is a leak."""
    return Credentials.generate(os.environ.get(_XDIST_RUN_ID))


@pytest.fixture(scope="session")
def suite_runs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One directory per test run where each zoo server's suite run is kept, shared by workers."""
    run_id = os.environ.get(_XDIST_RUN_ID)
    if run_id is None:
        return tmp_path_factory.mktemp("zoo-suite-runs")
    return tmp_path_factory.getbasetemp().parent / f"zoo-suite-runs-{run_id}"
