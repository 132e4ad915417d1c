"""The one walk over a request's destinations: what it visits, and what a malformed request counts.

The live-traffic guard relies on it: a destination a send would reach must be counted (budget)
and named (allow-list), however malformed the rest of the request is.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings

from sms_acceptance import (
    destination_count,
    destination_numbers,
    each_destination,
    valid_requests,
)

TWO_MESSAGES: dict[str, Any] = {
    "messages": [
        {"destinations": [{"to": "41793026727"}, {"to": "41793026728"}], "text": "a"},
        {"destinations": [{"to": "41793026729", "messageId": "m-3"}], "text": "b"},
    ]
}


def test_each_destination_is_visited_in_order_with_its_message_index() -> None:
    visited = [(index, destination["to"]) for index, destination in each_destination(TWO_MESSAGES)]
    assert visited == [(0, "41793026727"), (0, "41793026728"), (1, "41793026729")]


def test_the_numbers_and_the_count_of_a_well_formed_request() -> None:
    assert destination_numbers(TWO_MESSAGES) == ("41793026727", "41793026728", "41793026729")
    assert destination_count(TWO_MESSAGES) == 3


@pytest.mark.parametrize(
    "document",
    [
        None,
        "messages",
        [],
        {},
        {"messages": "41793026727"},
        {"messages": {"destinations": [{"to": "41793026727"}]}},
        {"messages": ["41793026727", 7, None]},
        {"messages": [{"destinations": "41793026727"}]},
        {"messages": [{"destinations": {"to": "41793026727"}}]},
        {"messages": [{"destinations": ["41793026727", 41793026727, None]}]},
    ],
)
def test_shapes_other_than_lists_of_objects_hold_no_destination(document: object) -> None:
    assert list(each_destination(document)) == []
    assert destination_numbers(document) == ()
    assert destination_numbers(document, count_unnumbered=True) == ()


UNNUMBERED: dict[str, Any] = {
    "messages": [{"destinations": [{"to": "41793026727"}, {"messageId": "x"}, {"to": 41793026728}]}]
}


def test_without_a_string_to_a_destination_is_not_listed_by_default() -> None:
    assert destination_numbers(UNNUMBERED) == ("41793026727",)


def test_counting_unnumbered_destinations_lists_each_as_its_text_for_the_guard() -> None:
    # Sent as it is, the request still reaches three destinations: the guard must count three
    # and find "" and "41793026728" (a number, not a string) outside any allow-list of strings.
    assert destination_numbers(UNNUMBERED, count_unnumbered=True) == (
        "41793026727",
        "",
        "41793026728",
    )


@settings(max_examples=30, deadline=None)
@given(valid_requests(max_messages=3, max_destinations=4))
def test_on_valid_requests_the_count_is_the_number_of_destinations(
    document: dict[str, Any],
) -> None:
    numbers = destination_numbers(document)
    assert destination_count(document) == len(numbers)
    assert destination_numbers(document, count_unnumbered=True) == numbers
