"""Fixtures for the real-client tests: the client catalogue (`tools/clients/`) and a sandbox.

`tools/` is not a package on the path (it is run as scripts), so its catalogue is loaded by file.
"""

from __future__ import annotations

import importlib.util
import json
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from sms_acceptance.sandbox import SandboxConfig, SandboxProcess

TOOLS = Path(__file__).resolve().parents[2] / "tools"


def _load(name: str, path: Path) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


environments = _load("sms_acceptance_client_environments", TOOLS / "clients" / "environments.py")
SCENARIOS: list[dict[str, Any]] = json.loads(environments.SCENARIOS.read_text("utf-8"))["scenarios"]
API_KEY = "stand-in-" + secrets.token_hex(8)


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    """`sms-acceptance sandbox` as a user starts it: a process, default options, one key."""
    with SandboxProcess(SandboxConfig(authorization=f"App {API_KEY}")) as sandbox:
        yield sandbox.base_url
