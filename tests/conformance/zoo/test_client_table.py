"""The client table (K1-K5) tells a vendor which Infobip clients break, and fails only on request.

A server that answers 400 to `null` optional fields makes a choice rules.md leaves OPEN, so the
suite passes it; its client table must still show that every call from the community SDK
(infobip-api-python-sdk 5.0.1, which sends such nulls) fails, and the run must fail exactly when
that client is required.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .._suite_runner import SuiteRun
from ._catalogue import CORRECT_SERVERS, Credentials
from ._suite_run import run_suite_once

pytestmark = pytest.mark.slow

_SERVER = next(s for s in CORRECT_SERVERS if s.name == "rejects_null_optional_fields")
_CLIENTS = ("conformance/test_client_compatibility.py",)


def _run(runs: Path, credentials: Credentials, key: str, *options: str) -> SuiteRun:
    return run_suite_once(
        runs, key, _SERVER.serve, credentials.for_scheme("App"), _CLIENTS, tuple(options)
    )


def _rows(run: SuiteRun) -> dict[str, dict[str, Any]]:
    return {row["client"]: row for row in run.summary["clients"]}


def test_K4_null_rejecting_server_shows_the_community_sdk_broken_and_passes(
    suite_runs_dir: Path, zoo_credentials: Credentials
) -> None:
    run = _run(suite_runs_dir, zoo_credentials, "clients-informational")
    assert run.returncode == 0, run.output_tail()
    rows = _rows(run)
    sdk = rows["infobip-api-python-sdk-5"]
    assert sdk["works"] is False and sdk["open_choice"] is True and sdk["required"] is False
    assert sdk["reasons"] == [
        "rejects `null` optional fields (an OPEN choice): every call from "
        "infobip-api-python-sdk 5.0.1 fails"
    ]
    assert all(row["works"] for name, row in rows.items() if name != "infobip-api-python-sdk-5")
    assert "K4 infobip-api-python-sdk 5.0.1: breaks: rejects `null` optional fields" in run.stdout
    assert run.summary["verdict"] == "PASS"


def test_K4_the_same_run_fails_when_the_community_sdk_is_required(
    suite_runs_dir: Path, zoo_credentials: Credentials
) -> None:
    run = _run(
        suite_runs_dir, zoo_credentials, "clients-sdk-required", "--require-client",
        "infobip-api-python-sdk",
    )  # fmt: skip
    assert run.returncode == 1, run.output_tail()
    assert run.summary["verdict"] == "FAIL"
    assert _rows(run)["infobip-api-python-sdk-5"]["required"] is True
    assert "K4 infobip-api-python-sdk 5.0.1 is required and breaks" in run.stdout


def test_requiring_a_client_that_works_keeps_the_run_green(
    suite_runs_dir: Path, zoo_credentials: Credentials
) -> None:
    run = _run(
        suite_runs_dir, zoo_credentials, "clients-v4-required", "--require-client",
        "infobip-api-python-client-4",
    )  # fmt: skip
    assert run.returncode == 0, run.output_tail()
    assert _rows(run)["infobip-api-python-client-4"] == {
        **_rows(run)["infobip-api-python-client-4"],
        "works": True,
        "required": True,
    }
