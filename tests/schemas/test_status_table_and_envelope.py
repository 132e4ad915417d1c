"""The status table (S9) and the error envelope (E1) as data the whole kit shares."""

from __future__ import annotations

from typing import Any

import pytest

from sms_acceptance import (
    KNOWN_STATUSES,
    STANDARD_ERRORS,
    STATUS_GROUPS,
    STATUS_ROWS,
    ErrorEnvelope,
    error_envelope,
    group_name_matches,
    is_known_status,
    parse_error_envelope,
    schema_violations,
)


def test_S9_groups_are_the_six_of_the_provider() -> None:
    assert {g: sorted(n) for g, n in STATUS_GROUPS.items()} == {
        0: ["ACCEPTED", "OK"],
        1: ["PENDING"],
        2: ["UNDELIVERABLE"],
        3: ["DELIVERED"],
        4: ["EXPIRED"],
        5: ["REJECTED"],
    }


@pytest.mark.parametrize(
    ("group_id", "status_id"),
    [(0, 0), (1, 7), (1, 26), (1, 3), (3, 5), (4, 87), (5, 87), (5, 23), (5, 25), (5, 51), (5, 52)],
)
def test_S9_pairs_of_the_status_table_are_known(group_id: int, status_id: int) -> None:
    assert is_known_status(group_id, status_id)


@pytest.mark.parametrize(("group_id", "status_id"), [(1, 5), (5, 7), (0, 26), (6, 1), (1, 1000)])
def test_S9_pairs_outside_the_status_table_are_unknown(group_id: int, status_id: int) -> None:
    assert not is_known_status(group_id, status_id)


def test_S9_status_87_sits_in_both_expired_and_rejected() -> None:
    assert {g for g, s in KNOWN_STATUSES if s == 87} == {4, 5}


def test_S9_every_known_status_belongs_to_a_known_group() -> None:
    assert {g for g, _ in KNOWN_STATUSES} <= set(STATUS_GROUPS)
    assert set(STATUS_ROWS) == KNOWN_STATUSES


def test_S9_group_names_are_checked_against_the_group_not_the_status() -> None:
    assert group_name_matches(1, "PENDING")
    assert group_name_matches(0, "OK") and group_name_matches(0, "ACCEPTED")
    assert not group_name_matches(1, "REJECTED")
    assert not group_name_matches(9, "PENDING")


def test_the_seed_statuses_are_known(seed_examples: list[Any]) -> None:
    statuses = [
        m["status"] for e in seed_examples if e.kind == "response" for m in e.document["messages"]
    ]
    assert statuses
    assert all(is_known_status(s["groupId"], s["id"]) for s in statuses)
    assert all(group_name_matches(s["groupId"], s["groupName"]) for s in statuses)


def test_E1_an_envelope_without_validation_errors_is_the_seeds_400_body(
    seed_examples: list[Any],
) -> None:
    seed_400 = next(e.document for e in seed_examples if e.kind == "error")
    assert error_envelope("BAD_REQUEST", "Bad request") == seed_400


def test_E1_an_envelope_with_validation_errors_validates_against_the_error_schema() -> None:
    body = error_envelope("BAD_REQUEST", "Bad request", {"$.messages": ["must not be empty (R2)"]})
    assert body["requestError"]["serviceException"]["validationErrors"] == {
        "$.messages": ["must not be empty (R2)"]
    }
    assert schema_violations("error", body) == []


@pytest.mark.parametrize("status", sorted(STANDARD_ERRORS))
def test_E1_every_standard_error_builds_a_valid_envelope(status: int) -> None:
    assert schema_violations("error", error_envelope(*STANDARD_ERRORS[status])) == []


def test_E1_an_envelope_round_trips_through_the_parser() -> None:
    parsed = parse_error_envelope(error_envelope("BAD_REQUEST", "Bad request", {"$.a": ["x", "y"]}))
    assert parsed is not None
    assert (parsed.message_id, parsed.text) == ("BAD_REQUEST", "Bad request")
    assert dict(parsed.validation_errors or {}) == {"$.a": ("x", "y")}


def test_E1_vendor_extra_properties_do_not_stop_parsing() -> None:
    body = {
        "requestError": {"serviceException": {"messageId": "X", "text": "t", "code": 7}},
        "x": 1,
    }
    assert parse_error_envelope(body) == ErrorEnvelope("X", "t", None)


def _with_validation_errors(value: object) -> dict[str, Any]:
    exception = {"messageId": "X", "text": "t", "validationErrors": value}
    return {"requestError": {"serviceException": exception}}


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "Bad request",
        {},
        {"requestError": "x"},
        {"requestError": {"serviceException": []}},
        {"requestError": {"serviceException": {"text": "t"}}},
        {"requestError": {"serviceException": {"messageId": "X", "text": 1}}},
        _with_validation_errors([]),
        _with_validation_errors({"a": "b"}),
        {"errorCode": "E400", "description": "Request cannot be processed."},
    ],
    ids=[
        "null",
        "array",
        "plain-text",
        "empty",
        "requestError-string",
        "serviceException-array",
        "no-messageId",
        "text-number",
        "validationErrors-array",
        "validationErrors-value-string",
        "v3-ApiError",
    ],
)
def test_E1_bodies_that_are_not_the_envelope_parse_to_none(body: object) -> None:
    assert parse_error_envelope(body) is None
    assert schema_violations("error", body) != []
