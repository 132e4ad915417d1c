"""The sandbox in a child process, for Locust (whose gevent workers must not share a loop with it).

The child is `python -m sms_acceptance.sandbox` with the configuration as options, except the
credential, which goes through the environment: a command line is visible to every user of the
machine (`ps`), an environment is not. The parent waits for the child's ready line, which carries
the port the child picked, so there is no race for a free port.
"""

from __future__ import annotations

import os
import re
import selectors
import subprocess
import sys
import time
from collections.abc import Sequence
from types import TracebackType

from ._command import AUTHORIZATION_ENV, READY_PREFIX
from ._config import SandboxConfig
from ._serving import RunningSandbox, SandboxStartError
from ._tls import SandboxTls

__all__ = ["SandboxProcess"]

_READY_LINE = re.compile(
    re.escape(READY_PREFIX) + r"(?P<scheme>https?)://(?P<host>\S+):(?P<port>\d+) "
)


def _arguments(config: SandboxConfig, host: str, port: int, log_level: str) -> list[str]:
    faults = config.faults
    argv = [
        "--host", host,
        "--port", str(port),
        "--endpoint-path", config.endpoint_path,
        "--max-body-bytes", str(config.max_body_bytes),
        "--log-level", log_level,
        "--latency-ms", repr(faults.latency_ms),
        "--latency-distribution", faults.latency_distribution,
        "--latency-sigma", repr(faults.latency_sigma),
        "--stall-rate", repr(faults.stall_fraction),
        "--stall-seconds", repr(faults.stall_seconds),
    ]  # fmt: skip
    for status, fraction in faults.error_fractions.items():
        argv += ["--error-rate", f"{status}={fraction!r}"]
    if faults.seed is not None:
        argv += ["--seed", str(faults.seed)]
    return argv


class SandboxProcess:
    """A sandbox running in a subprocess; a context manager that starts it and terminates it.

    >>> with SandboxProcess(SandboxConfig(authorization="App KEY")) as sandbox:
    ...     url = sandbox.base_url
    """

    def __init__(
        self,
        config: SandboxConfig,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        log_level: str = "warning",
        startup_timeout: float = 20.0,
        tls: SandboxTls | None = None,
        extra_arguments: Sequence[str] = (),
    ) -> None:
        self.config = config
        # `extra_arguments`: more `sms-acceptance sandbox` options (e.g. its report options, as
        # the load test's --sandbox-args gives them), appended after the configuration's.
        self._argv = [
            sys.executable,
            "-m",
            "sms_acceptance.sandbox",
            *_arguments(config, host, port, log_level),
            *([] if tls is None else tls.arguments()),
            *extra_arguments,
        ]
        self._startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._running: RunningSandbox | None = None

    @property
    def running(self) -> RunningSandbox:
        """Where the started sandbox listens; `SandboxStartError` before `start()`."""
        if self._running is None:
            raise SandboxStartError("the sandbox process is not running")
        return self._running

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT` of the started sandbox."""
        return self.running.base_url

    @property
    def pid(self) -> int | None:
        """The child's process id, None before `start()`."""
        return None if self._process is None else self._process.pid

    @property
    def returncode(self) -> int | None:
        """The child's exit status once it ended (0 after a clean `stop()`), else None."""
        return None if self._process is None else self._process.poll()

    def start(self) -> RunningSandbox:
        """Start the child and wait (at most `startup_timeout`) until it accepts requests."""
        if self._process is not None:
            raise SandboxStartError("the sandbox process was already started")
        env = dict(os.environ)
        env[AUTHORIZATION_ENV] = "\n".join(self.config.accepted_authorizations)
        self._process = subprocess.Popen(
            self._argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=None, env=env
        )
        try:
            line = self._ready_line()
        except BaseException:
            self.stop()
            raise
        match = _READY_LINE.match(line)
        if match is None:
            self.stop()
            raise SandboxStartError(
                f"unexpected first line from the sandbox process: {line[:200]!r}"
            )
        host = match["host"].strip("[]")
        self._running = RunningSandbox(
            host=host, port=int(match["port"]), config=self.config, tls=match["scheme"] == "https"
        )
        return self._running

    def _ready_line(self) -> str:
        process = self._process
        assert process is not None and process.stdout is not None
        descriptor = process.stdout.fileno()
        received = b""
        deadline = time.monotonic() + self._startup_timeout
        with selectors.DefaultSelector() as selector:
            selector.register(descriptor, selectors.EVENT_READ)
            while b"\n" not in received:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise SandboxStartError(
                        f"the sandbox process did not start within {self._startup_timeout:g} s"
                    )
                if not selector.select(remaining):
                    continue
                chunk = os.read(descriptor, 4096)
                if not chunk:
                    code = process.wait(5)
                    raise SandboxStartError(
                        f"the sandbox process exited with status {code} before it was ready "
                        "(its error is on stderr)"
                    )
                received += chunk
        return received.partition(b"\n")[0].decode("utf-8", "replace")

    def stop(self, timeout: float = 10.0) -> int | None:
        """Terminate the child (SIGTERM, then SIGKILL after `timeout`); its exit status."""
        process = self._process
        if process is None:
            return None
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        if process.stdout is not None:
            process.stdout.close()
        self._running = None
        return process.returncode

    def __enter__(self) -> SandboxProcess:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
