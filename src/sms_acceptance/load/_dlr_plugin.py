"""Delivery reports in a Locust run: the receiver, the wait after the run, the merge at the master.

Registered after the kit's own listeners (`_plugin` imports this module last), on the same hooks:

- `init`: every process that runs users (a worker, or the single process) starts its receiver
  (`--dlr-receiver-listen`); a master starts none (it has no users).
- users (`_user.SmsSendUser`): a scenario whose payloads carry `NOTIFY_PLACEHOLDER` gets them
  with this process's receiver URL (or `--dlr-notify-url`), and each accepted answer's
  `messageId`s are expected (`expect_answer`).
- `test_stop`: the grace period. A single process waits (at most `--dlr-grace`, less once every
  accepted message has its final report), then settles its book. A master asks each worker to do
  the same (`SETTLE_MESSAGE`, which also stops the worker's users: in a headless run Locust's
  master quits without stopping them first) and waits for each worker's last delta
  (`FINAL_MESSAGE`), at most the grace plus a margin; between times the deltas ride on Locust's
  stats reports, like the latency histograms.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable
from typing import Any

import gevent
from locust import events
from locust.runners import MasterRunner, WorkerRunner

from ._dlr_metrics import ReportDelta
from ._dlr_options import ReportOptions
from ._dlr_receiver import ReportReceiver
from ._dlr_run import ATTRIBUTE, ReportRun, reports_of
from ._run_setup import refuse

SETTLE_MESSAGE = "sms_acceptance_dlr_settle"
FINAL_MESSAGE = "sms_acceptance_dlr_final"
_REPORT_KEY = "sms_acceptance_dlr"
_FINAL_MARGIN_SECONDS = 15.0
"""How much longer than the grace a master waits for a worker's last delta."""
_logger = logging.getLogger("sms_acceptance.load")


def sandbox_arguments(environment: Any) -> tuple[str, ...]:
    """`--sandbox-args`, checked against the sandbox's own parser (one line and exit 2 if bad)."""
    arguments = ReportOptions.from_parsed(environment.parsed_options).sandbox_arguments
    if not arguments:
        return ()
    from sms_acceptance.sandbox._command import add_arguments

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str) -> Any:
            refuse(f"--sandbox-args: {message}")

    parser = _Parser(prog="sandbox", add_help=False)
    add_arguments(parser)
    namespace = parser.parse_args(arguments)
    for option in ("--host", "--port", "--authorization", "--endpoint-path"):
        if any(a == option or a.startswith(option + "=") for a in arguments):
            refuse(f"--sandbox-args: {option} is set by the load test itself")
    del namespace
    return arguments


def _on_init(environment: Any, runner: Any = None, **_: Any) -> None:
    parsed = environment.parsed_options
    if parsed is None:
        return
    reports = ReportRun(ReportOptions.from_parsed(parsed))
    setattr(environment, ATTRIBUTE, reports)
    if isinstance(runner, MasterRunner):
        runner.register_message(FINAL_MESSAGE, _on_final_message)
        environment.events.worker_report.add_listener(
            lambda client_id, data, **_: _absorb(reports, data.get(_REPORT_KEY))
        )
        return
    receiver = ReportReceiver(
        reports.book, reports.options.receiver_host, reports.options.receiver_port
    )
    try:
        receiver.start()
    except OSError as error:
        refuse(
            f"the delivery-report receiver cannot listen on {reports.options.receiver_host}:"
            f"{reports.options.receiver_port}: {error.strerror or error}"
        )
    reports.receiver = receiver
    _logger.info("sms-acceptance: delivery-report receiver at %s", receiver.url)
    if isinstance(runner, WorkerRunner):
        runner.register_message(SETTLE_MESSAGE, _on_settle_message, concurrent=True)
        environment.events.report_to_master.add_listener(
            lambda client_id, data, **_: data.__setitem__(
                _REPORT_KEY, reports.book.drain().to_message()
            )
        )


def _absorb(reports: ReportRun, message: Any) -> None:
    if message:
        reports.book.absorb(ReportDelta.from_message(message))


def _on_test_start(environment: Any, **_: Any) -> None:
    reports = reports_of(environment)
    if reports is None:
        return
    reports.reset()
    if reports.receiver is not None:
        reports.receiver.book = reports.book


def _await_finals(reports: ReportRun) -> None:
    """Wait out the grace period (ended early when nothing is open), then settle the book."""
    deadline = time.monotonic() + reports.options.grace_seconds
    while reports.book.open_count and time.monotonic() < deadline:
        gevent.sleep(0.05)
    reports.settled_wall = time.time()
    reports.book.settle(reports.settled_wall)


def _on_test_stop(environment: Any, **_: Any) -> None:
    reports = reports_of(environment)
    if reports is None or reports.settled_wall is not None:
        return
    runner = environment.runner
    if isinstance(runner, WorkerRunner):
        return  # a worker waits when its master says so (SETTLE_MESSAGE)
    if not isinstance(runner, MasterRunner):
        if reports.book.counters["accepted"]:
            _logger.info(
                "sms-acceptance: awaiting final delivery reports (at most %g s)",
                reports.options.grace_seconds,
            )
        _await_finals(reports)
        return
    workers = [worker.id for worker in runner.clients.all]
    for worker in workers:
        runner.send_message(SETTLE_MESSAGE, None, client_id=worker)
    deadline = time.monotonic() + reports.options.grace_seconds + _FINAL_MARGIN_SECONDS
    while not set(workers) <= reports.final_from and time.monotonic() < deadline:
        gevent.sleep(0.1)
    missing = sorted(set(workers) - reports.final_from)
    if missing:
        _logger.warning(
            "sms-acceptance: no final delivery-report figures from worker(s) %s", ", ".join(missing)
        )
    reports.settled_wall = time.time()


def _on_settle_message(environment: Any, msg: Any, **_: Any) -> None:
    """Worker: stop this worker's users, wait out the grace, send the last delta."""
    reports = reports_of(environment)
    runner = environment.runner
    if reports is None or runner is None:
        return
    runner.stop()
    _await_finals(reports)
    runner.send_message(
        FINAL_MESSAGE, {"client_id": runner.client_id, "delta": reports.book.drain().to_message()}
    )


def _on_final_message(environment: Any, msg: Any, **_: Any) -> None:
    reports = reports_of(environment)
    if reports is None:
        return
    _absorb(reports, msg.data["delta"])
    reports.final_from.add(str(msg.data["client_id"]))


def _on_quitting(environment: Any, **_: Any) -> None:
    reports = reports_of(environment)
    if reports is not None and reports.receiver is not None:
        reports.receiver.stop()


def _listen(hook: Any, listener: Callable[..., None]) -> None:
    hook.add_listener(listener)


_listen(events.init, _on_init)
_listen(events.test_start, _on_test_start)
_listen(events.test_stop, _on_test_stop)
_listen(events.quitting, _on_quitting)
