"""The wiring between Locust and the kit: options, run set-up, distributed merging, reports.

Registered once, when the first scenario imports `SmsSendUser` (Locust's event hooks are the
kit's only way in; Locust itself is not patched). What happens when:

- `init_command_line_parser`: the kit's options join Locust's (`--help`, `locust.conf`, env); the
  web UI and the master socket bind 127.0.0.1 unless told otherwise (`_web_ui`).
- `init`: options are checked (one line and exit code 2 when wrong), the run's live-traffic guard
  is built from the command line and a non-loopback `--host` is refused without
  `--allow-live-traffic`, the web UI's start form is put behind the guard, the sandbox is started
  when there is no `--host`, and every scenario's payloads are generated, all before the first
  user starts.
- `test_start`: recorders reset; the target is checked again (it may have come from the web UI or
  a master); with `--arrival-rate` the schedule starts (a master splits the rate across workers and
  sends each its share, a common origin and the guard's settings; the live budget it keeps, and
  grants it to workers destination by destination: `_target_guard`).
- `report_to_master` / `worker_report`: workers drain encoded histograms and counters; the master
  adds them up exactly.
- `quitting`: the master (or single process) writes the reports, judges the thresholds, sets the
  exit code (3 when a threshold fails) and stops the sandbox.
"""

from __future__ import annotations

import atexit
import logging
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gevent
from locust import events
from locust.runners import MasterRunner, WorkerRunner

from ._exit_codes import THRESHOLD_FAILED_EXIT_CODE, USAGE_ERROR_EXIT_CODE
from ._latency import LatencyDelta
from ._options import LoadOptions, add_load_options
from ._pacing import ArrivalSchedule, ScheduleCounts
from ._run import LoadRun, attach_run, find_run
from ._run_setup import (
    RUN_MESSAGE,
    check_live_target,
    checked_network,
    decode_payloads,
    live_guard_for,
    prepare_payloads,
    ramp_seconds,
    refuse,
    send_run_to_workers,
)
from ._target_guard import (
    QUOTA_GRANT,
    QUOTA_REQUEST,
    REFUSED_MESSAGE,
    QuotaClient,
    guard_from_settings,
    on_quota_request,
    on_refused_message,
    stop_for_refusal,
)
from ._web_ui import bind_to_loopback_by_default, protect_web_ui

_REPORT_KEY = "sms_acceptance"
_logger = logging.getLogger("sms_acceptance.load")


def _add_options(parser: Any, **_: Any) -> None:
    add_load_options(parser)
    bind_to_loopback_by_default(parser)


def _node_id(runner: Any) -> str:
    return str(getattr(runner, "client_id", "local"))


def _on_init(environment: Any, runner: Any = None, web_ui: Any = None, **_: Any) -> None:
    try:
        _set_up_run(environment, runner, web_ui)
    except SystemExit:
        if not isinstance(runner, WorkerRunner):
            _stop_forked_workers()
        raise


def _stop_forked_workers() -> None:
    """`--processes`: the workers Locust forked wait for this master (retrying for minutes); a
    master refused before its run takes its own children along (never any other process)."""
    import psutil

    for child in psutil.Process().children():
        child.terminate()


def _set_up_run(environment: Any, runner: Any, web_ui: Any) -> None:
    parsed = environment.parsed_options
    if parsed is None:
        return
    options = LoadOptions.from_parsed(parsed)
    is_worker = isinstance(runner, WorkerRunner)
    host = environment.host or getattr(parsed, "host", None)
    authorization = options.authorization
    if not is_worker:
        if authorization is not None and not authorization.strip():
            refuse("--authorization is empty (or SMS_ACCEPTANCE_AUTHORIZATION is set but empty)")
        if host and authorization is None:
            refuse("--host needs --authorization (or SMS_ACCEPTANCE_AUTHORIZATION), e.g. 'App KEY'")
        if authorization is None:
            authorization = f"App {secrets.token_hex(16)}"
            # Forwarded to workers with the other options (never printed: not in the web UI).
            parsed.authorization = authorization
    if not is_worker:
        try:
            Path(options.report_dir).mkdir(parents=True, exist_ok=True)
        except OSError as error:
            refuse(f"--report-dir {options.report_dir!r} cannot be created: {error.strerror}")
    run = LoadRun(options, authorization or "App worker-awaiting-master")
    attach_run(environment, run)
    # From the command line typed here (a worker's own, until its master sends the master's).
    run.live_guard = live_guard_for(options, str(host) if host else None, owns_budget=not is_worker)
    run.network = checked_network(parsed, host)
    if host:
        # A `--processes` child has its parent's command line: the parent says it once.
        check_live_target(run, str(host), quiet=is_worker and bool(getattr(parsed, "processes", 0)))
    if web_ui is not None:
        protect_web_ui(web_ui, environment, run)
    if runner is not None and is_worker:
        run.quota = QuotaClient(runner)
        runner.register_message(RUN_MESSAGE, _on_run_message)
        runner.register_message(QUOTA_GRANT, run.quota.on_grant)
    else:
        if isinstance(runner, MasterRunner):
            runner.register_message(QUOTA_REQUEST, on_quota_request)
            runner.register_message(REFUSED_MESSAGE, on_refused_message)
        _drop_classes_left_without_tasks(environment)
        try:
            prepare_payloads(run, list(environment.user_classes))
        except RuntimeError as error:
            refuse(f"could not prepare the payloads: {error}")
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


