"""The lifecycle's choices: outcomes (a mix or a table by destination), delays, validityPeriod,
bounded memory; and the report configuration's one-line errors."""

from __future__ import annotations

import statistics
import time

import pytest

from sms_acceptance import KNOWN_STATUSES, STATUS_GROUPS
from sms_acceptance.sandbox._report_config import ReportConfig, ReportFaultConfig
from sms_acceptance.sandbox._report_outcomes import (
    DELIVERED,
    EXPIRED,
    REJECTED,
    UNDELIVERABLE,
    DelaySampler,
    outcome_for_destination,
)

from ._delivery_reports import get, sandbox_with_reports, send, stats, wait_for_stat

OUTCOMES = [DELIVERED, UNDELIVERABLE, EXPIRED, REJECTED]


@pytest.mark.parametrize("outcome", OUTCOMES, ids=lambda o: o.group_name)
def test_D5_D6_every_final_status_is_in_the_providers_table_with_an_error_object(
    outcome: object,
) -> None:
    status, error = outcome.status, outcome.error  # type: ignore[attr-defined]
    assert (status["groupId"], status["id"]) in KNOWN_STATUSES
    assert status["groupName"] in STATUS_GROUPS[status["groupId"]]
    assert status["groupId"] in (2, 3, 4, 5)  # final groups (D5)
    assert set(error) == {"groupId", "groupName", "id", "name", "description", "permanent"}
    assert (error["id"] == 0) == (outcome is DELIVERED)


@pytest.mark.parametrize(
    ("to", "group"),
    [
        ("41793026720", "DELIVERED"),
        ("41793026726", "DELIVERED"),
        ("41793026727", "UNDELIVERABLE"),
        ("41793026728", "EXPIRED"),
        ("41793026729", "REJECTED"),
    ],
)
def test_by_destination_mode_the_last_digit_picks_the_outcome(to: str, group: str) -> None:
    assert outcome_for_destination(to).group_name == group


def test_by_destination_mode_over_the_wire() -> None:
    destinations = [{"to": f"4179302672{digit}"} for digit in range(10)]
    with sandbox_with_reports(mode="by-destination", delay_ms=10) as sandbox:
        send(sandbox, {"destinations": destinations})
        wait_for_stat(sandbox, "finals", 10)
        reports = get(sandbox, "/sms/1/reports").json()["results"]
    groups = {r["to"][-1]: r["status"]["groupName"] for r in reports}
    assert groups == {
        **{str(d): "DELIVERED" for d in range(7)},
        "7": "UNDELIVERABLE",
        "8": "EXPIRED",
        "9": "REJECTED",
    }
    assert (
        next(r for r in reports if r["to"].endswith("7"))["error"]["name"] == "EC_ABSENT_SUBSCRIBER"
    )


def test_mix_mode_draws_the_configured_shares() -> None:
    destinations = [{"to": f"417930{n:05d}"} for n in range(400)]
    with sandbox_with_reports(undeliverable=0.25, rejected=0.25, delay_ms=10) as sandbox:
        send(sandbox, {"destinations": destinations})
        wait_for_stat(sandbox, "finals", 400)
        reports = get(sandbox, "/sms/1/reports", limit=1000).json()["results"]
    groups = [r["status"]["groupName"] for r in reports]
    assert len(groups) == 400
    assert 60 < groups.count("UNDELIVERABLE") < 140
    assert 60 < groups.count("REJECTED") < 140
    assert groups.count("EXPIRED") == 0


def test_validityPeriod_shorter_than_the_delay_ends_EXPIRED() -> None:
    # time_scale 0.001: validityPeriod 1 (minute) is 60 ms, shorter than the 500 ms delay.
    with sandbox_with_reports(delay_ms=500) as sandbox:
        send(
            sandbox,
            {"destinations": [{"to": "41793026720"}], "validityPeriod": 1},
            {"destinations": [{"to": "41793026721"}], "validityPeriod": 60},
        )
        wait_for_stat(sandbox, "finals", 2)
        reports = get(sandbox, "/sms/1/reports").json()["results"]
    by_to = {r["to"]: r for r in reports}
    assert by_to["41793026720"]["status"]["groupName"] == "EXPIRED"
    assert by_to["41793026720"]["error"]["name"] == "EC_VALIDITY_EXPIRED"
    assert by_to["41793026721"]["status"]["groupName"] == "DELIVERED"


