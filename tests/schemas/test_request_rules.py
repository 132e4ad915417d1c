"""The request oracle, rule by rule (rules.md R1-R13 and its OPEN list)."""

from __future__ import annotations

import copy
import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sms_acceptance import RequestVerdict, RuleViolation, judge_request

from .._rule_examples import R11_DOCUMENTED_SEND_AT_FORMS

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
M = "$.messages[0]"
W = M + ".deliveryTimeWindow"
D = M + ".destinations"


def _request(**message: Any) -> dict[str, Any]:
    return {"messages": [{"destinations": [{"to": "41793026727"}], "text": "Hi", **message}]}


def _judge(document: object) -> RequestVerdict:
    return judge_request(document, now=NOW)


def _violated(document: object) -> set[tuple[str, str]]:
    return {(v.rule_id, v.path) for v in _judge(document).violations}


def _window(start: tuple[int, int], end: tuple[int, int]) -> dict[str, Any]:
    return {
        "days": ["MONDAY", "FRIDAY"],
        "from": {"hour": start[0], "minute": start[1]},
        "to": {"hour": end[0], "minute": end[1]},
    }


def _is_open_only(verdict: RequestVerdict, path: str) -> bool:
    return verdict.is_valid and any(case.startswith(f"{path}:") for case in verdict.open_cases)


# --- R1 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b"", b"messages", b"{", b'{"messages": [}', b"NaN", b"\xff\xfe{}", b"[" * 100_000],
    ids=["empty", "word", "unclosed", "broken", "NaN", "not-utf8", "deeply-nested"],
)
def test_R1_body_that_is_not_json_is_a_must_violation(body: bytes) -> None:
    verdict = judge_request(body, now=NOW)
    assert [(v.rule_id, v.level, v.path) for v in verdict.violations] == [("R1", "MUST", "$")]


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"42", b"null", b"true"])
def test_R1_json_that_is_not_an_object_is_a_must_violation(body: bytes) -> None:
    assert _violated(json.loads(body)) == {("R1", "$")}
    assert ("R1", "$") in {(v.rule_id, v.path) for v in judge_request(body).violations}


def test_R1_bytes_bytearray_and_memoryview_are_parsed_alike() -> None:
    raw = json.dumps(_request(flash="no")).encode()
    verdicts = {judge_request(b, now=NOW) for b in (raw, bytearray(raw), memoryview(raw))}
    assert verdicts == {_judge(_request(flash="no"))}


# --- R2-R4 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("messages", [None, {}, "m", []], ids=["null", "object", "string", "empty"])
def test_R2_messages_not_a_non_empty_array_is_a_must_violation(messages: object) -> None:
    verdict = _judge({"messages": messages})
    assert [(v.rule_id, v.level, v.path) for v in verdict.violations] == [
        ("R2", "MUST", "$.messages")
    ]


def test_R2_messages_missing_is_a_must_violation() -> None:
    assert _violated({"bulkId": "b"}) == {("R2", "$.messages")}


@pytest.mark.parametrize(
    ("message", "path"),
    [
        ("text", M),
        ({"text": "Hi"}, D),
        ({"text": "Hi", "destinations": []}, D),
        ({"text": "Hi", "destinations": {"to": "1"}}, D),
    ],
    ids=["not-object", "no-destinations", "empty-destinations", "destinations-object"],
)
def test_R3_bad_message_or_destinations_is_a_must_violation(message: object, path: str) -> None:
    assert _violated({"messages": [message]}) == {("R3", path)}


@pytest.mark.parametrize(
    ("destination", "path"),
    [
        ("41793026727", D + "[0]"),
        ({"messageId": "m"}, D + "[0].to"),
        ({"to": 41793026727}, D + "[0].to"),
        ({"to": None}, D + "[0].to"),
    ],
    ids=["not-object", "no-to", "to-number", "to-null"],
)
def test_R4_bad_destination_is_a_must_violation(destination: object, path: str) -> None:
    assert _violated(_request(destinations=[destination])) == {("R4", path)}


# --- R5 ------------------------------------------------------------------------------------------

