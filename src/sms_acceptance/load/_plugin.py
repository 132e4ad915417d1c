"""The wiring between Locust and the kit: options, run set-up, distributed merging, reports.

Registered once, when the first scenario imports `SmsSendUser` (Locust's event hooks are the
kit's only way in; Locust itself is not patched). What happens when:

- `init_command_line_parser`: the kit's options join Locust's (`--help`, `locust.conf`, env).
- `init`: options are checked (one line and exit code 2 when wrong), a non-loopback `--host` is
  refused without `--allow-live-traffic`, the sandbox is started when there is no `--host`, and
  every scenario's payloads are generated, all before the first user starts.
- `test_start`: recorders reset; with `--arrival-rate` the schedule starts (a master splits the
  rate across workers and sends each its share and a common origin).
- `report_to_master` / `worker_report`: workers drain encoded histograms and counters; the master
  adds them up exactly.
- `quitting`: the master (or single process) writes the reports, judges the thresholds, sets the
  exit code (3 when a threshold fails) and stops the sandbox.
"""

from __future__ import annotations

import atexit
import json
import logging
import secrets
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import gevent
from locust import events
from locust.runners import MasterRunner, WorkerRunner

from ._exit_codes import THRESHOLD_FAILED_EXIT_CODE, USAGE_ERROR_EXIT_CODE
from ._latency import LatencyDelta
from ._options import LoadOptions, add_load_options
from ._pacing import ArrivalSchedule, ScheduleCounts
from ._payloads import PreparedRequest, destinations_of, serialise, with_destinations
from ._run import LoadRun, attach_run, find_run

_RUN_MESSAGE = "sms_acceptance_run"
_REPORT_KEY = "sms_acceptance"
_logger = logging.getLogger("sms_acceptance.load")


def _refuse(message: str) -> NoReturn:
    """Stop before the run with one line on stderr, never a traceback."""
    sys.stderr.write(f"locust: error: {message}\n")
    sys.stderr.flush()
    raise SystemExit(USAGE_ERROR_EXIT_CODE)


def _add_options(parser: Any, **_: Any) -> None:
    add_load_options(parser)


def _node_id(runner: Any) -> str:
    return str(getattr(runner, "client_id", "local"))


def _prepare_payloads(run: LoadRun, user_classes: list[type]) -> None:
    """Draw every scenario's requests now, before any user starts (never during the run).

    Only a master or a single process draws; a master sends the same payloads to every worker
    (`_RUN_MESSAGE`), so workers spend no time generating while the master waits on their
    heartbeats, and every worker sends exactly the requests `--payload-seed` names.
    """
    destinations = run.options.test_destinations if run.live_guard is not None else ()
    for user_class in user_classes:
        source = getattr(user_class, "payload_source", None)
        if source is None or user_class.__name__ in run.payloads:
            continue
        cap = getattr(user_class, "payload_count", None)
        count = run.options.payload_pool if cap is None else min(run.options.payload_pool, cap)
        prepared = source(count, run.options.payload_seed)
        if destinations:
            prepared = [_to_test_destinations(p, destinations) for p in prepared]
        run.payloads[user_class.__name__] = tuple(prepared)


def _to_test_destinations(payload: PreparedRequest, numbers: tuple[str, ...]) -> PreparedRequest:
    try:
        request = json.loads(payload.body)
    except ValueError:
        return payload
    replaced = with_destinations(request, numbers)
    return PreparedRequest(
        serialise(replaced), destinations_of(replaced), payload.expect_rejection, payload.rule_ids
    )


