"""Hand-made invalid documents: each fails at the expected JSONPath with the expected rule id."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sms_acceptance import SchemaName, SchemaViolation, fast_validator, json_path, schema_violations

_STATUS: dict[str, Any] = {
    "groupId": 1,
    "groupName": "PENDING",
    "id": 26,
    "name": "PENDING_ACCEPTED",
    "description": "Pending Accepted",
}
_RESPONSE: dict[str, Any] = {
    "bulkId": "b",
    "messages": [{"to": "41793026727", "messageId": "m1", "status": _STATUS, "smsCount": 1}],
}
_ERROR: dict[str, Any] = {"requestError": {"serviceException": {"messageId": "X", "text": "t"}}}


def _request(**message: Any) -> dict[str, Any]:
    return {"messages": [{"destinations": [{"to": "41793026727"}], "text": "Hi", **message}]}


def _response(**entry: Any) -> dict[str, Any]:
    document = copy.deepcopy(_RESPONSE)
    document["messages"][0].update(entry)
    return document


def _status(**fields: Any) -> dict[str, Any]:
    return _response(status={**_STATUS, **fields})


def _without(document: dict[str, Any], *path: str | int) -> dict[str, Any]:
    document = copy.deepcopy(document)
    parent: Any = document
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    return document


_WINDOW = {"days": ["MONDAY"], "from": {"hour": 6, "minute": 0}, "to": {"hour": 15, "minute": 30}}

M = "$.messages[0]"
D = M + ".destinations[0]"
W = M + ".deliveryTimeWindow"
ST = M + ".status"
X = "$.requestError.serviceException"


def _exception(fields: dict[str, Any]) -> dict[str, Any]:
    return {"requestError": {"serviceException": fields}}


# (schema, document, JSONPath of the failure, rule id)
INVALID: list[tuple[SchemaName, object, str, str]] = [
    ("request", [], "$", "R1"),
    ("request", "text", "$", "R1"),
    ("request", {}, "$.messages", "R2"),
    ("request", {"messages": {}}, "$.messages", "R2"),
    ("request", {"messages": []}, "$.messages", "R2"),
    ("request", {"messages": [7]}, M, "R3"),
    ("request", {"messages": [{"text": "Hi"}]}, M + ".destinations", "R3"),
    ("request", _request(destinations=[]), M + ".destinations", "R3"),
    ("request", _request(destinations="41793026727"), M + ".destinations", "R3"),
    ("request", _request(destinations=["41793026727"]), D, "R4"),
    ("request", _request(destinations=[{"messageId": "m"}]), D + ".to", "R4"),
    ("request", _request(destinations=[{"to": 41793026727}]), D + ".to", "R4"),
    ("request", _request(flash="true"), M + ".flash", "R5"),
    ("request", _request(intermediateReport=1), M + ".intermediateReport", "R5"),
    ("request", _request(validityPeriod="720"), M + ".validityPeriod", "R5"),
    ("request", _request(validityPeriod=7.5), M + ".validityPeriod", "R5"),
    ("request", _request(**{"from": 41793026700}), M + ".from", "R5"),
    ("request", _request(text=["Hi"]), M + ".text", "R5"),
    ("request", {**_request(), "bulkId": 1}, "$.bulkId", "R5"),
    ("request", _request(destinations=[{"to": "1", "messageId": 1}]), D + ".messageId", "R5"),
    ("request", _request(callbackData={}), M + ".callbackData", "R5"),
    ("request", _request(notifyUrl=None), M + ".notifyUrl", "R5"),
    ("request", _request(notifyContentType=True), M + ".notifyContentType", "R5"),
    ("request", _request(transliteration=0), M + ".transliteration", "R5"),
    ("request", _request(sendAt=20210825), M + ".sendAt", "R5"),
    ("request", _request(language="TR"), M + ".language", "R5"),
    ("request", _request(language={"languageCode": 1}), M + ".language.languageCode", "R5"),
    ("request", _request(deliveryTimeWindow=[]), W, "R5"),
    ("request", _request(deliveryTimeWindow={**_WINDOW, "from": "06:00"}), W + ".from", "R5"),
    ("request", {**_request(), "tracking": "SMS"}, "$.tracking", "R5"),
    ("request", {**_request(), "tracking": {"type": 5}}, "$.tracking.type", "R5"),
    ("request", _request(deliveryTimeWindow={"days": []}), W + ".days", "R6"),
    (
        "request",
        _request(
            deliveryTimeWindow={"from": {"hour": 6, "minute": 0}, "to": {"hour": 9, "minute": 0}}
        ),
        W + ".days",
        "R6",
    ),
    ("request", _request(deliveryTimeWindow={"days": ["monday"]}), W + ".days[0]", "R6"),
    ("request", _request(deliveryTimeWindow={"days": ["WEEKDAY"]}), W + ".days[0]", "R6"),
    (
        "request",
        _request(deliveryTimeWindow={**_WINDOW, "from": {"hour": 24, "minute": 0}}),
        W + ".from.hour",
        "R6",
    ),
    (
        "request",
        _request(deliveryTimeWindow={**_WINDOW, "to": {"hour": 15, "minute": 60}}),
        W + ".to.minute",
        "R6",
    ),
    (
        "request",
        _request(deliveryTimeWindow={**_WINDOW, "to": {"hour": -1, "minute": 0}}),
        W + ".to.hour",
        "R6",
    ),
    (
        "request",
        _request(deliveryTimeWindow={**_WINDOW, "to": {"hour": 9.5, "minute": 0}}),
        W + ".to.hour",
        "R6",
    ),
    (
        "request",
        _request(deliveryTimeWindow={"days": ["MONDAY"], "from": {"hour": 6, "minute": 0}}),
        W + ".to",
        "R7",
    ),
    (
        "request",
        _request(deliveryTimeWindow={"days": ["MONDAY"], "to": {"hour": 6, "minute": 0}}),
        W + ".from",
        "R7",
    ),
    ("request", _request(sendAt="tomorrow"), M + ".sendAt", "R8"),
    ("request", _request(sendAt="2021-13-25T16:00:00.000+0000"), M + ".sendAt", "R8"),
    ("request", _request(notifyContentType="text/plain"), M + ".notifyContentType", "R9"),
    ("request", {**_request(), "tracking": {"track": "EMAIL"}}, "$.tracking.track", "R9"),
    (
        "request",
        {**_request(), "sendingSpeedLimit": {"amount": 1, "timeUnit": "WEEK"}},
        "$.sendingSpeedLimit.timeUnit",
        "R9",
    ),
    ("request", {**_request(), "colour": "red"}, "$.colour", "OPEN"),
    ("request", _request(destinations=[{"to": ""}]), D + ".to", "OPEN"),
    ("request", _request(destinations=[{"to": "+41 79 302 67 27"}]), D + ".to", "OPEN"),
    ("request", {**_request(), "bulkId": "b" * 101}, "$.bulkId", "OPEN"),
    (
        "request",
        _request(destinations=[{"to": "1", "messageId": "m" * 201}]),
        D + ".messageId",
        "OPEN",
    ),
    ("request", _request(callbackData="c" * 4001), M + ".callbackData", "OPEN"),
    ("request", _request(validityPeriod=0), M + ".validityPeriod", "OPEN"),
    ("request", _request(language={"languageCode": "XX"}), M + ".language.languageCode", "OPEN"),
    ("request", _request(transliteration="KLINGON"), M + ".transliteration", "OPEN"),
    ("request", _request(sendAt="2021-08-25T16:00"), M + ".sendAt", "OPEN"),
    ("request", {"messages": [{"destinations": [{"to": "41793026727"}]}]}, M + ".text", "OPEN"),
    ("response", [], "$", "S1"),
    ("response", {"bulkId": "b"}, "$.messages", "S2"),
    ("response", {"messages": {}}, "$.messages", "S2"),
    ("response", {"messages": ["41793026727"]}, M, "S2"),
    ("response", _without(_RESPONSE, "messages", 0, "to"), M + ".to", "S2"),
    ("response", _without(_RESPONSE, "messages", 0, "messageId"), M + ".messageId", "S2"),
    ("response", _without(_RESPONSE, "messages", 0, "status"), ST, "S2"),
    ("response", _response(to=41793026727), M + ".to", "S2"),
    ("response", _response(messageId=7), M + ".messageId", "S2"),
    ("response", {**_RESPONSE, "bulkId": 5}, "$.bulkId", "S2"),
    ("response", _response(status="PENDING"), ST, "S8"),
    ("response", _status(groupId="1"), ST + ".groupId", "S8"),
    ("response", _status(id=26.5), ST + ".id", "S8"),
    ("response", _status(name=None), ST + ".name", "S8"),
    ("response", _status(action=1), ST + ".action", "S8"),
    (
        "response",
        _without(_status(), "messages", 0, "status", "description"),
        ST + ".description",
        "S8",
    ),
    ("response", {"messages": []}, "$.messages", "S2"),
    ("response", _response(smsCount=0), M + ".smsCount", "S11"),
    ("response", _response(smsCount="1"), M + ".smsCount", "S11"),
    ("response", {**_RESPONSE, "trackingProcessKey": 9}, "$.trackingProcessKey", "S13"),
    ("status", {**_STATUS, "groupName": 1}, "$.groupName", "S8"),
    ("error", {}, "$.requestError", "E1"),
    ("error", {"requestError": {}}, X, "E1"),
    ("error", _exception({"text": "t"}), X + ".messageId", "E1"),
    ("error", _exception({"messageId": "X"}), X + ".text", "E1"),
    ("error", _exception({"messageId": 400, "text": "t"}), X + ".messageId", "E1"),
    (
        "error",
        _exception({"messageId": "X", "text": "t", "validationErrors": ["bad"]}),
        X + ".validationErrors",
        "E1",
    ),
    (
        "error",
        _exception({"messageId": "X", "text": "t", "validationErrors": {"a": "bad"}}),
        X + ".validationErrors.a",
        "E1",
    ),
    (
        "error",
        _exception({"messageId": "X", "text": "t", "validationErrors": {"a": [1]}}),
        X + ".validationErrors.a[0]",
        "E1",
    ),
]


@pytest.mark.parametrize(
    ("name", "document", "path", "rule_id"),
    INVALID,
    ids=[f"{rule}-{path}" for _, _, path, rule in INVALID],
)
def test_invalid_document_fails_at_the_expected_path_with_the_expected_rule(
    name: SchemaName, document: object, path: str, rule_id: str
) -> None:
    found = schema_violations(name, document)
    assert (path, rule_id) in {(v.path, v.rule_id) for v in found}, found
    assert not fast_validator(name).is_valid(document)


def test_the_valid_bases_of_the_table_are_valid() -> None:
    assert schema_violations("request", _request()) == []
    assert schema_violations("request", _request(deliveryTimeWindow=_WINDOW)) == []
    assert schema_violations("response", _RESPONSE) == []
    assert schema_violations("status", _STATUS) == []
    assert schema_violations("error", _ERROR) == []


def test_response_extra_properties_anywhere_are_allowed_S2() -> None:
    document = _response(vendorField=1, status={**_STATUS, "vendorReason": "x"})
    assert schema_violations("response", {**document, "vendorBulkInfo": {}}) == []


def test_status_groups_outside_the_table_are_left_to_the_status_table_check() -> None:
    """S9 is a SHOULD about the table: the schema (MUST rules only) accepts any integer group."""
    assert schema_violations("response", _status(groupId=6, id=4242)) == []


def test_smsCount_is_optional_S11() -> None:
    assert schema_violations("response", _without(_RESPONSE, "messages", 0, "smsCount")) == []


def test_a_violation_message_reads_after_its_path() -> None:
    (violation,) = schema_violations("request", _request(flash="yes"))
    assert violation == SchemaViolation(
        "$.messages[0].flash", "must be a boolean (true or false), not string", "R5"
    )


def test_every_violation_of_a_document_is_reported() -> None:
    document = {"messages": [{"destinations": [{"to": 1}, {}], "flash": "x", "text": "t"}]}
    assert {(v.path, v.rule_id) for v in schema_violations("request", document)} == {
        ("$.messages[0].destinations[0].to", "R4"),
        ("$.messages[0].destinations[1].to", "R4"),
        ("$.messages[0].flash", "R5"),
    }


def test_violations_come_in_document_order_with_indexes_compared_as_numbers() -> None:
    destinations = [{"to": str(i)} for i in range(11)]
    destinations[2]["to"] = destinations[10]["to"] = 7  # type: ignore[assignment]
    found = schema_violations("request", _request(destinations=destinations))
    assert [v.path for v in found] == [f"{M}.destinations[2].to", f"{M}.destinations[10].to"]


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([], "$"),
        (["messages", 0, "destinations", 1, "to"], "$.messages[0].destinations[1].to"),
        (["odd key", "it's"], "$['odd key']['it\\'s']"),
    ],
)
def test_json_path_spells_keys_and_indexes(parts: list[str | int], expected: str) -> None:
    assert json_path(parts) == expected
