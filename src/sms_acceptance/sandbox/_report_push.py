"""Pushing delivery reports to `notifyUrl`s: the allow-list, the batches, the HTTP client, retries.

Safety first: a reference server that POSTs to any URL a request names is a request-forgery tool,
so a report is pushed only to a loopback address (`127.0.0.0/8`, `::1`, `localhost`) or to a host
the user named (`allowed_push_hosts`); anything else is refused before any name is resolved or
socket opened, logged once per host and counted. The URL itself is never logged (it may carry a
token); its host is.

Reports for one `(notifyUrl, XML or JSON)` wait at most `batch_wait_ms` and go out in batches of
up to 100 (D2). A batch the receiver answers with 2xx is done and never sent again (D1); a 5xx, a
timeout or a refused connection schedules the same body again 1 min + n² min later (times the
time scale) until `max_retries` (D11); a 4xx or a 3xx is final (rules.md leaves 4xx OPEN; the
sandbox follows no redirects: they could point anywhere). The client (`_push_client.py`) reads
no proxy variable, so nothing in the environment can route a push elsewhere, and sends no
Authorization or other credential header (D12).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sms_acceptance._report_xml import results_to_xml

from ._json_codec import dump_json
from ._push_client import PushClient
from ._report_config import ReportConfig
from ._report_store import ReportFlags, TrackedMessage

__all__ = ["PushBatch", "PushCounters", "PushPolicy", "Pusher", "retry_delay_minutes"]

_log = logging.getLogger("sms_acceptance.sandbox.reports")

_JSON = "application/json"
_XML = "application/xml"


def retry_delay_minutes(retry: int) -> int:
    """The provider's wait before retry `retry` (1, 2, …): 1 min + retry² min (D11, §11.1)."""
    return 1 + retry * retry


class PushPolicy:
    """Which `notifyUrl`s may be called: loopback, plus the hosts the user allowed."""

    def __init__(self, allowed_hosts: tuple[str, ...]) -> None:
        self._allowed = frozenset(allowed_hosts)
        self._refused_hosts: set[str] = set()
        self._verdicts: dict[str, bool] = {}

    def allows(self, url: str) -> bool:
        """Whether a push to `url` may be attempted; a refusal is logged once per host."""
        verdict = self._verdicts.get(url)
        if verdict is None:
            verdict = self._judge(url)
            if len(self._verdicts) < 4096:  # URLs come from requests: a bounded memo
                self._verdicts[url] = verdict
        return verdict

    def _judge(self, url: str) -> bool:
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            scheme_ok = parts.scheme in ("http", "https")
            _ = parts.port  # a malformed port raises here, not at send time
        except ValueError:
            host, scheme_ok = "", False
        if scheme_ok and host and (_is_loopback(host) or host in self._allowed):
            return True
        shown = host or "(no host)"
        if shown not in self._refused_hosts and len(self._refused_hosts) < 1000:
            self._refused_hosts.add(shown)
            _log.warning(
                "delivery reports for notifyUrl host %s are not pushed: the sandbox pushes "
                "only to loopback http(s) URLs unless the host is allowed "
                "(--report-push-allow-host)",
                shown,
            )
        return False


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(eq=False)
class PushBatch:
    """Up to 100 reports for one URL; the body is built once, so a retry resends it unchanged."""

    url: str
    xml: bool
    messages: list[TrackedMessage]
    intermediate: bool = False
    duplicate: bool = False
    attempt: int = 0  # sends so far
    body: bytes = field(default=b"", repr=False)

    def encoded(self) -> bytes:
        if not self.body:
            results = {"results": [m.report(intermediate=self.intermediate) for m in self.messages]}
            self.body = results_to_xml(results) if self.xml else dump_json(results)
        return self.body


@dataclass
class PushCounters:
    """What happened to pushes, for `/sandbox/reports/stats` and the benchmarks."""

    batches_sent: int = 0
    batches_accepted: int = 0
    reports_accepted: int = 0
    intermediate_reports_accepted: int = 0
    failed_attempts: int = 0
    retries_scheduled: int = 0
    reports_dropped_after_retries: int = 0
    reports_refused_by_receiver: int = 0
    reports_refused_by_policy: int = 0
    duplicates_sent: int = 0
    queued: int = 0  # reports waiting for a batch to fill or a slot to send
    in_flight: int = 0  # reports in batches being sent
    waiting_for_retry: int = 0


