"""What machine a figure was measured on: without it a figure cannot be compared with anything.

Read from /proc and the installed package metadata, never guessed. The load average at the start
is recorded too, because on a shared 2-core box it tells a reader how noisy the run was.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

# The libraries whose speed the figures depend on.
LIBRARIES = (
    "sms-acceptance",
    "locust",
    "gevent",
    "geventhttpclient",
    "jsonschema",
    "jsonschema-rs",
    "hypothesis",
    "httpx",
    "starlette",
    "uvicorn",
    "orjson",
    "hdrhistogram",
    "pytest",
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_mib() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    except (OSError, ValueError):
        pass
    return None


def _tool_version(executable: str, *args: str) -> str | None:
    """First line a tool prints about its version (nginx and wrk print it to stderr)."""
    path = shutil.which(executable)
    if path is None:
        return None
    try:
        done = subprocess.run([path, *args], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (done.stdout + done.stderr).strip()
    return text.splitlines()[0] if text else None


def library_versions(names: tuple[str, ...] = LIBRARIES) -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def machine_info(extra_tools: dict[str, str | None] | None = None) -> dict[str, Any]:
    """Everything a reader needs to know to weigh the figures."""
    info: dict[str, Any] = {
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)),
        "cpu_model": _cpu_model(),
        "memory_mib": _memory_mib(),
        "platform": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "libraries": library_versions(),
        "tools": {
            "nginx": _tool_version("nginx", "-v"),
            "wrk": _tool_version("wrk", "-v"),
        },
    }
    if extra_tools:
        info["tools"].update(extra_tools)
    return info