def _on_init(environment: Any, runner: Any = None, **_: Any) -> None:
    parsed = environment.parsed_options
    if parsed is None:
        return
    options = LoadOptions.from_parsed(parsed)
    is_worker = isinstance(runner, WorkerRunner)
    host = environment.host or getattr(parsed, "host", None)
    authorization = options.authorization
    if not is_worker:
        if authorization is not None and not authorization.strip():
            _refuse("--authorization is empty (or SMS_ACCEPTANCE_AUTHORIZATION is set but empty)")
        if host and authorization is None:
            _refuse(
                "--host needs --authorization (or SMS_ACCEPTANCE_AUTHORIZATION), e.g. 'App KEY'"
            )
        if authorization is None:
            authorization = f"App {secrets.token_hex(16)}"
            # Forwarded to workers with the other options (never printed: not in the web UI).
            parsed.authorization = authorization
    if not is_worker:
        try:
            Path(options.report_dir).mkdir(parents=True, exist_ok=True)
        except OSError as error:
            _refuse(f"--report-dir {options.report_dir!r} cannot be created: {error.strerror}")
    run = LoadRun(options, authorization or "App worker-awaiting-master")
    attach_run(environment, run)
    if host:
        _check_live_target(run, str(host))
    if runner is not None and is_worker:
        runner.register_message(_RUN_MESSAGE, _on_run_message)
    else:
        try:
            _prepare_payloads(run, list(environment.user_classes))
        except RuntimeError as error:
            _refuse(f"could not prepare the payloads: {error}")
        if not host:
            _start_sandbox(environment, run)
    # Generation blocked the gevent loop for seconds; without this its cached clock is stale and
    # Locust's `--run-time` timer (armed next, from that clock) would fire at once.
    gevent.get_hub().loop.update_now()
    # Bound to this run: Locust's report events do not carry the environment.
    if is_worker:
        environment.events.report_to_master.add_listener(
            lambda client_id, data, **_: _report_to_master(run, client_id, data)
        )
    if isinstance(runner, MasterRunner):
        environment.events.worker_report.add_listener(
            lambda client_id, data, **_: _absorb_worker_report(run, client_id, data)
        )


def _check_live_target(run: LoadRun, host: str, budget: int | None = None) -> None:
    from sms_acceptance._live_guard import LiveTrafficGuard, LiveTrafficRefused, is_loopback_url

    run.target_url = host
    if is_loopback_url(host):
        return
    guard = LiveTrafficGuard(
        allow_live_traffic=run.options.allow_live_traffic,
        max_destinations=run.options.max_messages if budget is None else budget,
        allowed_destinations=run.options.test_destinations,
    )
    try:
        guard.check_target(host)
    except LiveTrafficRefused as refused:
        _refuse(str(refused))
    run.live_guard = guard


def _start_sandbox(environment: Any, run: LoadRun) -> None:
    """No `--host`: the sandbox in a child process on a free loopback port, for this run only."""
    from sms_acceptance.sandbox import SandboxConfig, SandboxProcess, SandboxStartError

    try:
        process = SandboxProcess(
            SandboxConfig(authorization=run.authorization, endpoint_path=run.options.endpoint_path)
        )
        process.start()
    except (SandboxStartError, ValueError) as error:
        _refuse(f"could not start the embedded sandbox: {error}")
    atexit.register(process.stop)
    run.sandbox = process
    run.target_url = process.base_url
    environment.host = process.base_url
    _logger.info("sms-acceptance: no --host given, started the sandbox at %s", process.base_url)


def _encode_payloads(run: LoadRun) -> dict[str, list[list[Any]]]:
    return {
        name: [[p.body, list(p.destinations), p.expect_rejection, list(p.rule_ids)] for p in pool]
        for name, pool in run.payloads.items()
    }


def _decode_payloads(data: dict[str, list[list[Any]]]) -> dict[str, tuple[PreparedRequest, ...]]:
    return {
        str(name): tuple(
            PreparedRequest(bytes(body), tuple(dests), bool(rejected), tuple(rules))
            for body, dests, rejected, rules in pool
        )
        for name, pool in data.items()
    }


def _send_run_to_workers(runner: Any, run: LoadRun) -> None:
    """Master, at test start: each worker gets the payloads, its share of the arrival rate and of
    the live-traffic budget, and the schedule's common origin."""
    workers = list(runner.clients.all)
    run.node_count = max(1, len(workers))
    payloads = _encode_payloads(run)
    rate = run.options.arrival_rate
    budget, remainder = divmod(run.options.max_messages, run.node_count)
    origin = time.time() + _ramp_seconds(runner.environment)
    for index, worker in enumerate(workers):
        runner.send_message(
            _RUN_MESSAGE,
            {
                "payloads": payloads,
                "rate": None if rate is None else rate / run.node_count,
                "origin": origin,
                "max_messages": budget + (1 if index < remainder else 0),
            },
            client_id=worker.id,
        )


def _on_run_message(environment: Any, msg: Any, **_: Any) -> None:
    """Worker: what the master sent for this test (arrives before Locust's spawn message)."""
    run = find_run(environment)
    if run is None:
        return
    run.payloads = _decode_payloads(msg.data["payloads"])
    rate = msg.data["rate"]
    run.schedule_share = None if rate is None else (float(rate), float(msg.data["origin"]))
    run.live_budget = int(msg.data["max_messages"])


