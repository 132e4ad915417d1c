"""wrk, the box's limit: a C load generator posting one fixed body, for comparison with ours.

wrk posts through a Lua script written to a temp dir (method, body, headers) whose `done` hook
prints one machine-readable line, so no figure is scraped from wrk's human summary. Non-2xx
answers are counted: a benchmark whose target answered errors measured the wrong thing.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks._output import BenchmarkError, require_executable

WRK_INSTALL_HINT = "install it with `apt-get install nginx wrk`"

_MARK = "WRK_RESULT "

_DONE_HOOK = """
done = function(summary, latency, requests)
  io.write(string.format(
    '%s{"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, '
    .. '"read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, '
    .. '"latency_p50_us": %d, "latency_p99_us": %d}\\n',
    "{mark}", summary.requests, summary.duration, summary.bytes, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run did."""

    requests: int
    duration_s: float
    non_2xx: int
    socket_errors: int
    latency_p50_ms: float
    latency_p99_ms: float

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.duration_s if self.duration_s > 0 else 0.0

    @property
    def all_answered(self) -> bool:
        """Requests were sent and every one got a 2xx: only then is the rate a capacity."""
        return self.requests > 0 and not self.non_2xx and not self.socket_errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "duration_s": round(self.duration_s, 3),
            "requests_per_s": round(self.requests_per_s, 1),
            "non_2xx": self.non_2xx,
            "socket_errors": self.socket_errors,
            "latency_p50_ms": self.latency_p50_ms,
            "latency_p99_ms": self.latency_p99_ms,
        }


def _lua_long_string(text: str) -> str:
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


# Replaced in the body by a per-request counter when a run asks for varying bodies.
COUNTER_MARK = "@N@"

_VARYING_REQUEST = """
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, nil, nil, (wrk.body:gsub("@N@", tostring(counter))))
end
"""


def _script(body: bytes, headers: Mapping[str, str], *, varying: bool) -> str:
    lines = ['wrk.method = "POST"', f"wrk.body = {_lua_long_string(body.decode())}"]
    for name, value in headers.items():
        lines.append(f"wrk.headers[ {_lua_long_string(name)} ] = {_lua_long_string(value)}")
    hooks = (_VARYING_REQUEST if varying else "") + _DONE_HOOK.replace("{mark}", _MARK)
    return "\n".join(lines) + "\n" + hooks


def write_script(
    directory: Path, body: bytes, headers: Mapping[str, str], *, varying: bool = False
) -> Path:
    """The Lua script that makes wrk POST `body` with `headers` (and report in one line)."""
    script = directory / "post.lua"
    script.write_text(_script(body, headers, varying=varying))
    return script


def wrk_argv(
    script: Path, url: str, *, duration_s: int, connections: int, threads: int = 1
) -> list[str]:
    """The wrk command line for `script` against `url` (loopback only)."""
    if not url.startswith("http://127.0.0.1:"):
        raise BenchmarkError(f"refusing to load a non-loopback URL: {url}")
    wrk = require_executable("wrk", WRK_INSTALL_HINT)
    return [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration_s}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
    ]


def run_wrk(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    duration_s: int,
    connections: int,
    threads: int = 1,
    varying: bool = False,
) -> WrkResult:
    """POST `body` to `url` for `duration_s` seconds over `connections` keep-alive connections.

    With `varying`, every `COUNTER_MARK` in the body is replaced by a per-request counter (per wrk
    thread), so a server cannot answer from a cache keyed by the body.
    """
    with tempfile.TemporaryDirectory(prefix="sms-bench-wrk-") as temp:
        script = write_script(Path(temp), body, headers, varying=varying)
        argv = wrk_argv(
            script, url, duration_s=duration_s, connections=connections, threads=threads
        )
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=duration_s + 60)
        except subprocess.TimeoutExpired:
            raise BenchmarkError(f"wrk did not finish within {duration_s + 60}s") from None
    for line in done.stdout.splitlines():
        if line.startswith(_MARK):
            raw = json.loads(line[len(_MARK) :])
            return WrkResult(
                requests=raw["requests"],
                duration_s=raw["duration_us"] / 1e6,
                non_2xx=raw["status_errors"],
                socket_errors=raw["connect_errors"]
                + raw["read_errors"]
                + raw["write_errors"]
                + raw["timeouts"],
                latency_p50_ms=raw["latency_p50_us"] / 1000,
                latency_p99_ms=raw["latency_p99_us"] / 1000,
            )
    error = (done.stderr or done.stdout).strip().splitlines()
    raise BenchmarkError(f"wrk printed no result: {error[-1] if error else 'no output'}")