@pytest.mark.parametrize("distribution", ["exponential", "lognormal"])
def test_delay_distributions_have_the_configured_mean_and_are_capped(distribution: str) -> None:
    sampler = DelaySampler(distribution, 1000.0, 0.5, 20.0)  # type: ignore[arg-type]
    draws = [sampler.delay(i / 20000) for i in range(20000)]
    assert statistics.fmean(draws) == pytest.approx(1.0, rel=0.1)
    assert max(draws) <= 20.0
    assert DelaySampler("fixed", 250.0, 0.5, 20.0).delay(0.9) == 0.25


def test_memory_is_bounded_by_the_maximum_count_with_counters() -> None:
    with sandbox_with_reports(max_reports=10, delay_ms=10) as sandbox:
        for _ in range(3):
            send(sandbox, {"destinations": [{"to": f"417930{n:05d}"} for n in range(10)]})
        wait_for_stat(sandbox, "finals", 10)
        counters = stats(sandbox)
        pulled = get(sandbox, "/sms/1/reports", limit=1000).json()["results"]
    assert counters["remembered"] == 10
    assert counters["forgotten_before_final"] + counters["forgotten_after_final"] == 20
    assert len(pulled) == 10


def test_reports_off_tracks_nothing_and_pulls_are_empty() -> None:
    with sandbox_with_reports(enabled=False) as sandbox:
        send(sandbox, {"destinations": [{"to": "41793026727"}]})
        assert get(sandbox, "/sms/1/reports").json() == {"results": []}
        assert stats(sandbox) == {"enabled": False}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"undeliverable": 0.6, "rejected": 0.6}, "add up to more than 1"),
        ({"mode": "random"}, "report mode must be one of"),
        ({"delay_ms": float("nan")}, "delay_ms must be a finite number"),
        ({"batch_size": 101}, "batch_size must be 1-100"),
        ({"time_scale": 0}, "time_scale must be greater than 0"),
        ({"allowed_push_hosts": ("http://x",)}, "bare host name"),
        ({"allowed_push_hosts": ("host:80",)}, "bare host name"),
        ({"max_reports": 0}, "max_reports must be at least 1"),
        ({"faults": None}, None),
    ],
)
def test_a_bad_report_configuration_is_a_one_line_error(
    overrides: dict[str, object], message: str | None
) -> None:
    if message is None:
        with pytest.raises(ValueError, match="late_seconds"):
            ReportFaultConfig(late=0.1)
        return
    with pytest.raises(ValueError, match=message) as error:
        ReportConfig(**overrides)  # type: ignore[arg-type]
    assert "\n" not in str(error.value)


def test_ipv6_loopback_may_be_an_allowed_host() -> None:
    assert ReportConfig(allowed_push_hosts=("::1", "DLR.Example.com")).allowed_push_hosts == (
        "::1",
        "dlr.example.com",
    )


def test_memory_is_bounded_by_the_retention_window() -> None:
    with sandbox_with_reports(retention_seconds=1.0, delay_ms=10) as sandbox:
        send(sandbox, {"destinations": [{"to": "41793026727"}]})
        wait_for_stat(sandbox, "finals", 1)
        time.sleep(1.2)
        pulled = get(sandbox, "/sms/1/reports").json()["results"]
        logs = get(sandbox, "/sms/1/logs").json()["results"]
        counters = stats(sandbox)
    assert (pulled, logs) == ([], [])
    assert counters["forgotten_after_final"] == 1
    assert counters["remembered"] == 0
