"""Setting a run up, without Locust: payloads, the live-traffic guard, what workers are sent.

Kept apart from `_plugin` (the Locust event wiring) so it can be tested in a plain pytest process:
importing Locust monkey-patches the whole interpreter with gevent.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any, NoReturn

from sms_acceptance._destinations import destination_numbers
from sms_acceptance._live_guard import LiveTrafficGuard

from ._exit_codes import USAGE_ERROR_EXIT_CODE
from ._options import LoadOptions
from ._payloads import PreparedRequest, serialise, with_destinations
from ._run import LoadRun

RUN_MESSAGE = "sms_acceptance_run"
"""The custom Locust message a master sends each worker at test start."""


def refuse(message: str, *, quiet: bool = False) -> NoReturn:
    """Stop before the run with one line on stderr (none when `quiet`), never a traceback."""
    if not quiet:
        sys.stderr.write(f"locust: error: {message}\n")
        sys.stderr.flush()
    raise SystemExit(USAGE_ERROR_EXIT_CODE)


def prepare_payloads(run: LoadRun, user_classes: list[type]) -> None:
    """Draw every scenario's requests now, before any user starts (never during the run).

    Only a master or a single process draws; a master sends the same payloads to every worker
    (`_RUN_MESSAGE`), so workers spend no time generating while the master waits on their
    heartbeats, and every worker sends exactly the requests `--payload-seed` names.
    """
    destinations = run.options.test_destinations if run.live_run else ()
    for user_class in user_classes:
        source = getattr(user_class, "payload_source", None)
        if source is None or user_class.__name__ in run.payloads:
            continue
        cap = getattr(user_class, "payload_count", None)
        count = run.options.payload_pool if cap is None else min(run.options.payload_pool, cap)
        prepared = source(count, run.options.payload_seed)
        if destinations:
            prepared = [to_test_destinations(p, destinations) for p in prepared]
        run.payloads[user_class.__name__] = tuple(prepared)


def to_test_destinations(payload: PreparedRequest, numbers: tuple[str, ...]) -> PreparedRequest:
    try:
        request = json.loads(payload.body)
    except ValueError:
        return payload
    replaced = with_destinations(request, numbers)
    return PreparedRequest(
        serialise(replaced),
        destination_numbers(replaced),
        payload.expect_rejection,
        payload.rule_ids,
    )


def checked_network(parsed: Any, host: str | None) -> Any:
    """The run's proxy and TLS settings (`NetworkSettings`), or one line and exit 2 if bad."""
    from sms_acceptance._network import NetworkConfigError

    from ._network import network_from_parsed

    try:
        network = network_from_parsed(parsed)
        if host:
            network.route(str(host))
    except NetworkConfigError as error:
        refuse(" ".join(str(error).split()))
    return network


def check_live_target(run: LoadRun, host: str, *, quiet: bool = False) -> None:
    """At start-up: the command line's target passes the run's guard, or the run stops here."""
    from sms_acceptance._live_guard import LiveTrafficRefused

    run.target_url = host
    try:
        run.live_guard.check_target(host)
    except LiveTrafficRefused as refused:
        refuse(str(refused), quiet=quiet)


def encode_payloads(run: LoadRun) -> dict[str, list[list[Any]]]:
    return {
        name: [[p.body, list(p.destinations), p.expect_rejection, list(p.rule_ids)] for p in pool]
        for name, pool in run.payloads.items()
    }


def decode_payloads(data: dict[str, list[list[Any]]]) -> dict[str, tuple[PreparedRequest, ...]]:
    return {
        str(name): tuple(
            PreparedRequest(bytes(body), tuple(dests), bool(rejected), tuple(rules))
            for body, dests, rejected, rules in pool
        )
        for name, pool in data.items()
    }


def send_run_to_workers(runner: Any, run: LoadRun) -> None:
    """Master, at test start: each worker gets the payloads, its share of the arrival rate, the
    schedule's common origin and the guard's settings (the budget stays with the master, which
    grants it destination by destination)."""
    workers = list(runner.clients.all)
    run.node_count = max(1, len(workers))
    payloads = encode_payloads(run)
    rate = run.options.arrival_rate
    origin = time.time() + ramp_seconds(runner.environment)
    guard = guard_settings(run.live_guard)
    for worker in workers:
        runner.send_message(
            RUN_MESSAGE,
            {
                "payloads": payloads,
                "rate": None if rate is None else rate / run.node_count,
                "origin": origin,
                "guard": guard,
                "embedded_sandbox": run.sandbox is not None,
            },
            client_id=worker.id,
        )


def live_guard_for(
    options: LoadOptions, command_line_host: str | None, *, owns_budget: bool = True
) -> LiveTrafficGuard:
    """The guard the command line asks for: live traffic only with `--allow-live-traffic`, only to
    the origin of the `--host` typed there, only to `--test-destination` numbers, at most
    `--max-messages` destinations. A worker (`owns_budget=False`) starts with no budget: every
    destination it sends is granted by its master, out of the run's one budget."""
    return LiveTrafficGuard(
        allow_live_traffic=options.allow_live_traffic,
        max_destinations=options.max_messages if owns_budget else 0,
        allowed_destinations=options.test_destinations,
        live_origins=(command_line_host,) if command_line_host else (),
    )


def guard_settings(guard: LiveTrafficGuard) -> dict[str, Any]:
    """What a master tells its workers of its guard (msgpack-safe): the permission, the numbers and
    the origin, never the budget."""
    return {
        "allow": guard.allow_live_traffic,
        "destinations": sorted(guard.allowed_destinations),
        "origins": sorted(guard.live_origins),
    }


def ramp_seconds(environment: Any) -> float:
    """How long Locust takes to start every user (`-u` at `-r` per second): the schedule's first
    slot comes after it, so slots are never late only because their users did not exist yet."""
    parsed = environment.parsed_options
    users = getattr(parsed, "num_users", None) or 0
    rate = getattr(parsed, "spawn_rate", None) or 0
    return float(users) / float(rate) if users > 0 and rate > 0 else 0.0