def _drop_classes_left_without_tasks(environment: Any) -> None:
    """`--tags`/`--exclude-tags` can leave a scenario without a task. Locust would still spawn its
    users (counting them towards `-u`), each stopping with a logged `StopUser`; so apply the tag
    filter now (Locust applies it once, at the first start) and keep only classes with a task,
    which also spares drawing payloads nobody sends. A worker spawns what its master dispatches."""
    environment._filter_tasks_by_tags()
    kept = [user_class for user_class in environment.user_classes if user_class.tasks]
    if kept and len(kept) < len(environment.user_classes):
        environment.user_classes[:] = kept


def _start_sandbox(environment: Any, run: LoadRun) -> None:
    """No `--host`: the sandbox in a child process on a free loopback port, for this run only."""
    from sms_acceptance.sandbox import SandboxConfig, SandboxProcess, SandboxStartError

    try:
        process = SandboxProcess(
            SandboxConfig(authorization=run.authorization, endpoint_path=run.options.endpoint_path),
            extra_arguments=sandbox_arguments(environment),
        )
        process.start()
    except (SandboxStartError, ValueError) as error:
        refuse(f"could not start the embedded sandbox: {error}")
    atexit.register(process.stop)
    run.sandbox = process
    run.target_url = process.base_url
    # Our own loopback server: never through an outbound proxy from the environment.
    run.network = run.network.without_proxy("embedded sandbox")
    environment.host = process.base_url
    _logger.info("sms-acceptance: no --host given, started the sandbox at %s", process.base_url)


def _on_run_message(environment: Any, msg: Any, **_: Any) -> None:
    """Worker: what the master sent for this test (arrives before Locust's spawn message)."""
    run = find_run(environment)
    if run is None:
        return
    run.payloads = decode_payloads(msg.data["payloads"])
    rate = msg.data["rate"]
    run.schedule_share = None if rate is None else (float(rate), float(msg.data["origin"]))
    if not run.guard_from_master:
        # The master's guard, as its command line built it (kept for the process's life: quota
        # already granted stays usable, and the master's settings never change).
        run.live_guard = guard_from_settings(msg.data["guard"])
        run.guard_from_master = True
    if msg.data.get("embedded_sandbox"):  # the master's own loopback sandbox: never proxied
        run.network = run.network.without_proxy("embedded sandbox")


def _on_test_start(environment: Any, **_: Any) -> None:
    run = find_run(environment)
    if run is None:
        return
    runner = environment.runner
    if isinstance(runner, WorkerRunner):
        # The master forwarded its options (the credential among them) with the spawn message.
        # The guard is not rebuilt from them: it came with the run message, or from this worker's
        # own command line.
        options = LoadOptions.from_parsed(environment.parsed_options)
        run.configure(options, options.authorization or run.authorization)
    run.reset()
    if not _target_accepted(environment, run):
        return
    if isinstance(runner, MasterRunner):
        send_run_to_workers(runner, run)
        return
    rate = run.options.arrival_rate
    if rate is None:
        return
    now_perf, now_wall = time.perf_counter(), time.time()
    if isinstance(runner, WorkerRunner) and run.schedule_share is not None:
        share, origin_wall = run.schedule_share
        run.schedule = ArrivalSchedule(share, now_perf + (origin_wall - now_wall))
    else:
        run.schedule = ArrivalSchedule(rate, now_perf + ramp_seconds(environment))


def _target_accepted(environment: Any, run: LoadRun) -> bool:
    """The target this test starts with (from the command line, the web UI or the master) passes
    the guard; else one line and the run stops (each user checks again before connecting)."""
    from sms_acceptance._live_guard import LiveTrafficRefused

    host = environment.host
    if not host:
        return True
    try:
        run.live_guard.check_target(str(host))
    except LiveTrafficRefused as refused:
        stop_for_refusal(environment, run, str(refused), usage_error=True)
        return False
    run.target_url = str(host)
    return True


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
    sent = run.live_guard.destinations_sent
    live_sent, run.live_sent_reported = sent - run.live_sent_reported, sent
    data[_REPORT_KEY] = {
        "live_sent": live_sent,
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
    run.live_sent_by_workers += int(report.get("live_sent", 0))
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
        if environment.process_exit_code == USAGE_ERROR_EXIT_CODE:
            pass  # a refused target: that is the run's outcome, whatever the thresholds say
        elif not verdict.all_hold:
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

# Delivery reports register their listeners after the ones above (they read the run set up here).
from ._dlr_plugin import sandbox_arguments  # noqa: E402