def _on_test_start(environment: Any, **_: Any) -> None:
    run = find_run(environment)
    if run is None:
        return
    runner = environment.runner
    if isinstance(runner, WorkerRunner):
        # The master forwarded its options (the credential among them) with the spawn message.
        options = LoadOptions.from_parsed(environment.parsed_options)
        run.configure(options, options.authorization or run.authorization)
        run.target_url = environment.host or run.target_url
        if run.target_url:
            _check_live_target(run, run.target_url, budget=run.live_budget)
    run.reset()
    if isinstance(runner, MasterRunner):
        _send_run_to_workers(runner, run)
        return
    rate = run.options.arrival_rate
    if rate is None:
        return
    now_perf, now_wall = time.perf_counter(), time.time()
    if isinstance(runner, WorkerRunner) and run.schedule_share is not None:
        share, origin_wall = run.schedule_share
        run.schedule = ArrivalSchedule(share, now_perf + (origin_wall - now_wall))
    else:
        run.schedule = ArrivalSchedule(rate, now_perf + _ramp_seconds(environment))


def _ramp_seconds(environment: Any) -> float:
    """How long Locust takes to start every user (`-u` at `-r` per second): the schedule's first
    slot comes after it, so slots are never late only because their users did not exist yet."""
    parsed = environment.parsed_options
    users = getattr(parsed, "num_users", None) or 0
    rate = getattr(parsed, "spawn_rate", None) or 0
    return float(users) / float(rate) if users > 0 and rate > 0 else 0.0


def _on_test_stopping(environment: Any, **_: Any) -> None:
    """The run ends when Locust starts stopping it: slots falling due while it stops the users
    (which can take a while) are not the server's, nor the schedule's, to count."""
    run = find_run(environment)
    if run is None or run.stopped_wall is not None:
        return
    run.stopped_wall = time.time()
    if run.schedule is not None:
        run.schedule.end(time.perf_counter())


def _on_test_stop(environment: Any, **_: Any) -> None:
    """Users are stopped: the schedule's final tally (requests that started late, while Locust
    was stopping, count as sent)."""
    run = find_run(environment)
    if run is None or run.schedule is None:
        return
    now = time.perf_counter()
    run.schedule.end(now)
    run.schedule_tally.by_node[_node_id(environment.runner)] = run.schedule.counts(now)


def _report_to_master(run: LoadRun, client_id: str, data: dict[str, Any]) -> None:
    """Worker: everything recorded since the last report, drained into Locust's stats message."""
    schedule_counts: ScheduleCounts | None = run.schedule_tally.by_node.get(client_id)
    if schedule_counts is None and run.schedule is not None:
        schedule_counts = run.schedule.counts(time.perf_counter())
    data[_REPORT_KEY] = {
        "latency": run.latency.drain().to_message(),
        "outcomes": run.outcomes.drain(),
        "schedule": None
        if schedule_counts is None
        else [
            schedule_counts.rate_per_second,
            schedule_counts.window_seconds,
            schedule_counts.due,
            schedule_counts.started,
            schedule_counts.late,
        ],
    }


def _absorb_worker_report(run: LoadRun, client_id: str, data: dict[str, Any]) -> None:
    """Master: add a worker's drained histograms and counters (exact: counts add)."""
    report = data.get(_REPORT_KEY)
    if not report:
        return
    run.latency.absorb(LatencyDelta.from_message(report["latency"]))
    run.outcomes.absorb(report["outcomes"])
    run.requests_by_node[client_id] = (
        run.requests_by_node.get(client_id, 0) + report["outcomes"]["requests"]
    )
    if report["schedule"] is not None:
        rate, window, due, started, late = report["schedule"]
        run.schedule_tally.by_node[client_id] = ScheduleCounts(
            float(rate), float(window), int(due), int(started), int(late)
        )


def _on_quitting(environment: Any, **_: Any) -> None:
    run = find_run(environment)
    if run is None or isinstance(environment.runner, WorkerRunner):
        return
    try:
        from ._reports import write_reports

        verdict = write_reports(environment, run)
        if not verdict.all_hold:
            environment.process_exit_code = THRESHOLD_FAILED_EXIT_CODE
        elif environment.process_exit_code is None and not environment.runner.exceptions:
            environment.process_exit_code = 0
    finally:
        if run.sandbox is not None:
            run.sandbox.stop()


def _listen(hook: Any, listener: Callable[..., None]) -> None:
    hook.add_listener(listener)


# Registered once per process, when this module is first imported (by `SmsSendUser`).
_listen(events.init_command_line_parser, _add_options)
_listen(events.init, _on_init)
_listen(events.test_start, _on_test_start)
_listen(events.test_stopping, _on_test_stopping)
_listen(events.test_stop, _on_test_stop)
_listen(events.quitting, _on_quitting)
