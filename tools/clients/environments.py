"""The real Infobip clients this kit is checked against, and where each one is installed.

Each client build gets an environment of its own (4.x and 3.x are the same package; the community
SDK pins an older pydantic), built once from the ordinary registries (PyPI, npm) into a cache
folder and reused: `.client-envs/` in the checkout unless `SMS_ACCEPTANCE_CLIENT_ENVS` says
otherwise. A file lock per environment lets parallel test workers share a build.
The versions are pinned: the recordings under `sms_acceptance/conformance/client_recordings/`
are these versions' bytes, and `tools/record_clients.py` refreshes both together.
"""

from __future__ import annotations

import fcntl
import glob
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

__all__ = [
    "CLIENTS",
    "DRIVERS",
    "SCENARIOS",
    "ClientBuild",
    "ClientEnvironment",
    "ClientUnavailable",
    "client_environment",
    "find_python27",
    "run_driver",
]

HERE = Path(__file__).resolve().parent
DRIVERS = HERE / "drivers"
SCENARIOS = HERE / "scenarios.json"
_CHECKOUT = HERE.parent.parent
_INSTALL_TIMEOUT_S = 600
_DRIVER_TIMEOUT_S = 120

Runtime = Literal["python3", "python2.7", "node"]


class ClientUnavailable(RuntimeError):
    """A client's runtime (node, Python 2.7) is not on this machine; the message says which."""


@dataclass(frozen=True)
class ClientBuild:
    """One released client: what to install, how to drive it, what it posts to."""

    id: str  # the report's key, e.g. "infobip-api-python-client-4"
    package: str  # as its registry names it
    version: str
    runtime: Runtime
    driver: str  # file name under drivers/
    rule: str  # rules.md K1-K5
    path: str  # the path it posts to
    extra_requirements: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return f"{self.package} {self.version}"


CLIENTS: tuple[ClientBuild, ...] = (
    ClientBuild(
        "infobip-api-python-client-4", "infobip-api-python-client", "4.0.0", "python3",
        "python_client_4.py", "K1", "/sms/2/text/advanced",
    ),
    ClientBuild(
        "infobip-api-python-client-3", "infobip-api-python-client", "3.0.3", "python3",
        "python_client_3.py", "K2", "/sms/2/text/advanced",
    ),
    ClientBuild(
        "infobip-api-sdk-npm", "@infobip-api/sdk", "0.3.2", "node",
        "node_sdk.js", "K3", "/sms/2/text/advanced",
    ),
    ClientBuild(
        "infobip-api-python-sdk-5", "infobip-api-python-sdk", "5.0.1", "python3",
        "python_sdk_5.py", "K4", "/sms/2/text/advanced",
    ),
    ClientBuild(
        "infobip-api-python-client-2", "infobip-api-python-client", "2.3.0", "python2.7",
        "python_client_2.py", "K5", "/sms/1/text/advanced",
        # Imported by its models but missing from its metadata; 2.x is the last for Python 2.
        extra_requirements=("jsonpickle<2",),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class ClientEnvironment:
    """A ready client: the command that runs its driver, and the environment it needs."""

    build: ClientBuild
    command: tuple[str, ...]
    env: Mapping[str, str]


def _cache_root() -> Path:
    configured = os.environ.get("SMS_ACCEPTANCE_CLIENT_ENVS")
    return Path(configured) if configured else _CHECKOUT / ".client-envs"


def find_python27() -> str | None:
    """A working Python 2.7 interpreter (PATH, then pyenv's versions), or None."""
    candidates = [shutil.which("python2.7"), shutil.which("python2")]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/2.7*/bin/python2.7")))
    for candidate in candidates:
        if not candidate:
            continue
        probe = subprocess.run(
            [candidate, "-c", "import sys; assert sys.version_info[:2] == (2, 7)"],
            capture_output=True,
            timeout=30,
        )
        if probe.returncode == 0:
            return candidate
    return None


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f"{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _run(command: list[str], what: str) -> None:
    finished = subprocess.run(command, capture_output=True, text=True, timeout=_INSTALL_TIMEOUT_S)
    if finished.returncode != 0:
        last = (finished.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"installing {what} failed: {last}")


def _install(build: ClientBuild, folder: Path) -> None:
    requirement = f"{build.package}=={build.version}"
    if build.runtime == "python3":
        _run([sys.executable, "-m", "venv", str(folder)], build.label)
        pip = [str(folder / "bin" / "python"), "-m", "pip", "install", "-q"]
        _run([*pip, "--disable-pip-version-check", requirement], build.label)
    elif build.runtime == "python2.7":
        python27 = find_python27()
        assert python27 is not None
        _run(
            [python27, "-m", "pip", "install", "-q", "--target", str(folder / "lib"),
             requirement, *build.extra_requirements],
            build.label,
        )  # fmt: skip
    else:
        npm = shutil.which("npm")
        assert npm is not None
        folder.mkdir(parents=True, exist_ok=True)
        _run(
            [npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(folder),
             f"{build.package}@{build.version}"],
            build.label,
        )  # fmt: skip


def client_environment(build: ClientBuild) -> ClientEnvironment:
    """The client installed (once; later calls reuse it), or `ClientUnavailable`."""
    python27 = find_python27() if build.runtime == "python2.7" else None
    if build.runtime == "python2.7" and python27 is None:
        raise ClientUnavailable(f"{build.label} needs a Python 2.7 interpreter; none found")
    node = shutil.which("node") if build.runtime == "node" else None
    if build.runtime == "node" and (node is None or shutil.which("npm") is None):
        raise ClientUnavailable(
            f"{build.label} needs node and npm (Debian: apt install nodejs npm)"
        )
    folder = _cache_root() / f"{build.id}-{build.version}"
    stamp = folder / ".installed"
    with _locked(folder):
        if not stamp.exists():
            shutil.rmtree(folder, ignore_errors=True)
            _install(build, folder)
            stamp.write_text(build.label + "\n")
    driver = str(DRIVERS / build.driver)
    # Nothing of this interpreter's, and no proxy: every request stays on loopback.
    base_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "NODE_")) and not k.lower().endswith("_proxy")
    }
    if build.runtime == "python3":
        return ClientEnvironment(build, (str(folder / "bin" / "python"), driver), base_env)
    if build.runtime == "python2.7":
        assert python27 is not None
        env = {**base_env, "PYTHONPATH": str(folder / "lib")}
        return ClientEnvironment(build, (python27, driver), env)
    assert node is not None
    env = {**base_env, "NODE_PATH": str(folder / "node_modules")}
    return ClientEnvironment(build, (node, driver), env)


def run_driver(
    environment: ClientEnvironment, base_url: str, api_key: str, wrong_key: str
) -> subprocess.CompletedProcess[str]:
    """Runs the client's driver over every scenario against `base_url` (bounded in time)."""
    env = {**environment.env, "INFOBIP_API_KEY": api_key, "INFOBIP_WRONG_KEY": wrong_key}
    return subprocess.run(
        [*environment.command, str(SCENARIOS), base_url],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=_DRIVER_TIMEOUT_S,
    )
