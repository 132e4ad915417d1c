"""What the send endpoint and the report routes see of the report lifecycle, wherever it runs.

Two ways to run it (`ReportConfig.worker`): `inline`, the lifecycle in the serving process's own
event loop (`InlineReports`); or `process`, the same lifecycle in a process of its own
(`_report_worker_client.ProcessReports`), so that tracking, finalising and pushing reports cost
the send path almost nothing: at the sandbox's maximum send rate the inline lifecycle took ~40 %
of the serving process's CPU (benchmarks/README.md, "Delivery reports"). Both behave the same to
a client: the same lifecycle code answers the same questions (`_report_queries.py`).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, Protocol

from ._report_config import ReportConfig
from ._report_queries import ReportQuery, answer_query
from ._reports import ReportLifecycle

__all__ = ["InlineReports", "ReportBackend", "ReportWorkerGone", "report_backend"]


class ReportWorkerGone(RuntimeError):
    """The report worker process exited or stopped answering; the message says so in one line."""


class ReportBackend(Protocol):
    def on_accepted(
        self, document: dict[str, Any], answer: dict[str, Any], raw: bytes | None, body: bytes
    ) -> None:
        """Track what the send answer accepted. `raw` is the request body when `document` is
        exactly what parsing it gives (None when it was read again exactly), `body` the answer
        as sent."""

    def backpressure(self) -> Awaitable[None] | None:
        """Something to await before answering when reports fall behind, else None."""

    async def ask(self, query: ReportQuery) -> Any:
        """The answer to a report route's question (`ReportWorkerGone` if it cannot come)."""


class InlineReports:
    """The lifecycle in the serving process's event loop."""

    def __init__(self, config: ReportConfig) -> None:
        self.lifecycle = ReportLifecycle(config)

    def on_accepted(
        self, document: dict[str, Any], answer: dict[str, Any], raw: bytes | None, body: bytes
    ) -> None:
        self.lifecycle.on_accepted(document, answer)

    def backpressure(self) -> Awaitable[None] | None:
        return None  # nothing is queued between the send path and the lifecycle

    async def ask(self, query: ReportQuery) -> Any:
        return answer_query(self.lifecycle, query)


def report_backend(config: ReportConfig) -> ReportBackend | None:
    """The backend `config` asks for; None when reports are off."""
    if not config.enabled:
        return None
    if config.worker == "process":
        from ._report_worker_client import ProcessReports

        return ProcessReports(config)
    return InlineReports(config)
