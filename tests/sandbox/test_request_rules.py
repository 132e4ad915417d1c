# ruff: noqa: RUF001
# (Turkish dotless i is the subject here, not a look-alike typo.)
"""Request rules R1-R13: what the sandbox rejects with 400 and what it must accept.

Each rejection is checked for the envelope, `BAD_REQUEST` and a `validationErrors` entry naming the
field (its JSONPath) with a message citing the rule.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from .._rule_examples import R11_DOCUMENTED_SEND_AT_FORMS
from .conftest import Post

Rejected = Callable[[httpx.Response, str, str], None]
Request = dict[str, Any]


def one_message(**fields: Any) -> Request:
    """A clean request whose single message also carries `fields`."""
    return {"messages": [{"destinations": [{"to": "41793026727"}], "text": "Hello", **fields}]}


WINDOW = {"days": ["MONDAY"], "from": {"hour": 6, "minute": 0}, "to": {"hour": 15, "minute": 30}}


def window(**changes: Any) -> dict[str, Any]:
    changed = {**WINDOW, **changes}
    return {key: value for key, value in changed.items() if value is not None}


# --- R1: not JSON, or not an object ------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"{", b"not json", b"", b"{'messages': []}", b'{"a":1}}'])
def test_R1_body_that_is_not_json_is_400(post: Post, assert_rejected: Rejected, raw: bytes) -> None:
    assert_rejected(post(raw=raw), "$", "R1")


@pytest.mark.parametrize("document", [[], "messages", 42, None, True])
def test_R1_json_that_is_not_an_object_is_400(
    post: Post, assert_rejected: Rejected, document: object
) -> None:
    assert_rejected(post(document), "$", "R1")


# --- R2: messages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "document", [{}, {"messages": {}}, {"messages": "x"}, {"messages": []}, {"bulkId": "B"}]
)
def test_R2_messages_missing_not_an_array_or_empty_is_400(
    post: Post, assert_rejected: Rejected, document: Request
) -> None:
    assert_rejected(post(document), "$.messages", "R2")


# --- R3: a message and its destinations --------------------------------------------------------


@pytest.mark.parametrize("message", ["text", 1, [], None])
def test_R3_message_that_is_not_an_object_is_400(
    post: Post, assert_rejected: Rejected, message: object
) -> None:
    assert_rejected(post({"messages": [message]}), "$.messages[0]", "R3")


@pytest.mark.parametrize(
    "message",
    [{"text": "Hi"}, {"destinations": {}, "text": "Hi"}, {"destinations": [], "text": "Hi"}],
)
def test_R3_destinations_missing_not_an_array_or_empty_is_400(
    post: Post, assert_rejected: Rejected, message: Request
) -> None:
    assert_rejected(post({"messages": [message]}), "$.messages[0].destinations", "R3")


# --- R4: a destination and its `to` ------------------------------------------------------------


@pytest.mark.parametrize("destination", ["41793026727", 41793026727, None, []])
def test_R4_destination_that_is_not_an_object_is_400(
    post: Post, assert_rejected: Rejected, destination: object
) -> None:
    request = {"messages": [{"destinations": [destination], "text": "Hi"}]}
    assert_rejected(post(request), "$.messages[0].destinations[0]", "R4")


@pytest.mark.parametrize("destination", [{}, {"to": 41793026727}, {"to": None}, {"to": ["1"]}])
def test_R4_to_missing_or_not_a_string_is_400(
    post: Post, assert_rejected: Rejected, destination: Request
) -> None:
    request = {"messages": [{"destinations": [{"to": "41793026700"}, destination], "text": "Hi"}]}
    assert_rejected(post(request), "$.messages[0].destinations[1].to", "R4")


# --- R5: known fields of the wrong JSON type ---------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("flash", "false"),
        ("intermediateReport", 1),
        ("validityPeriod", "720"),
        ("validityPeriod", 1.5),
        ("from", 41793026700),
        ("text", 5),
        ("callbackData", {"a": 1}),
        ("notifyUrl", ["https://example.com"]),
        ("transliteration", True),
        ("sendAt", 1629907200),
        ("language", "TR"),
        ("deliveryTimeWindow", "MONDAY"),
    ],
)
def test_R5_known_message_field_of_the_wrong_type_is_400(
    post: Post, assert_rejected: Rejected, field: str, value: object
) -> None:
    assert_rejected(post(one_message(**{field: value})), f"$.messages[0].{field}", "R5")


def test_R5_language_code_not_a_string_is_400(post: Post, assert_rejected: Rejected) -> None:
    request = one_message(language={"languageCode": 1})
    assert_rejected(post(request), "$.messages[0].language.languageCode", "R5")


@pytest.mark.parametrize(("field", "value"), [("bulkId", 12), ("tracking", "SMS")])
def test_R5_known_top_level_field_of_the_wrong_type_is_400(
    post: Post, assert_rejected: Rejected, field: str, value: object
) -> None:
    assert_rejected(post({**one_message(), field: value}), f"$.{field}", "R5")


def test_R5_tracking_member_not_a_string_is_400(post: Post, assert_rejected: Rejected) -> None:
    request = {**one_message(), "tracking": {"track": "SMS", "type": 7}}
    assert_rejected(post(request), "$.tracking.type", "R5")


def test_R5_client_message_id_not_a_string_is_400(post: Post, assert_rejected: Rejected) -> None:
    request = {"messages": [{"destinations": [{"to": "41793026727", "messageId": 5}]}]}
    assert_rejected(post(request), "$.messages[0].destinations[0].messageId", "R5")


# --- R6: delivery time window days and times ---------------------------------------------------


@pytest.mark.parametrize("days", [None, [], ["FUNDAY"], ["monday"], "MONDAY"])
def test_R6_days_missing_empty_or_outside_the_enum_is_400(
    post: Post, assert_rejected: Rejected, days: object
) -> None:
    request = one_message(deliveryTimeWindow=window(days=days))
    assert_rejected(post(request), "$.messages[0].deliveryTimeWindow", "R6")


@pytest.mark.parametrize(
    ("end", "time"),
    [
        ("from", {"hour": 24, "minute": 0}),
        ("from", {"hour": -1, "minute": 0}),
        ("to", {"hour": 15, "minute": 60}),
        ("to", {"hour": 15, "minute": 1.5}),
    ],
)
def test_R6_hour_or_minute_out_of_range_or_not_integer_is_400(
    post: Post, assert_rejected: Rejected, end: str, time: dict[str, object]
) -> None:
    request = one_message(deliveryTimeWindow=window(**{end: time}))
    assert_rejected(post(request), f"$.messages[0].deliveryTimeWindow.{end}", "R6")


# --- R7: delivery time window from/to ----------------------------------------------------------


@pytest.mark.parametrize("missing", ["from", "to"])
def test_R7_window_with_only_one_of_from_and_to_is_400(
    post: Post, assert_rejected: Rejected, missing: str
) -> None:
    request = one_message(deliveryTimeWindow=window(**{missing: None}))
    assert_rejected(post(request), "$.messages[0].deliveryTimeWindow", "R7")


def test_R7_window_shorter_than_an_hour_is_400(post: Post, assert_rejected: Rejected) -> None:
    short = window(**{"from": {"hour": 6, "minute": 0}, "to": {"hour": 6, "minute": 59}})
    assert_rejected(
        post(one_message(deliveryTimeWindow=short)), "$.messages[0].deliveryTimeWindow", "R7"
    )


# --- R8: sendAt that is not a date, or too far ahead -------------------------------------------


@pytest.mark.parametrize("send_at", ["tomorrow", "2021-13-25T16:00:00.000+0000", ""])
def test_R8_send_at_that_is_not_a_date_time_is_400(
    post: Post, assert_rejected: Rejected, send_at: str
) -> None:
    assert_rejected(post(one_message(sendAt=send_at)), "$.messages[0].sendAt", "R8")


def test_R8_send_at_more_than_180_days_ahead_is_400(post: Post, assert_rejected: Rejected) -> None:
    later = (datetime.now(UTC) + timedelta(days=200)).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    assert_rejected(post(one_message(sendAt=later)), "$.messages[0].sendAt", "R8")


# --- R9: values outside the documented enums ---------------------------------------------------


def test_R9_notify_content_type_outside_the_enum_is_400(
    post: Post, assert_rejected: Rejected
) -> None:
    request = one_message(notifyContentType="text/plain")
    assert_rejected(post(request), "$.messages[0].notifyContentType", "R9")


def test_R9_tracking_track_outside_the_enum_is_400(post: Post, assert_rejected: Rejected) -> None:
    request = {**one_message(), "tracking": {"track": "EMAIL"}}
    assert_rejected(post(request), "$.tracking.track", "R9")


def test_R9_sending_speed_limit_time_unit_outside_the_enum_is_400(
    post: Post, assert_rejected: Rejected
) -> None:
    request = {**one_message(), "sendingSpeedLimit": {"amount": 10, "timeUnit": "WEEK"}}
    assert_rejected(post(request), "$.sendingSpeedLimit.timeUnit", "R9")


# --- R10-R13: what must be accepted ------------------------------------------------------------


def test_R10_seed_request_is_accepted_even_with_its_past_send_at(
    post: Post, seed_request: Request
) -> None:
    assert post(seed_request).status_code == 200


@pytest.mark.parametrize(
    "send_at",
    [
        *R11_DOCUMENTED_SEND_AT_FORMS,
        pytest.param(
            (datetime.now(UTC) + timedelta(days=178)).strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            id="178-days-ahead",  # a fixed id: pytest-xdist workers must collect the same names
        ),
        pytest.param(
            (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S.000+01:00"),
            id="tomorrow-with-colon-offset",
        ),
    ],
)
def test_R11_send_at_in_each_documented_form_is_accepted(post: Post, send_at: str) -> None:
    response = post(one_message(sendAt=send_at))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("minutes", [2881, 100_000])
def test_R12_validity_period_above_2880_is_accepted(post: Post, minutes: int) -> None:
    response = post(one_message(validityPeriod=minutes))
    assert response.status_code == 200, response.text


ALL_OPTIONAL_FIELDS: Request = {
    "bulkId": "BULK-1",
    "messages": [
        {
            "from": "InfoSMS",
            "destinations": [{"to": "41793026727", "messageId": "M-1"}, {"to": "41793026834"}],
            "text": "Artık Ulusal Dil Tanımlayıcısı ile Türkçe karakterli smslerinizi",
            "flash": True,
            "language": {"languageCode": "TR"},
            "transliteration": "TURKISH",
            "intermediateReport": False,
            "notifyUrl": "https://www.example.com/sms/advanced",
            "notifyContentType": "application/xml",
            "callbackData": "DLR callback data",
            "validityPeriod": 60,
            "sendAt": "2021-08-25T16:00:00.000+0000",
            "deliveryTimeWindow": WINDOW,
        },
        {"destinations": [{"to": "41793026700"}], "text": "A second message", "flash": False},
    ],
    "tracking": {"track": "URL", "type": "One_Time_Pin"},
}


@pytest.mark.parametrize(
    "request_",
    [
        ALL_OPTIONAL_FIELDS,
        {**one_message(language={"languageCode": "ES"}), "tracking": {"track": "SMS"}},
        one_message(language={"languageCode": "PT"}, notifyContentType="application/json"),
        one_message(language={"languageCode": "AUTODETECT"}, transliteration="GREEK"),
        one_message(deliveryTimeWindow={"days": ["SATURDAY", "SUNDAY"]}),
    ],
    ids=["all-fields", "spanish-tracking", "portuguese", "autodetect-greek", "days-only"],
)
def test_R13_combinations_of_the_optional_fields_are_accepted(
    post: Post, request_: Request
) -> None:
    response = post(request_)
    assert response.status_code == 200, response.text
