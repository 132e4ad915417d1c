"""Running the conformance suite against a zoo server exactly as a vendor's CI would.

The suite runs in its own process (`pytest conformance --base-url=…`), as documented in
docs/conformance.md, so the zoo sees the real command line, exit code and report files; nothing of
the suite is imported or patched. The credential goes through the environment, the way the
documented CI jobs pass it, so it is not on any command line either.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[3]
AUTH_ENV_VAR = "SMS_ACCEPTANCE_AUTHORIZATION"

# Generous against the sandbox (answers in milliseconds), short enough that hanging and dripping
# servers cost seconds, not minutes.
REQUEST_TIMEOUT_S = 2.0
# One seed for every zoo run: a verdict that depends on luck would make the zoo flaky, and a bug the
# suite misses with this seed is a finding about the suite (FINDINGS.md), not a reason to reroll.
HYPOTHESIS_SEED = 20261125
# Bound on one whole suite run; a run that needs longer is itself a finding (a hang of the suite).
RUN_TIMEOUT_S = 150.0


@dataclass(frozen=True)
class SuiteRun:
    """One finished suite run: its exit code, console output and `summary.json`.

    `base_url` is where the server was; a reproduction replayed against a fresh instance of the
    same server swaps it for the new one.
    """

    exit_code: int
    stdout: str
    stderr: str
    report_dir: Path
    base_url: str

    @property
    def summary(self) -> dict[str, Any]:
        path = self.report_dir / "summary.json"
        if not path.is_file():
            raise AssertionError(f"no summary.json in {self.report_dir}:\n{self.output_tail()}")
        document = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(document, dict)
        return document

    def checks(self) -> dict[str, dict[str, Any]]:
        return {check["name"]: check for check in self.summary["checks"]}

    def failed_checks(self) -> set[str]:
        return {name for name, check in self.checks().items() if check["verdict"] == "FAIL"}

    def failures(self, check: str | None = None) -> list[dict[str, Any]]:
        return [
            failure
            for name, entry in self.checks().items()
            if check is None or name == check
            for failure in entry.get("failures") or []
        ]

    def output_tail(self, lines: int = 40) -> str:
        text = (self.stdout + "\n" + self.stderr).strip().splitlines()
        return "\n".join(text[-lines:])


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
    where = [] if any(arg.startswith("conformance/") for arg in extra_args) else ["conformance"]
    command = [
        sys.executable,
        "-m",
        "pytest",
        *where,
        f"--base-url={base_url}",
        "--hypothesis-profile",
        "quick",
        f"--hypothesis-seed={HYPOTHESIS_SEED}",
        "--request-timeout",
        str(request_timeout),
        "-p",
        "no:cacheprovider",
        "-q",
        "--report-dir",
        str(report_dir),
        *extra_args,
    ]
    # The outer pytest (and xdist) leave PYTEST_* variables that would change the inner run.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    environment[AUTH_ENV_VAR] = authorization
    completed = subprocess.run(
        command,
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    return SuiteRun(completed.returncode, completed.stdout, completed.stderr, report_dir, base_url)


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
    cache_dir.mkdir(parents=True, exist_ok=True)
    outcome = cache_dir / f"{key}.json"
    with (cache_dir / f"{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not outcome.exists():
            report_dir = cache_dir / key
            with serve(authorization) as base_url:
                run = run_suite(base_url, authorization, report_dir, extra_args=(*select, *options))
            outcome.write_text(
                json.dumps(
                    {
                        "exit_code": run.exit_code,
                        "stdout": run.stdout,
                        "stderr": run.stderr,
                        "base_url": run.base_url,
                    }
                ),
                encoding="utf-8",
            )
        saved = json.loads(outcome.read_text(encoding="utf-8"))
    return SuiteRun(
        saved["exit_code"], saved["stdout"], saved["stderr"], cache_dir / key, saved["base_url"]
    )
