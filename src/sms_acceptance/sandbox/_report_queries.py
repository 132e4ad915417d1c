"""The questions the report routes ask a lifecycle, wherever it runs.

`GET /sms/1/reports` (D13), `GET /sms/1/logs` (D14) and `/sandbox/reports/stats` check their
parameters in the serving process (a bad one is a 400 there, logged there); what is left is a
question for the lifecycle: `ReportQuery`. It is answered by `answer_query`, in the serving
process when the lifecycle runs inline, or in the report worker process (`_report_worker.py`),
which gets the same frozen, picklable value over its socket. Either way each report is pulled
once: only the lifecycle's own store decides.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal

from ._reports import ReportLifecycle

__all__ = ["LogFilter", "ReportQuery", "answer_query"]


@dataclass(frozen=True)
class LogFilter:
    """The filters of `GET /sms/1/logs` (D14), already checked; None: not filtered."""

    limit: int
    since: float | None = None  # wall-clock seconds
    until: float | None = None
    message_ids: frozenset[str] | None = None
    bulk_id: str | None = None
    general_status: str | None = None
    sender: str | None = None
    to: str | None = None


@dataclass(frozen=True)
class ReportQuery:
    """One question: pull reports, read logs, or read the counters."""

    kind: Literal["pull", "logs", "stats"]
    limit: int = 0
    bulk_id: str | None = None
    message_id: str | None = None
    logs: LogFilter | None = None


def answer_query(lifecycle: ReportLifecycle, query: ReportQuery) -> Any:
    """The results list (pull, logs) or the counters (stats) `query` asks for."""
    if query.kind == "stats":
        return lifecycle.stats()
    lifecycle.store.expire(time.time())  # the worker may be idle: apply the retention here
    if query.kind == "pull":
        return lifecycle.store.pull(query.limit, query.bulk_id, query.message_id)
    assert query.logs is not None
    return _log_entries(lifecycle, query.logs)


def _log_entries(lifecycle: ReportLifecycle, wanted: LogFilter) -> list[dict[str, Any]]:
    """The log entries `wanted` matches, newest first; nothing is consumed (D14)."""
    entries: list[dict[str, Any]] = []
    general_status = wanted.general_status.upper() if wanted.general_status is not None else None
    for message in lifecycle.store.newest_first():
        if len(entries) >= wanted.limit:
            break
        if wanted.since is not None and message.sent_at < wanted.since:
            break  # newest first: everything after this was sent earlier still
        if wanted.until is not None and message.sent_at > wanted.until:
            continue
        if wanted.bulk_id is not None and message.bulk_id != wanted.bulk_id:
            continue
        if wanted.message_ids is not None and message.message_id not in wanted.message_ids:
            continue
        if wanted.sender is not None and message.sender != wanted.sender:
            continue
        if wanted.to is not None and message.to != wanted.to:
            continue
        if general_status is not None:
            group = message.outcome.group_name if message.outcome is not None else "PENDING"
            if group != general_status:
                continue
        entries.append(message.log_entry())
    return entries
