"""Valid requests are accepted and answered as the document says (R10-R13, S1-S13, A5).

Requests are generated from the request schema (Hypothesis strategies), with texts, numbers and
dates overlaid, and kept clear of every OPEN case by the request oracle. Because a few examples
may or may not carry a given field, every profile also sends a fixed set derived from the schema
and the seed: each optional field with each value the seed shows (both booleans, every closed
enum value), and a concatenated text in each alphabet family. Each answer goes through
every response check: schema (S1, S2, S8, S11, S13), one entry per destination (S2, S3), echoes
(S4, S5), unique ids (S6), bulkId (S7), statuses (S9, S10) and smsCount (S12).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sms_acceptance.conformance import (
    SEED_SMS_COUNTS,
    ConformanceClient,
    RequestCase,
    addressed_request,
    concatenated_text_requests,
    few_destinations,
    generation_now,
    longest_text_requests,
    longest_value_requests,
    optional_field_requests,
    plain_request,
    seed_request_for,
    valid_requests,
)


@given(data=st.data())
def test_R13_generated_valid_requests_are_accepted(
    sms: ConformanceClient, data: st.DataObject
) -> None:
    document = data.draw(
        valid_requests(
            max_messages=2,
            max_destinations=few_destinations(sms, 3),
            destinations=sms.options.test_destinations,
        ),
        label="request",
    )
    sms.verify_accepted(document)


@pytest.mark.parametrize("case", optional_field_requests(), ids=str)
def test_R13_every_optional_field_is_accepted(sms: ConformanceClient, case: RequestCase) -> None:
    sms.verify_accepted(addressed_request(sms, case.request()))


@pytest.mark.parametrize("case", concatenated_text_requests(), ids=str)
def test_R13_concatenated_text_in_every_alphabet_is_accepted(
    sms: ConformanceClient, case: RequestCase
) -> None:
    if sms.live:
        pytest.skip("multi-part texts in every alphabet are not sent to a live server (real SMS)")
    sms.verify_accepted(case.request())


@pytest.mark.parametrize("case", longest_text_requests(), ids=str)
def test_R13_the_longest_text_in_every_alphabet_is_accepted(
    sms: ConformanceClient, case: RequestCase
) -> None:
    """The top of the range: 25 segments in each alphabet family."""
    if sms.live:
        pytest.skip("25-part texts are not sent to a live server (real SMS)")
    sms.verify_accepted(case.request())


@pytest.mark.parametrize("case", longest_value_requests(), ids=str)
def test_R13_the_longest_documented_values_are_accepted(
    sms: ConformanceClient, case: RequestCase
) -> None:
    """bulkId 100, messageId 200, callbackData 4000 characters (beyond them: OPEN)."""
    if sms.live:
        pytest.skip("the longest values are sent to loopback and non-live targets only")
    sms.verify_accepted(case.request())


def test_R10_seed_request_is_accepted_as_it_stands(sms: ConformanceClient) -> None:
    sms.verify_seed(seed_request_for(sms), [count for _, count in SEED_SMS_COUNTS])


@pytest.mark.parametrize("suffix", ["+0000", "+00:00", "Z"])
@pytest.mark.parametrize("days_from_now", [-400, -1, 7, 170])
def test_R11_send_at_in_documented_forms_is_accepted(
    sms: ConformanceClient, suffix: str, days_from_now: int
) -> None:
    sms.require("send_at_forms_accepted")
    moment = generation_now() + dt.timedelta(days=days_from_now)  # the run's minute
    document = plain_request(sms, "Scheduled for later")
    document["messages"][0]["sendAt"] = moment.strftime("%Y-%m-%dT%H:%M:00.000") + suffix
    sms.verify_accepted(document, purpose="send_at_form")


@pytest.mark.parametrize("validity_period", [2881, 10_000])
def test_R12_validity_period_above_2880_is_clamped_not_rejected(
    sms: ConformanceClient, validity_period: int
) -> None:
    sms.require("validity_period_clamped")
    document = plain_request(sms, "Valid for long")
    document["messages"][0]["validityPeriod"] = validity_period
    sms.verify_accepted(document, purpose="long_validity")


def test_R13_a_bulk_of_1000_destinations_is_accepted(sms: ConformanceClient) -> None:
    profile = sms.options.vendor_profile
    total = 1000
    if profile.max_destinations is not None:
        total = profile.max_destinations
        sms.declare("bulk_size_accepted", f"max_destinations = {total} (vendor profile)")
    if sms.live:
        pytest.skip("a 1000-destination bulk is not sent to a live server (real SMS)")
    first = total // 2
    document: dict[str, Any] = {
        "bulkId": "sms-acceptance-bulk",
        "messages": [
            {"destinations": [{"to": f"4179{n:07d}"} for n in range(first)], "text": "Bulk A"},
            {
                "destinations": [{"to": f"4179{n:07d}"} for n in range(first, total)],
                "text": "Bulk B ü€",
            },
        ],
    }
    if first == 0:
        document["messages"].pop(0)
    sms.verify_accepted(document, purpose="bulk")