class Pusher:
    """Batches reports per URL and sends them in the background of the sandbox's event loop."""

    def __init__(self, config: ReportConfig, schedule: Callable[[float, PushBatch], None]) -> None:
        self._config = config
        self._schedule = schedule  # (seconds from now, batch): retry later
        self._batch_wait = config.batch_wait_ms / 1000.0
        self._open: dict[tuple[str, bool, bool], tuple[float, list[TrackedMessage]]] = {}
        self._slots = asyncio.Semaphore(config.max_concurrent_pushes)
        self._client = PushClient(config.push_timeout_seconds, config.max_concurrent_pushes)
        self._tasks: set[asyncio.Task[None]] = set()
        self.counters = PushCounters()

    @property
    def busy(self) -> bool:
        """Whether anything is queued or being sent (the worker keeps ticking while it is)."""
        return bool(self._open) or bool(self._tasks)

    def enqueue(
        self, messages: list[TrackedMessage], now: float, *, intermediate: bool = False
    ) -> None:
        """Queue one report of each of `messages`, which share a permitted `notify_url` (the
        destinations of one request message)."""
        if not messages:
            return
        first = messages[0]
        assert first.notify_url is not None
        key = (first.notify_url, first.xml, intermediate)
        opened = self._open.get(key)
        if opened is None:
            opened = (now, [])
            self._open[key] = opened
        waiting = opened[1]
        waiting.extend(messages)
        self.counters.queued += len(messages)
        size = self._config.batch_size
        if len(waiting) >= size:
            del self._open[key]
            full = len(waiting) - len(waiting) % size
            for start in range(0, full, size):
                batch = waiting[start : start + size]
                self._dispatch(PushBatch(key[0], key[1], batch, intermediate=intermediate))
            if full < len(waiting):
                self._open[key] = (now, waiting[full:])

    def flush_due(self, now: float) -> None:
        """Send every open batch whose first report has waited `batch_wait_ms`."""
        due = [
            key for key, (opened_at, _) in self._open.items() if now - opened_at >= self._batch_wait
        ]
        for key in due:
            _, messages = self._open.pop(key)
            self._dispatch(PushBatch(key[0], key[1], messages, intermediate=key[2]))

    def resend(self, batch: PushBatch) -> None:
        """A batch whose retry time came."""
        self.counters.waiting_for_retry -= len(batch.messages)
        self.counters.queued += len(batch.messages)
        self._dispatch(batch)

    def _dispatch(self, batch: PushBatch) -> None:
        task = asyncio.get_running_loop().create_task(self._send(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, batch: PushBatch) -> None:
        count = len(batch.messages)
        counters = self.counters
        async with self._slots:
            counters.queued -= count
            counters.in_flight += count
            try:
                status = await self._post(batch)
            finally:
                counters.in_flight -= count
        batch.attempt += 1
        counters.batches_sent += 1
        if status is not None and 200 <= status < 300:
            counters.batches_accepted += 1
            if batch.intermediate:
                counters.intermediate_reports_accepted += count
            else:
                counters.reports_accepted += count
            self._duplicate(batch)
            return
        counters.failed_attempts += 1
        if status is not None and status < 500:
            counters.reports_refused_by_receiver += count  # 3xx/4xx: final (4xx OPEN, D11)
            return
        if batch.attempt > self._config.max_retries or self._config.faults.no_retry:
            counters.reports_dropped_after_retries += count
            _log.info("%d delivery reports dropped after %d attempts", count, batch.attempt)
            return
        counters.retries_scheduled += 1
        counters.waiting_for_retry += count
        delay = retry_delay_minutes(batch.attempt) * 60.0 * self._config.time_scale
        self._schedule(delay, batch)

    async def _post(self, batch: PushBatch) -> int | None:
        """The receiver's status code, or None when it did not answer (D11: retry)."""
        return await self._client.post(batch.url, batch.encoded(), _XML if batch.xml else _JSON)

    def _duplicate(self, batch: PushBatch) -> None:
        """The `duplicated` report fault: send flagged reports once more after a 2xx (D1)."""
        if batch.duplicate or batch.intermediate:
            return
        again = [m for m in batch.messages if m.flags & ReportFlags.DUPLICATED]
        if again:
            self.counters.duplicates_sent += len(again)
            self.counters.queued += len(again)
            self._dispatch(PushBatch(batch.url, batch.xml, again, duplicate=True))

    async def close(self) -> None:
        """Cancel what is still being sent and close the client's connections."""
        for task in list(self._tasks):
            task.cancel()
        self._client.close()

    def snapshot(self) -> dict[str, Any]:
        return dict(vars(self.counters))
