"""Fault injection: off by default; each kind does what it says; a seed fixes the sequence."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from sms_acceptance.sandbox import FAULT_STATUSES, FaultConfig, SandboxConfig, running_sandbox
from sms_acceptance.sandbox._faults import FaultDecision, FaultPlan

from .conftest import CREDENTIAL, ENDPOINT

CLEAN = {"messages": [{"destinations": [{"to": "41793026727"}], "text": "Hello"}]}
HEADERS = {"Authorization": CREDENTIAL}
Envelope = Callable[[httpx.Response], dict[str, Any]]


def statuses(faults: FaultConfig, count: int) -> list[int]:
    """The statuses of `count` sequential requests to a fresh sandbox with `faults`."""
    with (
        running_sandbox(SandboxConfig(authorization=CREDENTIAL, faults=faults)) as sandbox,
        httpx.Client(base_url=sandbox.base_url, timeout=10) as client,
    ):
        return [
            client.post(ENDPOINT, json=CLEAN, headers=HEADERS).status_code for _ in range(count)
        ]


def test_faults_are_off_by_default() -> None:
    assert not FaultConfig().enabled
    assert not SandboxConfig(authorization=CREDENTIAL).faults.enabled


@pytest.mark.parametrize("status", sorted(FAULT_STATUSES))
def test_error_fraction_answers_that_status_with_its_envelope(
    status: int, service_exception: Envelope
) -> None:
    config = SandboxConfig(
        authorization=CREDENTIAL, faults=FaultConfig(error_fractions={status: 1})
    )
    with (
        running_sandbox(config) as sandbox,
        httpx.Client(base_url=sandbox.base_url, timeout=10) as client,
    ):
        response = client.post(ENDPOINT, json=CLEAN, headers=HEADERS)
    assert response.status_code == status
    assert service_exception(response)["messageId"] == FAULT_STATUSES[status][0]


def test_429_500_and_503_envelopes_use_the_provider_message_ids() -> None:
    assert FAULT_STATUSES[429][0] == "TOO_MANY_REQUESTS"
    assert FAULT_STATUSES[500][0] == "GENERAL_ERROR"
    assert FAULT_STATUSES[503][0] == "SERVICE_UNAVAILABLE"


def test_error_fractions_are_reproducible_under_a_seed() -> None:
    faults = FaultConfig(error_fractions={503: 0.3, 429: 0.2}, seed=7)
    first, second = statuses(faults, 40), statuses(faults, 40)
    assert first == second
    assert set(first) == {200, 429, 503}


def test_a_different_seed_gives_a_different_sequence() -> None:
    seven = statuses(FaultConfig(error_fractions={503: 0.5}, seed=7), 40)
    eight = statuses(FaultConfig(error_fractions={503: 0.5}, seed=8), 40)
    assert seven != eight


def test_error_fraction_is_the_share_of_answers_in_the_long_run() -> None:
    plan = FaultPlan(FaultConfig(error_fractions={503: 0.05, 500: 0.01}, seed=1))
    decisions = [plan.next_decision().status for _ in range(100_000)]
    assert decisions.count(503) / len(decisions) == pytest.approx(0.05, abs=0.003)
    assert decisions.count(500) / len(decisions) == pytest.approx(0.01, abs=0.002)


def test_fixed_latency_delays_every_answer_by_that_much() -> None:
    plan = FaultPlan(FaultConfig(latency_ms=250, seed=1))
    assert {plan.next_decision().delay_seconds for _ in range(100)} == {0.25}


@pytest.mark.parametrize("distribution", ["exponential", "lognormal"])
def test_latency_distribution_has_the_given_mean(distribution: Any) -> None:
    plan = FaultPlan(FaultConfig(latency_ms=40, latency_distribution=distribution, seed=3))
    delays = [plan.next_decision().delay_seconds for _ in range(50_000)]
    assert statistics.fmean(delays) == pytest.approx(0.040, rel=0.05)
    assert len(set(delays)) > 40_000  # a distribution, not a constant
    assert max(delays) <= 0.040 * 20  # capped at latency_cap_factor times the mean


def test_latency_draws_are_reproducible_under_a_seed() -> None:
    config = FaultConfig(latency_ms=40, latency_distribution="exponential", seed=11)
    first, second = FaultPlan(config), FaultPlan(config)
    assert [first.next_decision() for _ in range(50)] == [second.next_decision() for _ in range(50)]


def test_latency_is_added_to_the_answer_over_the_wire() -> None:
    config = SandboxConfig(authorization=CREDENTIAL, faults=FaultConfig(latency_ms=300))
    with (
        running_sandbox(config) as sandbox,
        httpx.Client(base_url=sandbox.base_url, timeout=10) as client,
    ):
        started = time.perf_counter()
        response = client.post(ENDPOINT, json=CLEAN, headers=HEADERS)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert elapsed >= 0.3  # a lower bound: the fault's effect, not a performance figure


def test_stall_fraction_stalls_that_share_of_requests() -> None:
    plan = FaultPlan(FaultConfig(stall_fraction=0.1, stall_seconds=30, seed=5))
    decisions = [plan.next_decision() for _ in range(20_000)]
    stalled = [d for d in decisions if d.stalled]
    assert len(stalled) / len(decisions) == pytest.approx(0.1, abs=0.01)
    assert {d.delay_seconds for d in stalled} == {30}


@pytest.mark.slow
def test_a_stalled_request_does_not_stall_other_connections() -> None:
    stall = 3.0
    # The plan is deterministic: pick a seed whose first request stalls and second does not.
    candidates = (_stall_faults(seed, stall) for seed in range(1000))
    faults = next(
        f for f in candidates if [d.stalled for d in _first_decisions(f, 2)] == [True, False]
    )
    config = SandboxConfig(authorization=CREDENTIAL, faults=faults)
    finished_after: list[float] = []
    with running_sandbox(config) as sandbox:
        started = time.perf_counter()

        def send() -> None:
            with httpx.Client(base_url=sandbox.base_url, timeout=10) as client:
                assert client.post(ENDPOINT, json=CLEAN, headers=HEADERS).status_code == 200
            finished_after.append(time.perf_counter() - started)

        senders = [threading.Thread(target=send) for _ in range(2)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(stall + 10)
    # Whichever arrived first stalled; the other was answered while it hung (not after it).
    first, second = sorted(finished_after)
    assert first < stall <= second


def _stall_faults(seed: int, seconds: float) -> FaultConfig:
    return FaultConfig(stall_fraction=0.5, stall_seconds=seconds, seed=seed)


def _first_decisions(faults: FaultConfig, count: int) -> list[FaultDecision]:
    plan = FaultPlan(faults)
    return [plan.next_decision() for _ in range(count)]