_R5_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("flash", _request(flash="false"), M + ".flash"),
    ("intermediateReport", _request(intermediateReport=0), M + ".intermediateReport"),
    ("validityPeriod-string", _request(validityPeriod="720"), M + ".validityPeriod"),
    ("validityPeriod-fraction", _request(validityPeriod=720.5), M + ".validityPeriod"),
    ("from", _request(**{"from": 41793026700}), M + ".from"),
    ("text", _request(text=7), M + ".text"),
    ("bulkId", {**_request(), "bulkId": 1}, "$.bulkId"),
    ("messageId", _request(destinations=[{"to": "1", "messageId": 7}]), D + "[0].messageId"),
    ("callbackData", _request(callbackData=["x"]), M + ".callbackData"),
    ("notifyUrl", _request(notifyUrl=False), M + ".notifyUrl"),
    ("notifyContentType", _request(notifyContentType=1), M + ".notifyContentType"),
    ("transliteration", _request(transliteration=True), M + ".transliteration"),
    ("sendAt", _request(sendAt=1629907200), M + ".sendAt"),
    ("tracking-track", {**_request(), "tracking": {"track": 1}}, "$.tracking.track"),
    ("tracking-type", {**_request(), "tracking": {"type": {}}}, "$.tracking.type"),
    ("tracking-processKey", {**_request(), "tracking": {"processKey": 1}}, "$.tracking.processKey"),
    ("tracking-baseUrl", {**_request(), "tracking": {"baseUrl": 1}}, "$.tracking.baseUrl"),
    ("languageCode", _request(language={"languageCode": 90}), M + ".language.languageCode"),
    ("language", _request(language="TR"), M + ".language"),
    ("deliveryTimeWindow", _request(deliveryTimeWindow="MONDAY"), W),
    (
        "window-from",
        _request(deliveryTimeWindow={"days": ["MONDAY"], "from": 6, "to": 9}),
        W + ".from",
    ),
    ("tracking", {**_request(), "tracking": "SMS"}, "$.tracking"),
]


@pytest.mark.parametrize(
    ("document", "path"), [c[1:] for c in _R5_CASES], ids=[c[0] for c in _R5_CASES]
)
def test_R5_known_field_of_the_wrong_type_is_a_must_violation(document: object, path: str) -> None:
    assert ("R5", path) in _violated(document)
    assert {v.level for v in _judge(document).violations if v.rule_id == "R5"} == {"MUST"}


def test_R5_an_integer_written_as_6_0_is_open_not_a_violation() -> None:
    assert _is_open_only(_judge(_request(validityPeriod=6.0)), M + ".validityPeriod")
    body = b'{"messages": [{"destinations": [{"to": "1"}], "text": "x", "validityPeriod": 6.0}]}'
    assert _is_open_only(judge_request(body, now=NOW), M + ".validityPeriod")


# --- R6 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("window", "path"),
    [
        ({"from": {"hour": 6, "minute": 0}, "to": {"hour": 9, "minute": 0}}, W + ".days"),
        ({"days": []}, W + ".days"),
        ({"days": "MONDAY"}, W + ".days"),
        ({"days": ["MON"]}, W + ".days[0]"),
        ({"days": ["Monday"]}, W + ".days[0]"),
        ({**_window((6, 0), (15, 0)), "from": {"hour": 24, "minute": 0}}, W + ".from.hour"),
        ({**_window((6, 0), (15, 0)), "to": {"hour": 15, "minute": -1}}, W + ".to.minute"),
        ({**_window((6, 0), (15, 0)), "to": {"hour": 15, "minute": 60}}, W + ".to.minute"),
        ({**_window((6, 0), (15, 0)), "from": {"hour": "6", "minute": 0}}, W + ".from.hour"),
        ({**_window((6, 0), (15, 0)), "from": {"hour": 6.5, "minute": 0}}, W + ".from.hour"),
    ],
    ids=[
        "days-missing",
        "days-empty",
        "days-string",
        "day-abbreviated",
        "day-lowercase",
        "hour-24",
        "minute-negative",
        "minute-60",
        "hour-string",
        "hour-fraction",
    ],
)
def test_R6_bad_days_hour_or_minute_is_a_must_violation(window: object, path: str) -> None:
    verdict = _judge(_request(deliveryTimeWindow=window))
    assert ("R6", "MUST", path) in {(v.rule_id, v.level, v.path) for v in verdict.violations}


# --- R7 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["from", "to"])
def test_R7_window_with_only_one_end_is_a_should_violation(missing: str) -> None:
    window = _window((6, 0), (15, 30))
    del window[missing]
    verdict = _judge(_request(deliveryTimeWindow=window))
    present = "to" if missing == "from" else "from"
    assert verdict.violations == (
        RuleViolation("R7", "SHOULD", f"{W}.{missing}", f"is required when {present} is given"),
    )


