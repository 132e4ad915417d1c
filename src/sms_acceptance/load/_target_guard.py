"""The live-traffic guard on every path a Locust target can take, and the run's one budget.

A target reaches a user from the command line (`--host`), from the web UI's host field (every
start and change, see `_web_ui`), or from a master's spawn message (`environment.host` on a
worker, `--processes` children included). Whatever the path, a user checks its own base URL with
the process's `LiveTrafficGuard` in `on_start`, before its first connection; a refusal stops the
run with one line in the log (Locust's web UI shows the log under "Logs").

The guard's settings are fixed from the command line where the user typed them: a master or single
process builds them at `init` (`_run_setup.live_guard_for`) and sends them to its workers with the
run message (`_run_setup.guard_settings`); parsed options are not trusted later (the web UI can
rewrite them, and a worker's arrive from its master). A worker that never hears from a kit master
keeps the guard its own command line built.

`--max-messages` is one budget for the whole run: the master (or single process) owns it; a worker
asks for exactly the destinations it is about to send (`QUOTA_REQUEST`) and the master grants them
from the budget or not at all (`QUOTA_GRANT`), so the workers' sum can never exceed it, however
many there are and whenever they join.
"""

from __future__ import annotations

import itertools
import logging
from typing import Any

import gevent
from gevent.event import AsyncResult
from locust.runners import STATE_RUNNING, STATE_SPAWNING, WorkerRunner

from sms_acceptance._live_guard import LiveTrafficGuard

from ._exit_codes import USAGE_ERROR_EXIT_CODE
from ._run import LoadRun, find_run

REFUSED_MESSAGE = "sms_acceptance_refused"
"""Worker → master: this worker refused its target (or ran out of budget); stop the run."""
QUOTA_REQUEST = "sms_acceptance_quota_request"
"""Worker → master: grant `count` destinations of the live budget (reply to `id`)."""
QUOTA_GRANT = "sms_acceptance_quota_grant"
"""Master → worker: `granted` destinations (all that was asked, or 0) for request `id`."""
QUOTA_WAIT_SECONDS = 10.0

_logger = logging.getLogger("sms_acceptance.load")


def guard_from_settings(data: dict[str, Any]) -> LiveTrafficGuard:
    """A worker's guard from its master's settings: no budget of its own until granted some."""
    return LiveTrafficGuard(
        allow_live_traffic=bool(data["allow"]),
        max_destinations=0,
        allowed_destinations=[str(d) for d in data["destinations"]],
        live_origins=[str(o) for o in data["origins"]],
    )


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:500]


def stop_for_refusal(environment: Any, run: LoadRun, line: str, *, usage_error: bool) -> None:
    """Once per test: log `line` and stop the run. A worker tells its master, which stops every
    worker; a master or single process stops (headless: quits; exit code 2 for a refused
    target)."""
    if run.refusal is not None:
        return
    run.refusal = _one_line(line)
    _logger.error("sms-acceptance: %s; stopping the run", run.refusal)
    runner = environment.runner
    if isinstance(runner, WorkerRunner):
        runner.send_message(REFUSED_MESSAGE, {"line": run.refusal, "usage_error": usage_error})
        return
    _stop_run(environment, usage_error=usage_error)


def _stop_run(environment: Any, *, usage_error: bool) -> None:
    runner = environment.runner
    if runner is None:
        return
    if usage_error:
        environment.process_exit_code = USAGE_ERROR_EXIT_CODE
    if getattr(environment.parsed_options, "headless", False):
        gevent.spawn(runner.quit)
    elif runner.state in (STATE_SPAWNING, STATE_RUNNING):
        gevent.spawn(runner.stop)


def on_refused_message(environment: Any, msg: Any, **_: Any) -> None:
    """Master: a worker refused; the line goes to the master's log (and web UI), the run stops."""
    run = find_run(environment)
    if run is None or run.refusal is not None:
        return
    run.refusal = _one_line(msg.data.get("line", "a worker refused its target"))
    _logger.error("sms-acceptance: worker %s: %s; stopping the run", msg.node_id, run.refusal)
    _stop_run(environment, usage_error=bool(msg.data.get("usage_error", True)))


def on_quota_request(environment: Any, msg: Any, **_: Any) -> None:
    """Master: grant a worker the destinations it asked for from the run's one budget, or 0."""
    run = find_run(environment)
    count = int(msg.data.get("count", 0))
    granted = 0 if run is None or run.refusal is not None else run.live_guard.reserve(count)
    environment.runner.send_message(
        QUOTA_GRANT, {"id": msg.data.get("id"), "granted": granted}, client_id=msg.node_id
    )


class QuotaClient:
    """Worker: asks the master for budget and waits (this greenlet only) for the answer."""

    def __init__(self, runner: Any) -> None:
        self._runner = runner
        self._ids = itertools.count()
        self._waiting: dict[int, AsyncResult] = {}

    def request(self, count: int) -> int:
        """Destinations granted (`count` or 0); 0 when the master does not answer in time."""
        ident = next(self._ids)
        answer: AsyncResult = AsyncResult()
        self._waiting[ident] = answer
        try:
            self._runner.send_message(QUOTA_REQUEST, {"id": ident, "count": count})
            return int(answer.get(timeout=QUOTA_WAIT_SECONDS))
        except gevent.Timeout:
            return 0
        finally:
            self._waiting.pop(ident, None)

    def on_grant(self, environment: Any, msg: Any, **_: Any) -> None:
        answer = self._waiting.get(int(msg.data.get("id", -1)))
        if answer is not None:
            answer.set(int(msg.data.get("granted", 0)))
