"""Servers the benchmarks start on loopback, and how they are stopped and measured.

Every server a benchmark starts listens on 127.0.0.1 on a free port, is waited for until it
accepts connections (bounded), and is terminated by its own process id when the benchmark ends,
whatever happens in between.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from benchmarks._output import BenchmarkError

LOOPBACK = "127.0.0.1"
BENCHMARKS_DIR = Path(__file__).resolve().parent


def free_port() -> int:
    """A port nothing listens on right now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float, what: str) -> None:
    """Block until `port` accepts a connection; one-line error if the server died or is slow."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchmarkError(f"{what} exited with code {process.returncode} before listening")
        try:
            with socket.create_connection((LOOPBACK, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise BenchmarkError(f"{what} did not listen on {LOOPBACK}:{port} within {timeout:.0f}s")


def rss_kib(pid: int) -> int:
    """Resident memory of a process, from /proc (kiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise BenchmarkError(f"no VmRSS for process {pid}")


class ServerProcess:
    """A server subprocess listening on a loopback port, stopped by its pid on exit.

    Its output goes to a log file in the benchmark's temp dir, so a server that fails to start can
    be diagnosed, and nothing it prints interleaves with the benchmark's table.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        port: int,
        what: str,
        log_path: Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        start_timeout: float = 30.0,
    ) -> None:
        self.argv = list(argv)
        self.port = port
        self.what = what
        self.log_path = log_path
        self.env = dict(env) if env is not None else None
        self.cwd = cwd
        self.start_timeout = start_timeout
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        if self._process is None:
            raise BenchmarkError(f"{self.what} is not running")
        return self._process.pid

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def __enter__(self) -> ServerProcess:
        log = self.log_path.open("wb")
        try:
            self._process = subprocess.Popen(
                self.argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                cwd=self.cwd,
                start_new_session=True,
            )
        except OSError as error:
            raise BenchmarkError(f"cannot start {self.what}: {error}") from None
        finally:
            log.close()
        try:
            wait_for_port(self.port, self._process, self.start_timeout, self.what)
        except BenchmarkError as error:
            self.stop()
            tail = self.log_tail()
            message = f"{error}; last log line: {tail}" if tail else str(error)
            raise BenchmarkError(message) from None
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        """SIGTERM the process group we started (the server and its workers), then SIGKILL."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def log_tail(self) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1] if lines else ""


def script_server(
    script: str,
    *arguments: str,
    what: str,
    log_path: Path,
    env: Mapping[str, str] | None = None,
) -> ServerProcess:
    """`python benchmarks/<script> --port N ARGUMENTS` on a free loopback port (use with `with`).

    For the small servers that live next to the benchmarks (`_floor_server.py`,
    `_counting_sandbox.py`), which all take the port to listen on as `--port`.
    """
    port = free_port()
    argv = [sys.executable, str(BENCHMARKS_DIR / script), "--port", str(port), *arguments]
    return ServerProcess(argv, port=port, what=what, log_path=log_path, env=env)