@pytest.mark.parametrize(
    ("start", "end"), [((6, 0), (6, 59)), ((6, 0), (6, 0)), ((23, 0), (23, 59))]
)
def test_R7_window_shorter_than_60_minutes_is_a_should_violation(
    start: tuple[int, int], end: tuple[int, int]
) -> None:
    verdict = _judge(_request(deliveryTimeWindow=_window(start, end)))
    assert [(v.rule_id, v.level, v.path) for v in verdict.violations] == [
        ("R7", "SHOULD", W + ".to")
    ]


@pytest.mark.parametrize(
    ("start", "end"), [((6, 0), (7, 0)), ((0, 0), (23, 59)), ((6, 0), (15, 30))]
)
def test_R7_window_of_60_minutes_or_more_is_clean(
    start: tuple[int, int], end: tuple[int, int]
) -> None:
    assert _judge(_request(deliveryTimeWindow=_window(start, end))).is_clean


def test_R7_window_crossing_midnight_is_open() -> None:
    assert _is_open_only(_judge(_request(deliveryTimeWindow=_window((22, 0), (6, 0)))), W)


def test_R7_window_without_from_and_to_is_clean() -> None:
    assert _judge(_request(deliveryTimeWindow={"days": ["SUNDAY"]})).is_clean


# --- R8 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "send_at",
    [
        "tomorrow",
        "",
        "25/08/2021 16:00",
        "2021-08-25X16:00:00Z",
        "2021-13-25T16:00:00.000+0000",
        "2021-02-30T16:00:00.000+0000",
        "2021-04-31T16:00:00Z",
        "2021-08-25T25:00:00Z",
        "2021-08-25T16:00:00.000+0000\n",
    ],
    ids=[
        "word",
        "empty",
        "local-format",
        "bad-separator",
        "month-13",
        "february-30",
        "april-31",
        "hour-25",
        "trailing-newline",
    ],
)
def test_R8_sendAt_that_is_not_a_date_time_is_a_should_violation(send_at: str) -> None:
    verdict = _judge(_request(sendAt=send_at))
    assert [(v.rule_id, v.level, v.path) for v in verdict.violations] == [
        ("R8", "SHOULD", M + ".sendAt")
    ]


@pytest.mark.parametrize("days_ahead", [182, 365, 3650])
def test_R8_sendAt_more_than_180_days_ahead_is_a_should_violation(days_ahead: int) -> None:
    send_at = (NOW + timedelta(days=days_ahead)).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    assert _violated(_request(sendAt=send_at)) == {("R8", M + ".sendAt")}


