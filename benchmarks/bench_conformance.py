"""Benchmarks 5 and 6b: conformance throughput against Schemathesis, and wall time per profile.

Both tools test the same server, the sandbox behind a request counter (`_counting_sandbox.py`),
one process each, alternating: `pytest conformance --hypothesis-profile P` (every check of
`docs/conformance.md`, the request oracle confirming each negative case, segment counts) and
`schemathesis run schemas/openapi.yaml` with the same number of examples per operation
(`--max-examples` = profile P's `max_examples`), all its checks, every phase. A sample is the
requests the server answered during the run over the run's wall time (start-up included: a
user waits for it too).

Goal (issue 5, item 5): our rate >= 2 x Schemathesis's. Item 6: wall time of `pytest conformance`
for the `quick`, `ci` and `thorough` profiles.

Both tools run with Python's default bytecode caching (this machine's shell sets
PYTHONDONTWRITEBYTECODE=1, which CI runners do not), after one unmeasured run of each;
`--no-bytecode-cache` measures without it.

Schemathesis is not a project dependency: install it in a throwaway venv and pass its path,
    python3 -m venv /tmp/bench-venv && /tmp/bench-venv/bin/pip install schemathesis
    python benchmarks/bench_conformance.py --schemathesis /tmp/bench-venv/bin/schemathesis [--quick]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._measure import Goal, alternate, ratios, summarise, summarise_each
from benchmarks._output import (
    REPO_ROOT,
    BenchmarkError,
    benchmark_parser,
    format_table,
    progress,
    rate_progress,
    ratio_verdict,
    require_executable,
    run_main,
    start_benchmark,
)
from benchmarks._processes import ServerProcess, script_server
from benchmarks._sandbox import AUTHORIZATION_ENV, bench_credential

NAME = "conformance"
GOAL_RATIO = 2.0
SCHEMATHESIS_HINT = (
    "install it in a throwaway venv (`python3 -m venv /tmp/bench-venv && "
    "/tmp/bench-venv/bin/pip install schemathesis`) and pass --schemathesis PATH"
)
PROFILES = ("quick", "ci", "thorough")
RUN_TIMEOUT_S = 1800


def _max_examples(profile: str) -> int:
    try:
        from hypothesis import settings

        from sms_acceptance.conformance import register_profiles
    except ImportError as error:
        raise BenchmarkError(f"the conformance suite is not importable ({error})") from None
    register_profiles()
    examples: int = settings.get_profile(profile).max_examples
    return examples


class _Target:
    """The counting sandbox, and runs of each tool measured against it."""

    def __init__(
        self, server: ServerProcess, credential: str, temp: Path, *, bytecode_cache: bool
    ) -> None:
        self.server = server
        self.credential = credential
        self.temp = temp
        self.runs: dict[str, list[dict[str, Any]]] = {}
        self.env = {**os.environ, AUTHORIZATION_ENV: credential}
        if bytecode_cache:
            # Python's default, and what CI runners do. Both tools pay for compiling their
            # imports (and pytest for rewriting the asserts of every plugin's modules, Hypothesis
            # included) on each run when bytecode is never written.
            self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        else:
            self.env["PYTHONDONTWRITEBYTECODE"] = "1"

    def _count(self) -> int:
        url = self.server.base_url + "/__bench__/count"
        with urllib.request.urlopen(url, timeout=10) as response:
            counts: dict[str, int] = json.loads(response.read())
        return counts.get("requests", 0)

    def measure(
        self,
        name: str,
        argv: list[str],
        extra: dict[str, Any] | None = None,
        cwd: Path = REPO_ROOT,
    ) -> float:
        """Run a tool to completion; requests the server answered per wall second."""
        before = self._count()
        started = time.perf_counter()
        try:
            done = subprocess.run(
                argv,
                capture_output=True,
                text=True,
                timeout=RUN_TIMEOUT_S,
                cwd=cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise BenchmarkError(f"{name} did not finish within {RUN_TIMEOUT_S}s") from None
        wall = time.perf_counter() - started
        requests = self._count() - before
        if requests == 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise BenchmarkError(f"{name} sent no request (exit {done.returncode}): {tail[0]}")
        record = {
            "wall_s": round(wall, 3),
            "requests": requests,
            "requests_per_s": round(requests / wall, 2),
            "exit_code": done.returncode,
            **(extra or {}),
        }
        self.runs.setdefault(name, []).append(record)
        return requests / wall

    def ours(self, profile: str) -> float:
        report_dir = self.temp / f"ours-{profile}"
        argv = [
            sys.executable,
            "-m",
            "pytest",
            "conformance",
            f"--base-url={self.server.base_url}",
            "--hypothesis-profile",
            profile,
            "-p",
            "no:cacheprovider",
            "-q",
            "--report-dir",
            str(report_dir),
        ]
        name = f"pytest conformance ({profile})"
        rate = self.measure(name, argv)
        self.runs[name][-1]["checks"] = _checks_run(report_dir / "summary.json")
        return rate

    def schemathesis(self, executable: str, max_examples: int) -> float:
        argv = [
            executable,
            "run",
            str(REPO_ROOT / "schemas" / "openapi.yaml"),
            "--url",
            self.server.base_url,
            "--header",
            f"Authorization: {self.credential}",
            "--max-examples",
            str(max_examples),
            "--checks",
            "all",
            "--workers",
            "1",
            "--no-color",
            "--generation-database",
            "none",
            # Schemathesis otherwise stops a phase at its first failure (it finds OPEN-choice
            # "failures" on the sandbox), which would make its run short and its rate meaningless.
            "--continue-on-failure",
        ]
        # Run from the temp dir: Schemathesis leaves a `.schemathesis/` cache in its working dir.
        return self.measure(f"schemathesis ({max_examples} examples)", argv, cwd=self.temp)


def _checks_run(summary: Path) -> int | None:
    """How many named checks our run judged (from its summary.json), for the report."""
    try:
        document = json.loads(summary.read_text())
    except (OSError, ValueError):
        return None
    checks = document.get("checks")
    return len(checks) if isinstance(checks, list | dict) else None


def main() -> int:
    parser = benchmark_parser(
        __doc__, quick="1 round, the quick profile only", rounds="alternating rounds (default 3)"
    )
    parser.add_argument(
        "--profile", choices=PROFILES, help="profile compared with Schemathesis (default ci)"
    )
    parser.add_argument("--schemathesis", help="path of the schemathesis executable")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="run both tools with PYTHONDONTWRITEBYTECODE=1 (default: Python's default, caches "
        "written; one unmeasured run of each tool first)",
    )
    parser.add_argument(
        "--profiles",
        default=None,
        help="comma-separated profiles to time (default quick,ci,thorough; --quick: quick)",
    )
    run = start_benchmark(parser)
    args = run.args
    rounds = args.rounds or (1 if args.quick else 3)
    compared = args.profile or ("quick" if args.quick else "ci")
    timed = tuple((args.profiles or ("quick" if args.quick else ",".join(PROFILES))).split(","))
    unknown = [p for p in timed if p not in PROFILES]
    if unknown:
        raise BenchmarkError(f"unknown profile(s) {', '.join(unknown)}: pick from {PROFILES}")
    schemathesis = require_executable("schemathesis", SCHEMATHESIS_HINT, args.schemathesis)
    max_examples = _max_examples(compared)

    credential = bench_credential()
    with tempfile.TemporaryDirectory(prefix="sms-bench-conformance-") as temp_name:
        temp = Path(temp_name)
        server = script_server(
            "_counting_sandbox.py",
            what="counting sandbox",
            log_path=temp / "sandbox.log",
            env={**os.environ, AUTHORIZATION_ENV: credential},
        )
        with server:
            target = _Target(server, credential, temp, bytecode_cache=not args.no_bytecode_cache)
            # One unmeasured run of each: imports compiled and cached (when caching), the
            # server warm; then the alternating rounds.
            target.ours(compared)
            target.schemathesis(schemathesis, max_examples)
            target.runs.clear()
            samples = alternate(
                {
                    "ours": lambda: target.ours(compared),
                    "schemathesis": lambda: target.schemathesis(schemathesis, max_examples),
                },
                rounds,
                on_sample=rate_progress(NAME, decimals=1),
            )
            walls: dict[str, list[float]] = {}
            for profile in timed:
                name = f"pytest conformance ({profile})"
                # The compared profile's runs above already timed it; thorough runs once.
                repeat = 0 if profile == compared else 1 if profile == "thorough" else rounds
                for _ in range(repeat):
                    target.ours(profile)
                walls[profile] = [run["wall_s"] for run in target.runs[name]]
                progress(f"{NAME}: profile {profile}: {walls[profile]} s")

    rates = summarise_each(samples)
    ratio = ratios(samples["ours"], samples["schemathesis"])
    goal = Goal(
        name=f"pytest conformance ({compared}) / schemathesis req/s",
        statement="our suite checks >= 2 x as many requests per second as Schemathesis",
        measured=ratio.median,
        threshold=GOAL_RATIO,
        comparison=">=",
    )
    ours_runs = target.runs[f"pytest conformance ({compared})"][:rounds]
    st_runs = target.runs[f"schemathesis ({max_examples} examples)"]
    rows: list[list[object]] = [
        [
            f"pytest conformance ({compared})",
            rates["ours"].median,
            f"{rates['ours'].spread_percent:.0f}%",
            summarise([r["requests"] for r in ours_runs]).median,
            summarise([r["wall_s"] for r in ours_runs]).median,
        ],
        [
            f"schemathesis (-n {max_examples})",
            rates["schemathesis"].median,
            f"{rates['schemathesis'].spread_percent:.0f}%",
            summarise([r["requests"] for r in st_runs]).median,
            summarise([r["wall_s"] for r in st_runs]).median,
        ],
    ]
    print(format_table(["tool", "req/s median", "spread", "requests", "wall s"], rows))
    print("\n" + ratio_verdict("ours/schemathesis", ratio, goal))
    wall_rows: list[list[object]] = []
    for profile, values in walls.items():
        runs = target.runs[f"pytest conformance ({profile})"]
        wall_rows.append(
            [
                profile,
                _max_examples(profile),
                summarise(values).median,
                summarise([r["requests"] for r in runs]).median,
            ]
        )
    print()
    print(format_table(["profile", "max_examples", "wall s (median)", "requests"], wall_rows))
    run.report(
        NAME,
        {
            "machine": {**run.machine, "schemathesis": _version(schemathesis)},
            "method": (
                "the sandbox behind a counting ASGI middleware; each tool run to completion in "
                f"one process, alternated over {rounds} rounds; rate = requests the server "
                "answered / wall time of the run (start-up included)"
            ),
            "compared_profile": compared,
            "schemathesis_max_examples": max_examples,
            "requests_per_s": {name: s.as_dict() for name, s in rates.items()},
            "ratio_ours_to_schemathesis": ratio.as_dict(),
            "profile_wall_s": {p: summarise(v).as_dict() for p, v in walls.items()},
            "runs": target.runs,
        },
        [goal],
    )
    return 0


def _version(executable: str) -> str | None:
    try:
        done = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None


if __name__ == "__main__":
    run_main("bench_conformance", main)
