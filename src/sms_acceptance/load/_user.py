"""The Locust user every scenario extends: sends its scenario's prepared requests, paced and timed.

Per request the user does only O(1) work: take the next prepared body, wait for its slot (open
model), post it with `FastHttpUser`'s client, classify the answer (schema validation on a sampled
share) and record two latencies. No Hypothesis, no JSON encoding, no logging on this path.
"""

from __future__ import annotations

import logging
import time
from typing import ClassVar

import gevent
from locust import FastHttpUser
from locust.exception import StopUser

from . import _plugin  # noqa: F401  (registers the kit's options and event listeners)
from ._payloads import PayloadSource, PreparedRequest
from ._run import LoadRun, run_of

_logger = logging.getLogger("sms_acceptance.load")


class SmsSendUser(FastHttpUser):
    """Base of every scenario in `loadtests/`: set `payload_source` and `scenario`, add a task.

    A scenario is a subclass with a `@task` that calls `self.send_next_payload()`; its requests
    are drawn by `payload_source(count, seed)` before the run starts.
    """

    abstract = True
    payload_source: ClassVar[PayloadSource]
    scenario: ClassVar[str] = ""
    payload_count: ClassVar[int | None] = None
    """At most this many distinct requests (None: `--payload-pool`)."""
    network_timeout = 30.0
    connection_timeout = 10.0

    _run: LoadRun
    _payloads: tuple[PreparedRequest, ...]
    _cursor: int

    def on_start(self) -> None:
        if not self.tasks:
            # `--tags` left this scenario without a task; Locust still spawns its users, which
            # would spin raising "No tasks defined". Such a user steps aside instead.
            raise StopUser()
        self._run = run_of(self.environment)
        payloads = self._run.payloads.get(type(self).__name__)
        if not payloads:
            _logger.error("sms-acceptance: no payloads for %s; user stopped", type(self).__name__)
            raise StopUser()
        self._payloads = payloads
        # Users of one scenario start at different places in its pool, so the server does not
        # see the same request from every user at once.
        self._cursor = id(self) % len(self._payloads)

    def send_next_payload(self) -> None:
        """Send one request of this scenario and record it (the whole hot path)."""
        run = self._run
        payload = self._payloads[self._cursor]
        self._cursor = (self._cursor + 1) % len(self._payloads)
        schedule = run.schedule
        if schedule is not None:
            intended = schedule.next_slot()
            delay = intended - time.perf_counter()
            if delay > 0:
                gevent.sleep(delay)
            started = time.perf_counter()
            schedule.mark_started(intended, started)
        else:
            started = intended = time.perf_counter()  # closed model: intended is actual
        if run.live_guard is not None:
            self._admit_live(run, payload)
        with self.client.post(
            run.options.endpoint_path,
            data=payload.body,  # type: ignore[arg-type]  # bytes: sent as is, never re-encoded
            headers=run.headers,
            name=self.scenario or type(self).__name__,
            catch_response=True,
        ) as response:
            ended = time.perf_counter()
            status = response.status_code or 0
            error = getattr(response, "error", None) or response.request_meta.get("exception")
            body = b"" if status == 0 else (response.content or b"")
            failure = run.judge(
                self.scenario,
                payload,
                status,
                body,
                None if status == 0 else response.headers.get("content-type"),
                error if status == 0 else None,
            )
            if failure is None:
                response.success()
            else:
                response.failure(failure.describe())
        run.latency.record(
            int(ended + run.wall_clock_offset),
            int((ended - started) * 1_000_000),
            None if schedule is None else int((ended - intended) * 1_000_000),
            failure is not None,
        )

    def _admit_live(self, run: LoadRun, payload: PreparedRequest) -> None:
        """Live traffic: count the destinations against the budget, or end the run (one line)."""
        from sms_acceptance._live_guard import LiveTrafficRefused

        try:
            run.live_guard.admit(run.url, payload.destinations)
        except LiveTrafficRefused as refused:
            _logger.warning("sms-acceptance: %s; stopping the run", refused)
            runner = self.environment.runner
            if runner is not None:
                gevent.spawn(runner.quit)
            raise StopUser() from None