def test_R8_sendAt_within_a_day_of_the_horizon_is_open() -> None:
    send_at = (NOW + timedelta(days=180, hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert _is_open_only(_judge(_request(sendAt=send_at)), M + ".sendAt")


def test_R8_the_horizon_is_measured_from_the_given_clock() -> None:
    document = _request(sendAt="2027-12-01T00:00:00Z")
    assert not judge_request(document, now=NOW).is_valid
    assert judge_request(document, now=datetime(2027, 11, 1)).is_clean  # naive: UTC


@pytest.mark.parametrize(
    "send_at",
    [
        "2021-08-25T16:00",
        "2021-08-25T16:00:00",
        "2021-08-25",
        "2021-08-25T16:00+0000",
        "2021-08-25 16:00:00Z",
    ],
    ids=["no-seconds-no-offset", "no-offset", "date-only", "no-seconds", "space"],
)
def test_R8_sendAt_without_seconds_or_offset_is_open(send_at: str) -> None:
    assert _is_open_only(_judge(_request(sendAt=send_at)), M + ".sendAt")


# --- R9 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "path"),
    [
        (_request(notifyContentType="text/xml"), M + ".notifyContentType"),
        (_request(notifyContentType="APPLICATION/JSON"), M + ".notifyContentType"),
        ({**_request(), "tracking": {"track": "sms"}}, "$.tracking.track"),
        ({**_request(), "tracking": {"track": "EMAIL"}}, "$.tracking.track"),
        (
            {**_request(), "sendingSpeedLimit": {"amount": 5, "timeUnit": "SECOND"}},
            "$.sendingSpeedLimit.timeUnit",
        ),
    ],
    ids=["content-type", "content-type-case", "track-case", "track-email", "time-unit"],
)
def test_R9_value_outside_the_documented_enum_is_a_should_violation(
    document: object, path: str
) -> None:
    verdict = _judge(document)
    assert [(v.rule_id, v.level, v.path) for v in verdict.violations] == [("R9", "SHOULD", path)]


# --- R10-R13: accepted ---------------------------------------------------------------------------


def test_R10_the_seed_request_as_it_stands_is_valid_and_clean(seed_request: dict[str, Any]) -> None:
    verdict = judge_request(json.dumps(seed_request).encode(), now=NOW)
    assert verdict == RequestVerdict(violations=(), open_cases=())
    assert verdict.is_valid and verdict.is_clean


@pytest.mark.parametrize(
    "send_at",
    [
        *R11_DOCUMENTED_SEND_AT_FORMS,
        "2021-08-25T16:00:00+0100",
        "2021-08-25T16:00:00.123456-05:30",
        (NOW + timedelta(days=179)).strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
    ],
)
def test_R11_sendAt_in_the_documented_forms_past_or_within_180_days_is_clean(send_at: str) -> None:
    assert _judge(_request(sendAt=send_at)).is_clean


@pytest.mark.parametrize("minutes", [2880, 2881, 10_000, 2**40, 2**53 - 1])
def test_R12_validityPeriod_above_2880_is_clean(minutes: int) -> None:
    assert _judge(_request(validityPeriod=minutes)).is_clean


@pytest.mark.parametrize("minutes", [2**53, 2**63 - 1, -(2**53)])
def test_an_integer_beyond_2_53_is_open(minutes: int) -> None:
    """rules.md OPEN: beyond ±(2^53-1) a JavaScript server cannot read the integer."""
    assert _is_open_only(_judge(_request(validityPeriod=minutes)), M + ".validityPeriod")
    body = f'{{"messages":[{{"destinations":[{{"to":"1"}}],"validityPeriod":{minutes}}}]}}'
    assert _is_open_only(judge_request(body.encode(), now=NOW), M + ".validityPeriod")


def test_an_integer_beyond_2_53_is_open_anywhere_even_beside_a_violation() -> None:
    verdict = _judge(_request(destinations=[{"to": 2**60}]))
    assert ("R4", D + "[0].to") in _violated(_request(destinations=[{"to": 2**60}]))
    assert any(case.startswith(D + "[0].to: an integer beyond") for case in verdict.open_cases)


@pytest.mark.parametrize(
    ("document", "path"),
    [
        (_request(**{"from": None}), M + ".from"),
        (_request(validityPeriod=None), M + ".validityPeriod"),
        (_request(language=None), M + ".language"),
        ({**_request(), "bulkId": None}, "$.bulkId"),
        (_request(destinations=[{"to": "41793026727", "messageId": None}]), D + "[0].messageId"),
    ],
    ids=["from", "validityPeriod", "language", "bulkId", "messageId"],
)
def test_null_for_an_optional_field_is_open_read_as_absent(document: object, path: str) -> None:
    assert _is_open_only(_judge(document), path)


def test_null_for_a_required_field_is_still_a_violation() -> None:
    assert ("R4", D + "[0].to") in _violated(_request(destinations=[{"to": None}]))


def test_a_to_with_a_leading_plus_is_open() -> None:
    assert _is_open_only(_judge(_request(destinations=[{"to": "+41793026727"}])), D + "[0].to")


def test_R13_every_combination_of_the_seeds_optional_fields_is_clean(
    seed_request: dict[str, Any],
) -> None:
    first, second = seed_request["messages"]
    optional = {**{k: v for k, v in first.items() if k != "destinations"}, **second}
    optional.pop("destinations")
    names = sorted(optional)
    assert len(names) >= 11
    for size in range(len(names) + 1):
        for chosen in itertools.combinations(names, size):
            message = {"destinations": first["destinations"], **{n: optional[n] for n in chosen}}
            message.setdefault("text", "Hi")
            top = {k: seed_request[k] for k in ("bulkId", "tracking")[: size % 3]}
            verdict = _judge({**top, "messages": [copy.deepcopy(message)]})
            assert verdict.is_clean, (chosen, verdict)


def test_R13_one_thousand_destinations_in_total_is_clean() -> None:
    destinations = [{"to": str(41793000000 + i)} for i in range(500)]
    message = {"destinations": destinations, "text": "Hi"}
    assert _judge({"messages": [message, copy.deepcopy(message)]}).is_clean


# --- OPEN ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({**_request(), "priority": 1}, "$.priority"),
        (_request(colour="red"), M + ".colour"),
        (_request(destinations=[{"to": "1", "networkId": 5}]), D + "[0].networkId"),
        ({"messages": [{"destinations": [{"to": "41793026727"}]}]}, M + ".text"),
        (_request(language={"languageCode": "DE"}), M + ".language.languageCode"),
        (_request(language={"languageCode": "tr"}), M + ".language.languageCode"),
        (_request(transliteration="KLINGON"), M + ".transliteration"),
        (_request(validityPeriod=0), M + ".validityPeriod"),
        (_request(validityPeriod=-5), M + ".validityPeriod"),
        (_request(validityPeriod=2**63), M + ".validityPeriod"),
        (_request(text=""), M + ".text"),
        ({**_request(), "bulkId": ""}, "$.bulkId"),
        (_request(destinations=[{"to": "1", "messageId": ""}]), D + "[0].messageId"),
        (_request(callbackData="c" * 4001), M + ".callbackData"),
        ({**_request(), "bulkId": "b" * 101}, "$.bulkId"),
        (_request(destinations=[{"to": "1", "messageId": "m" * 201}]), D + "[0].messageId"),
        (_request(destinations=[{"to": ""}]), D + "[0].to"),
        (_request(destinations=[{"to": "+41793026727"}]), D + "[0].to"),
        (_request(destinations=[{"to": "CALL-ME"}]), D + "[0].to"),
        (_request(text="a" * 3826), M + ".text"),
        (_request(text="ş" * 1676), M + ".text"),
        (_request(destinations=[{"to": "1", "messageId": "a"}] * 2), D + "[1].messageId"),
    ],
    ids=[
        "unknown-top-level",
        "unknown-in-message",
        "unknown-in-destination",
        "text-missing",
        "languageCode-unknown",
        "languageCode-lowercase",
        "transliteration-unknown",
        "validityPeriod-zero",
        "validityPeriod-negative",
        "validityPeriod-beyond-int64",
        "text-empty",
        "bulkId-empty",
        "messageId-empty",
        "callbackData-4001",
        "bulkId-101",
        "messageId-201",
        "to-empty",
        "to-plus",
        "to-letters",
        "text-26-gsm-segments",
        "text-26-ucs2-segments",
        "duplicate-messageId",
    ],
)
def test_OPEN_cases_are_reported_as_open_not_as_violations(document: object, path: str) -> None:
    verdict = _judge(document)
    assert _is_open_only(verdict, path), verdict
    assert not verdict.is_clean


