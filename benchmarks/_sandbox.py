"""The sandbox as the benchmarks start it: its own CLI, in a child process, on loopback.

`python -m sms_acceptance.sandbox` is what `sms-acceptance sandbox` and `SandboxProcess` run, so
the figures are those of the server users start. The credential is a fresh random one per run,
passed through the environment (never argv), and never printed.
"""

from __future__ import annotations

import os
import secrets
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from benchmarks._output import BenchmarkError
from benchmarks._processes import LOOPBACK, ServerProcess, free_port

AUTHORIZATION_ENV = "SMS_ACCEPTANCE_AUTHORIZATION"
ENDPOINT_PATH = "/sms/1/text/advanced"


def bench_credential() -> str:
    """A throwaway `App` credential for one benchmark run against our own loopback servers."""
    return f"App bench-{secrets.token_hex(12)}"


def sandbox_process(
    temp: Path, credential: str, *, name: str = "sandbox", options: Sequence[str] = ()
) -> ServerProcess:
    """The sandbox CLI on a free loopback port with `options` added (start it with `with`)."""
    try:
        import sms_acceptance.sandbox  # noqa: F401  (only to fail early, in one line)
    except ImportError as error:
        raise BenchmarkError(f"the sandbox is not importable ({error})") from None
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "sms_acceptance.sandbox",
        "--host",
        LOOPBACK,
        "--port",
        str(port),
        "--log-level",
        "warning",
        *options,
    ]
    env = {**os.environ, AUTHORIZATION_ENV: credential}
    return ServerProcess(argv, port=port, what=name, log_path=temp / f"{name}.log", env=env)


def post(url: str, body: bytes, credential: str, *, timeout: float = 30) -> tuple[int, bytes]:
    """One POST (loopback only) with the JSON headers a client sends; (status, body)."""
    if not url.startswith(f"http://{LOOPBACK}:"):
        raise BenchmarkError(f"refusing to send to a non-loopback URL: {url}")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers=json_headers(credential),
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status: int = response.status
            return status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError as error:
        raise BenchmarkError(f"POST {url} failed: {error}") from None


def json_headers(credential: str) -> dict[str, str]:
    """The headers a JSON client sends: the same for urllib, wrk and Locust contenders."""
    return {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Authorization": credential,
    }
