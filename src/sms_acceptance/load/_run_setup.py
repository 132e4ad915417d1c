"""Setting a run up, without Locust: payloads, the live-traffic guard, what workers are sent.

Kept apart from `_plugin` (the Locust event wiring) so it can be tested in a plain pytest process:
importing Locust monkey-patches the whole interpreter with gevent.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any, NoReturn

from ._exit_codes import USAGE_ERROR_EXIT_CODE
from ._payloads import PreparedRequest, destinations_of, serialise, with_destinations
from ._run import LoadRun

RUN_MESSAGE = "sms_acceptance_run"
"""The custom Locust message a master sends each worker at test start."""


def refuse(message: str) -> NoReturn:
    """Stop before the run with one line on stderr, never a traceback."""
    sys.stderr.write(f"locust: error: {message}\n")
    sys.stderr.flush()
    raise SystemExit(USAGE_ERROR_EXIT_CODE)


def prepare_payloads(run: LoadRun, user_classes: list[type]) -> None:
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
            prepared = [to_test_destinations(p, destinations) for p in prepared]
        run.payloads[user_class.__name__] = tuple(prepared)


def to_test_destinations(payload: PreparedRequest, numbers: tuple[str, ...]) -> PreparedRequest:
    try:
        request = json.loads(payload.body)
    except ValueError:
        return payload
    replaced = with_destinations(request, numbers)
    return PreparedRequest(
        serialise(replaced), destinations_of(replaced), payload.expect_rejection, payload.rule_ids
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


def check_live_target(run: LoadRun, host: str, budget: int | None = None) -> None:
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
        refuse(str(refused))
    run.live_guard = guard


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
    """Master, at test start: each worker gets the payloads, its share of the arrival rate and of
    the live-traffic budget, and the schedule's common origin."""
    workers = list(runner.clients.all)
    run.node_count = max(1, len(workers))
    payloads = encode_payloads(run)
    rate = run.options.arrival_rate
    budget, remainder = divmod(run.options.max_messages, run.node_count)
    origin = time.time() + ramp_seconds(runner.environment)
    for index, worker in enumerate(workers):
        runner.send_message(
            RUN_MESSAGE,
            {
                "payloads": payloads,
                "rate": None if rate is None else rate / run.node_count,
                "origin": origin,
                "max_messages": budget + (1 if index < remainder else 0),
                "embedded_sandbox": run.sandbox is not None,
            },
            client_id=worker.id,
        )


def ramp_seconds(environment: Any) -> float:
    """How long Locust takes to start every user (`-u` at `-r` per second): the schedule's first
    slot comes after it, so slots are never late only because their users did not exist yet."""
    parsed = environment.parsed_options
    users = getattr(parsed, "num_users", None) or 0
    rate = getattr(parsed, "spawn_rate", None) or 0
    return float(users) / float(rate) if users > 0 and rate > 0 else 0.0