def test_OPEN_more_than_1000_destinations_in_total_is_open() -> None:
    destinations = [{"to": str(41793000000 + i)} for i in range(501)]
    message = {"destinations": destinations, "text": "Hi"}
    assert _is_open_only(_judge({"messages": [message, copy.deepcopy(message)]}), "$.messages")


def test_OPEN_duplicate_messageIds_across_messages_are_open() -> None:
    destination = {"to": "1", "messageId": "same"}
    document = {"messages": [{"destinations": [destination], "text": "a"}] * 2}
    assert _is_open_only(_judge(document), "$.messages[1].destinations[0].messageId")


def test_OPEN_text_of_25_segments_is_clean() -> None:
    assert _judge(_request(text="a" * 3825)).is_clean


# --- the verdict ---------------------------------------------------------------------------------


def test_violations_are_reported_together_in_path_order() -> None:
    document = {"bulkId": 5, "messages": [{"destinations": [{"to": 1}], "flash": "x", "text": "t"}]}
    assert [(v.rule_id, v.path) for v in _judge(document).violations] == [
        ("R5", "$.bulkId"),
        ("R4", D + "[0].to"),
        ("R5", M + ".flash"),
    ]


def test_validation_errors_map_each_path_to_messages_citing_the_rule() -> None:
    verdict = _judge(_request(flash="x", deliveryTimeWindow=_window((6, 0), (6, 30))))
    assert verdict.validation_errors() == {
        W + ".to": ["must be at least 60 minutes after from (R7)"],
        M + ".flash": ["must be a boolean (true or false), not string (R5)"],
    }


def test_a_violation_names_its_rule_level_path_and_reason() -> None:
    (violation,) = _judge(_request(notifyContentType="text/csv")).violations
    assert violation == RuleViolation(
        "R9",
        "SHOULD",
        M + ".notifyContentType",
        'must be one of application/json, application/xml; got "text/csv"',
    )


def test_a_huge_integer_body_is_open_rather_than_a_crash() -> None:
    body = b'{"messages": [{"destinations": [{"to": "1"}], "text": "x", "validityPeriod": '
    verdict = judge_request(body + b"9" * 5000 + b"}]}", now=NOW)
    assert verdict.is_valid and verdict.open_cases
