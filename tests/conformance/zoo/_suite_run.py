"""Running the conformance suite against a zoo server exactly as a vendor's CI would.

The suite runs in its own process (`pytest conformance --base-url=…`, `.._suite_runner`, the
helper every suite-running test uses), so the zoo sees the real command line, exit code and report
files; the zoo adds one fixed seed, the `quick` profile and a short request timeout.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from .._suite_runner import SuiteRun, once_per_session
from .._suite_runner import run_suite as run_pytest_suite

# Generous against the sandbox (answers in milliseconds), short enough that hanging and dripping
# servers cost seconds, not minutes.
REQUEST_TIMEOUT_S = 2.0
# One seed for every zoo run: a verdict that depends on luck would make the zoo flaky, and a bug the
# suite misses with this seed is a finding about the suite (FINDINGS.md), not a reason to reroll.
HYPOTHESIS_SEED = 20261125
# Bound on one whole suite run; a run that needs longer is itself a finding (a hang of the suite).
RUN_TIMEOUT_S = 150.0


def run_suite(
    base_url: str,
    authorization: str,
    report_dir: Path,
    *,
    extra_args: tuple[str, ...] = (),
    request_timeout: float = REQUEST_TIMEOUT_S,
) -> SuiteRun:
    """`pytest conformance --base-url=URL --hypothesis-profile quick …` in a subprocess."""
    # `select` names test files itself when it narrows the run; otherwise the whole suite.
    where = () if any(arg.startswith("conformance/") for arg in extra_args) else ("conformance",)
    return run_pytest_suite(
        f"--base-url={base_url}",
        "--hypothesis-profile",
        "quick",
        f"--hypothesis-seed={HYPOTHESIS_SEED}",
        "--request-timeout",
        str(request_timeout),
        "-q",
        *extra_args,
        report_dir=report_dir,
        authorization=authorization,
        select=where,
        timeout=RUN_TIMEOUT_S,
        base_url=base_url,
    )


ServeFactory = Callable[[str], contextlib.AbstractContextManager[str]]


FULL_SUITE_ENV_VAR = "SMS_ACCEPTANCE_ZOO_FULL_SUITE"


def run_suite_once(
    cache_dir: Path,
    key: str,
    serve: ServeFactory,
    authorization: str,
    select: tuple[str, ...] = (),
    options: tuple[str, ...] = (),
) -> SuiteRun:
    """The suite run against server `key`, done once per test session whatever asks for it.

    Several tests read one run (is it caught, do its curls reproduce, is the credential kept out),
    possibly from different pytest-xdist workers: a file lock per server makes the first one run
    it and the others read its outcome from `cache_dir`.

    `select` narrows the run to the part of the suite that exercises a broken server's check (a
    whole run costs some 15 s, and the zoo has fifty servers); with SMS_ACCEPTANCE_ZOO_FULL_SUITE=1
    every server gets the whole suite. `options` are passed in either case.
    """
    if os.environ.get(FULL_SUITE_ENV_VAR) == "1":
        select = ()

    def run(report_dir: Path) -> SuiteRun:
        with serve(authorization) as base_url:
            return run_suite(base_url, authorization, report_dir, extra_args=(*select, *options))

    return once_per_session(cache_dir, key, run)
