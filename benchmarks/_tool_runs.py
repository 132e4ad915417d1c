"""`pytest conformance` and Schemathesis, each run to completion against the counting sandbox.

`bench_conformance.py` (loopback) and `bench_remote.py` (the same sandbox with latency) compare the
two tools the same way: one process each, the rate of a run being the requests the server
answered (`_counting_sandbox.py`'s counter) over the run's wall time, start-up included. The
suite runs through the tests' own suite runner (`tests/conformance/_suite_runner.py`), the one
way the project runs `pytest conformance` in a subprocess.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks._output import REPO_ROOT, BenchmarkError, require_executable
from benchmarks._processes import ServerProcess, script_server
from benchmarks._sandbox import AUTHORIZATION_ENV
from tests.conformance._suite_runner import run_suite

SCHEMATHESIS_HINT = (
    "install it in a throwaway venv (`python3 -m venv /tmp/bench-venv && "
    "/tmp/bench-venv/bin/pip install schemathesis`) and pass --schemathesis PATH"
)
RUN_TIMEOUT_S = 1800

# What a run returns: its exit code and the text whose last line says why it sent nothing.
_Run = Callable[[], tuple[int, str]]


def add_schemathesis_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--schemathesis", help="path of the schemathesis executable")


def find_schemathesis(explicit: str | None) -> str:
    """The Schemathesis executable (`--schemathesis`, else on PATH), or a one-line error."""
    return require_executable("schemathesis", SCHEMATHESIS_HINT, explicit)


def max_examples(profile: str) -> int:
    """The suite's `max_examples` for a Hypothesis profile: Schemathesis gets as many."""
    try:
        from hypothesis import settings

        from sms_acceptance.conformance import register_profiles
    except ImportError as error:
        raise BenchmarkError(f"the conformance suite is not importable ({error})") from None
    register_profiles()
    examples: int = settings.get_profile(profile).max_examples
    return examples


def counting_sandbox(temp: Path, credential: str, *options: str, what: str) -> ServerProcess:
    """The sandbox behind `_counting_sandbox.py`'s request counter (not started yet)."""
    return script_server(
        "_counting_sandbox.py",
        *options,
        what=what,
        log_path=temp / "sandbox.log",
        env={**os.environ, AUTHORIZATION_ENV: credential},
    )


class CountingTarget:
    """The counting sandbox, and runs of each tool measured against it (`runs`, by name)."""

    def __init__(
        self, server: ServerProcess, credential: str, temp: Path, *, bytecode_cache: bool
    ) -> None:
        self.server = server
        self.credential = credential
        self.temp = temp
        self.runs: dict[str, list[dict[str, Any]]] = {}
        # Python's default (bytecode written), and what CI runners do. Both tools pay for
        # compiling their imports (and pytest for rewriting the asserts of every plugin's
        # modules, Hypothesis included) on each run when bytecode is never written.
        self.bytecode = {"PYTHONDONTWRITEBYTECODE": None if bytecode_cache else "1"}
        self.env = {**os.environ, AUTHORIZATION_ENV: credential}
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        if not bytecode_cache:
            self.env["PYTHONDONTWRITEBYTECODE"] = "1"

    def _count(self) -> int:
        url = self.server.base_url + "/__bench__/count"
        with urllib.request.urlopen(url, timeout=10) as response:
            counts: dict[str, int] = json.loads(response.read())
        return counts.get("requests", 0)

    def measure(self, name: str, run: _Run) -> float:
        """Run a tool to completion; requests the server answered per wall second."""
        before = self._count()
        started = time.perf_counter()
        try:
            returncode, text = run()
        except subprocess.TimeoutExpired:
            raise BenchmarkError(f"{name} did not finish within {RUN_TIMEOUT_S}s") from None
        wall = time.perf_counter() - started
        requests = self._count() - before
        if requests == 0:
            tail = text.strip().splitlines()[-1:] or ["no output"]
            raise BenchmarkError(f"{name} sent no request (exit {returncode}): {tail[0]}")
        record = {
            "wall_s": round(wall, 3),
            "requests": requests,
            "requests_per_s": round(requests / wall, 2),
            "exit_code": returncode,
        }
        self.runs.setdefault(name, []).append(record)
        return requests / wall

    def ours(self, profile: str, *options: str, label: str = "") -> float:
        """`pytest conformance --hypothesis-profile PROFILE OPTIONS` against the sandbox.

        The run is named `pytest conformance (PROFILE LABEL)` in `runs`, with the number of
        checks its summary lists.
        """
        name = f"pytest conformance ({profile}{label})"
        report_dir = self.temp / ("ours-" + "-".join([profile, *options]).replace("=", "-"))

        def run() -> tuple[int, str]:
            done = run_suite(
                f"--base-url={self.server.base_url}",
                *("--hypothesis-profile", profile, "-q", *options),
                report_dir=report_dir,
                authorization=self.credential,
                timeout=RUN_TIMEOUT_S,
                variables=self.bytecode,
            )
            return done.returncode, done.stderr or done.stdout

        rate = self.measure(name, run)
        self.runs[name][-1]["checks"] = _checks_run(report_dir / "summary.json")
        return rate

    def schemathesis(self, executable: str, max_examples: int) -> float:
        argv = [
            executable, "run", str(REPO_ROOT / "schemas" / "openapi.yaml"),
            "--url", self.server.base_url,
            "--header", f"Authorization: {self.credential}",
            "--max-examples", str(max_examples),
            "--checks", "all",
            "--workers", "1",
            "--no-color",
            "--generation-database", "none",
            # Schemathesis otherwise stops a phase at its first failure (it finds OPEN-choice
            # "failures" on the sandbox), which would make its run short and its rate meaningless.
            "--continue-on-failure",
        ]  # fmt: skip

        def run() -> tuple[int, str]:
            # From the temp dir: Schemathesis leaves a `.schemathesis/` cache in its working dir.
            done = subprocess.run(
                argv, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, cwd=self.temp,
                env=self.env, stdin=subprocess.DEVNULL,
            )  # fmt: skip
            return done.returncode, done.stderr or done.stdout

        return self.measure(f"schemathesis ({max_examples} examples)", run)


def _checks_run(summary: Path) -> int | None:
    """How many named checks our run judged (from its summary.json), for the report."""
    try:
        document = json.loads(summary.read_text())
    except (OSError, ValueError):
        return None
    checks = document.get("checks")
    return len(checks) if isinstance(checks, list | dict) else None


def schemathesis_version(executable: str) -> str | None:
    try:
        done = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None
