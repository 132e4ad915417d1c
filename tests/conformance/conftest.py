"""Fixtures for the suite's own tests: the sandbox, misbehaving servers, and running the suite.

The suite is run the way a vendor's CI runs it: `python -m pytest conformance ...` in a subprocess
from the checkout, the credential in the environment. Every server here listens on 127.0.0.1 and
every run is bounded in time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sms_acceptance.sandbox import SandboxConfig, running_sandbox

from ._suite_runner import REPO_ROOT, SuiteRun, once_per_session, run_suite

__all__ = ["REPO_ROOT", "SECRET", "SuiteRun", "run_suite", "shared_run"]

SECRET = "App c0nf0rmance-s3cret-4b1d6e9f0a2c"


def shared_run(
    tmp_path_factory: pytest.TempPathFactory, key: str, run: Callable[[Path], SuiteRun]
) -> SuiteRun:
    """`run` once per test session even under pytest-xdist (see `once_per_session`)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    return once_per_session(root / "conformance-shared-runs", key, run)


@pytest.fixture
def suite(tmp_path: Path) -> Callable[..., SuiteRun]:
    """Run the suite with its reports in this test's temporary directory."""

    def run(*args: str, **kwargs: Any) -> SuiteRun:
        kwargs.setdefault("report_dir", tmp_path / "reports")
        kwargs.setdefault("authorization", SECRET)
        return run_suite(*args, **kwargs)

    return run


@pytest.fixture(scope="session")
def sandbox_url() -> Iterator[str]:
    """The reference sandbox, accepting `SECRET`."""
    with running_sandbox(SandboxConfig(authorization=SECRET)) as sandbox:
        yield sandbox.base_url


class RecordingApp:
    """ASGI middleware that keeps every request body an app received (to count what was sent)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []

        async def recording_receive() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self.bodies.append(b"".join(chunks))
            return message

        await self.app(scope, recording_receive, send)

    def destinations(self) -> list[str]:
        """Every `to` of every JSON request received."""
        found: list[str] = []
        for body in self.bodies:
            try:
                document = json.loads(body)
            except ValueError:
                continue
            messages = document.get("messages") if isinstance(document, dict) else None
            for message in messages if isinstance(messages, list) else []:
                targets = message.get("destinations") if isinstance(message, dict) else None
                for destination in targets if isinstance(targets, list) else []:
                    if isinstance(destination, dict):
                        found.append(str(destination.get("to")))
        return found
