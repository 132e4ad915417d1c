"""Running `pytest conformance` the way a vendor's CI runs it: one helper for every test that does.

The suite runs in its own process from the checkout (`python -m pytest conformance ...`), so a
test sees the real command line, exit code and report files; nothing of the suite is imported or
patched. The credential goes through the environment, as the documented CI jobs pass it, so it is
on no command line. The zoo (`zoo/_suite_run.py`) adds its fixed seed and profile on top.
"""

from __future__ import annotations

import fcntl
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sms_acceptance.sandbox import AUTHORIZATION_ENV

from .._child_process import child_environment, run_child

REPO_ROOT = Path(__file__).resolve().parents[2]
SUITE_TIMEOUT_S = 180.0


@dataclass(frozen=True)
class SuiteRun:
    """A finished `pytest conformance` subprocess and what it wrote.

    `base_url` is where the server was (when the caller says): a reproduction replayed against a
    fresh instance of the same server swaps it for the new one.
    """

    returncode: int
    stdout: str
    stderr: str
    report_dir: Path
    base_url: str | None = None

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def output_tail(self, lines: int = 40) -> str:
        text = (self.stdout + "\n" + self.stderr).strip().splitlines()
        return "\n".join(text[-lines:])

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

    def check(self, name: str) -> dict[str, Any]:
        return self.checks()[name]

    def failed_checks(self) -> set[str]:
        return {name for name, check in self.checks().items() if check["verdict"] == "FAIL"}

    def failures(self, check: str | None = None) -> list[dict[str, Any]]:
        return [
            failure
            for name, entry in self.checks().items()
            if check is None or name == check
            for failure in entry.get("failures") or []
        ]


def run_suite(
    *args: str,
    report_dir: Path,
    authorization: str | None,
    select: tuple[str, ...] = ("conformance",),
    timeout: float = SUITE_TIMEOUT_S,
    base_url: str | None = None,
    variables: Mapping[str, str | None] | None = None,
) -> SuiteRun:
    """`pytest SELECT --report-dir DIR ARGS` in a subprocess from the checkout, bounded in time;
    `authorization` (None: unset) in $SMS_ACCEPTANCE_AUTHORIZATION; `variables` set (None: unset)
    on top of this process's environment."""
    environment = child_environment({AUTHORIZATION_ENV: authorization, **(variables or {})})
    command = [
        sys.executable, "-m", "pytest", *select, "-p", "no:cacheprovider",
        "--report-dir", str(report_dir), *args,
    ]  # fmt: skip
    completed = run_child(command, cwd=REPO_ROOT, env=environment, timeout=timeout)
    return SuiteRun(completed.returncode, completed.stdout, completed.stderr, report_dir, base_url)


def once_per_session(cache_dir: Path, key: str, run: Callable[[Path], SuiteRun]) -> SuiteRun:
    """`run(cache_dir / key)` once per test session even under pytest-xdist: the first worker runs
    it (holding a file lock), the others read its outcome. One run per key."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    outcome = cache_dir / f"{key}.json"
    with (cache_dir / f"{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not outcome.exists():
            done = asdict(run(cache_dir / key))
            done.pop("report_dir")
            outcome.write_text(json.dumps(done), encoding="utf-8")
        saved = json.loads(outcome.read_text(encoding="utf-8"))
    return SuiteRun(report_dir=cache_dir / key, **saved)
