"""A load generator measured from outside: requests served and CPU spent in one steady window.

Each load generator runs in its own session (process group); the target (nginx) logs the time of
every answer. Once the first answer arrives and the warm-up has passed, the CPU time of every
process in the generator's session is read from /proc, and again shortly before the run ends; the
answers logged between the two readings give the steady rate, and the CPU spent per request.

Two figures, because this 2-core machine is shared: the rate (requests per wall second) is what a
user sees and what the goals are stated in, but it falls whenever another job takes a core; the
CPU time per request is what the generator itself costs, and barely moves with the noise. A ratio
of rates that disagrees with the inverse ratio of CPU costs says the machine was busy.

Given the target's session too, the window also reads the target's CPU: on a 2-core machine the
cores the generator and the target use together show when the machine, not the generator, is the
limit (two Locust workers plus nginx fill both cores).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks._output import BenchmarkError

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(stat: Path) -> list[str]:
    """The fields of a /proc/PID/stat after the command name (which may hold spaces and
    parentheses: split after its last ')'); index 3 is the session id, 11 and 12 utime, stime."""
    raw = stat.read_text()
    return raw[raw.rindex(")") + 2 :].split()


def _session_stats(session_id: int) -> list[tuple[int, list[str]]]:
    """(pid, stat fields) of every live process in a session."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat_fields(entry / "stat")
        except OSError:
            continue
        if int(fields[3]) == session_id:
            found.append((int(entry.name), fields))
    return found


def session_pids(session_id: int) -> list[int]:
    """Every live process of a session (a sandbox and its report worker)."""
    return [pid for pid, _ in _session_stats(session_id)]


def session_cpu_seconds(session_id: int) -> float:
    """User + system CPU seconds of every live process in a session (from /proc/*/stat)."""
    ticks = sum(int(f[11]) + int(f[12]) for _, f in _session_stats(session_id))
    return ticks / _CLOCK_TICKS


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process."""
    fields = _stat_fields(Path(f"/proc/{pid}/stat"))
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


@dataclass(frozen=True)
class Window:
    """What one load generator did in its steady window."""

    requests: int
    seconds: float
    cpu_seconds: float
    exit_code: int
    target_cpu_seconds: float | None = None

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def cpu_microseconds_per_request(self) -> float:
        return 1e6 * self.cpu_seconds / self.requests if self.requests else 0.0

    @property
    def cores(self) -> float:
        """Cores the generator kept busy on average in the window."""
        return self.cpu_seconds / self.seconds if self.seconds > 0 else 0.0

    @property
    def target_cores(self) -> float | None:
        """Cores the target kept busy on average in the window (None when it was not read)."""
        if self.target_cpu_seconds is None or self.seconds <= 0:
            return None
        return self.target_cpu_seconds / self.seconds

    def as_dict(self) -> dict[str, Any]:
        figures: dict[str, Any] = {
            "requests_in_window": self.requests,
            "window_s": round(self.seconds, 3),
            "requests_per_s": round(self.requests_per_s, 1),
            "cpu_s": round(self.cpu_seconds, 3),
            "cpu_us_per_request": round(self.cpu_microseconds_per_request, 1),
            "cores": round(self.cores, 3),
            "exit_code": self.exit_code,
        }
        if self.target_cores is not None:
            figures["target_cores"] = round(self.target_cores, 3)
        return figures


def _answers(log: Path) -> list[float]:
    try:
        return [float(line) for line in log.read_text().split()]
    except (OSError, ValueError):
        return []


def measure_window(
    argv: Sequence[str],
    *,
    answers_log: Path,
    duration_s: float,
    warmup_s: float,
    env: Mapping[str, str] | None = None,
    target_session: int | None = None,
    start_timeout_s: float = 240,
    wind_down_s: float = 1.5,
) -> tuple[Window, str]:
    """Run `argv` (which loads the target for `duration_s`), measure its steady window.

    `answers_log` is the target's log of answer times (epoch seconds, one a line), emptied before
    the run. `target_session`, the target's session id, has its CPU read over the same window.
    Returns the window and the tail of the generator's stderr.
    """
    answers_log.write_bytes(b"")
    # stderr to a file, not a pipe: a chatty generator must never block on a full pipe.
    stderr_path = answers_log.with_name("generator.stderr")
    with stderr_path.open("wb") as stderr_file:
        process = subprocess.Popen(
            list(argv),
            stdout=subprocess.DEVNULL,
            stderr=stderr_file,
            stdin=subprocess.DEVNULL,
            env=dict(env) if env is not None else None,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + start_timeout_s
        first: float | None = None
        while first is None:
            if process.poll() is not None:
                last = _tail(stderr_path).strip().splitlines()[-1:] or ["no output"]
                raise BenchmarkError(f"{argv[0]} exited before loading the target: {last[0]}")
            if time.monotonic() > deadline:
                raise BenchmarkError(f"no answer within {start_timeout_s:g} s of starting the run")
            answers = _answers(answers_log)
            first = answers[0] if answers else None
            if first is None:
                time.sleep(0.05)
        window_start = first + warmup_s
        window_end = first + duration_s - wind_down_s
        if window_end <= window_start:
            raise BenchmarkError(
                f"a {duration_s:g} s run is too short for a {warmup_s:g} s warm-up"
            )
        time.sleep(max(0.0, window_start - time.time()))
        target_start = _target_cpu(target_session)
        cpu_start, wall_start = session_cpu_seconds(process.pid), time.time()
        time.sleep(max(0.0, window_end - time.time()))
        cpu_end, wall_end = session_cpu_seconds(process.pid), time.time()
        target_end = _target_cpu(target_session)
        try:
            process.wait(timeout=start_timeout_s)
        except subprocess.TimeoutExpired:
            raise BenchmarkError(f"{argv[0]} did not stop within {start_timeout_s:g} s") from None
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    answers = _answers(answers_log)
    served = sum(1 for stamp in answers if wall_start <= stamp < wall_end)
    target_cpu = (
        target_end - target_start if target_start is not None and target_end is not None else None
    )
    window = Window(
        served, wall_end - wall_start, cpu_end - cpu_start, process.returncode, target_cpu
    )
    return window, _tail(stderr_path)


def _target_cpu(session_id: int | None) -> float | None:
    return None if session_id is None else session_cpu_seconds(session_id)


def _tail(path: Path) -> str:
    try:
        return path.read_bytes()[-2000:].decode(errors="replace")
    except OSError:
        return ""
