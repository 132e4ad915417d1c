"""Payloads drawn before the run: seeded, confirmed by the request oracle, serialised once."""

from __future__ import annotations

import json

import pytest

from sms_acceptance import destination_numbers, judge_request
from sms_acceptance.load import (
    bulk_payloads,
    invalid_payloads,
    scheduled_payloads,
    single_destination_payloads,
)
from sms_acceptance.load._payloads import with_destinations


@pytest.mark.slow
def test_same_seed_draws_the_same_requests() -> None:
    first = single_destination_payloads(4, seed=5)
    assert first == single_destination_payloads(4, seed=5)
    assert first != single_destination_payloads(4, seed=6)


@pytest.mark.slow
def test_R13_valid_scenarios_send_only_clean_requests() -> None:
    for payload in [*single_destination_payloads(4, 1), *scheduled_payloads(4, 1)]:
        assert not payload.expect_rejection
        assert judge_request(payload.body).is_clean


def test_bulk_requests_carry_many_destinations() -> None:
    for payload in bulk_payloads(3, 2):
        assert len(json.loads(payload.body)["messages"]) <= 5
        assert len(payload.destinations) >= 10


def test_invalid_scenario_breaks_the_MUST_rule_it_names() -> None:
    payloads = invalid_payloads(8, 3)
    assert payloads
    for payload in payloads:
        (rule,) = payload.rule_ids
        verdict = judge_request(payload.body)
        assert any(v.rule_id == rule and v.level == "MUST" for v in verdict.violations)


def test_live_traffic_destinations_are_replaced_by_the_test_numbers() -> None:
    request = {"messages": [{"destinations": [{"to": "1"}, {"to": "2"}, {"to": "3"}]}]}
    replaced = with_destinations(request, ["4915100000000", "4915100000001"])
    assert destination_numbers(replaced) == ("4915100000000", "4915100000001", "4915100000000")
    assert destination_numbers(request) == ("1", "2", "3")
