"""Hand-made invalid documents: each fails at the expected JSONPath with the expected rule id."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sms_acceptance._schema_store import SchemaName
from sms_acceptance._validation import SchemaViolation, fast_validator, json_path, schema_violations

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

# (schema, document, JSONPath of the failure, rule id)
INVALID: list[tuple[SchemaName, object, str, str]] = [
    ("request", [], "$", "R1"),
    ("request", "text", "$", "R1"),
    ("request", {}, "$.messages", "R2"),
    ("request", {"messages": {}}, "$.messages", "R2"),
    ("request", {"messages": []}, "$.messages", "R2"),
    ("request", {"messages": [7]}, "$.messages[0]", "R3"),
    ("request", {"messages": [{"text": "Hi"}]}, "$.messages[0].destinations", "R3"),
    ("request", _request(destinations=[]), "$.messages[0].destinations", "R3"),
    ("request", _request(destinations="41793026727"), "$.messages[0].destinations", "R3"),
    ("request", _request(destinations=["41793026727"]), "$.messages[0].destinations[0]", "R4"),
    ("request", _request(destinations=[{"messageId": "m"}]), "$.messages[0].destinations[0].to", "R4"),
    ("request", _request(destinations=[{"to": 41793026727}]), "$.messages[0].destinations[0].to", "R4"),
    ("request", _request(flash="true"), "$.messages[0].flash", "R5"),
    ("request", _request(intermediateReport=1), "$.messages[0].intermediateReport", "R5"),
    ("request", _request(validityPeriod="720"), "$.messages[0].validityPeriod", "R5"),
    ("request", _request(validityPeriod=7.5), "$.messages[0].validityPeriod", "R5"),
    ("request", _request(**{"from": 41793026700}), "$.messages[0].from", "R5"),
    ("request", _request(text=["Hi"]), "$.messages[0].text", "R5"),
    ("request", {**_request(), "bulkId": 1}, "$.bulkId", "R5"),
    ("request", _request(destinations=[{"to": "1", "messageId": 1}]), "$.messages[0].destinations[0].messageId", "R5"),
    ("request", _request(callbackData={}), "$.messages[0].callbackData", "R5"),
    ("request", _request(notifyUrl=None), "$.messages[0].notifyUrl", "R5"),
    ("request", _request(notifyContentType=True), "$.messages[0].notifyContentType", "R5"),
    ("request", _request(transliteration=0), "$.messages[0].transliteration", "R5"),
    ("request", _request(sendAt=20210825), "$.messages[0].sendAt", "R5"),
    ("request", _request(language="TR"), "$.messages[0].language", "R5"),
    ("request", _request(language={"languageCode": 1}), "$.messages[0].language.languageCode", "R5"),
    ("request", _request(deliveryTimeWindow=[]), "$.messages[0].deliveryTimeWindow", "R5"),
    ("request", _request(deliveryTimeWindow={**_WINDOW, "from": "06:00"}), "$.messages[0].deliveryTimeWindow.from", "R5"),
    ("request", {**_request(), "tracking": "SMS"}, "$.tracking", "R5"),
    ("request", {**_request(), "tracking": {"type": 5}}, "$.tracking.type", "R5"),
    ("request", _request(deliveryTimeWindow={"days": []}), "$.messages[0].deliveryTimeWindow.days", "R6"),
    ("request", _request(deliveryTimeWindow={"from": {"hour": 6, "minute": 0}, "to": {"hour": 9, "minute": 0}}), "$.messages[0].deliveryTimeWindow.days", "R6"),
    ("request", _request(deliveryTimeWindow={"days": ["monday"]}), "$.messages[0].deliveryTimeWindow.days[0]", "R6"),
    ("request", _request(deliveryTimeWindow={"days": ["WEEKDAY"]}), "$.messages[0].deliveryTimeWindow.days[0]", "R6"),
    ("request", _request(deliveryTimeWindow={**_WINDOW, "from": {"hour": 24, "minute": 0}}), "$.messages[0].deliveryTimeWindow.from.hour", "R6"),
    ("request", _request(deliveryTimeWindow={**_WINDOW, "to": {"hour": 15, "minute": 60}}), "$.messages[0].deliveryTimeWindow.to.minute", "R6"),
    ("request", _request(deliveryTimeWindow={**_WINDOW, "to": {"hour": -1, "minute": 0}}), "$.messages[0].deliveryTimeWindow.to.hour", "R6"),
    ("request", _request(deliveryTimeWindow={**_WINDOW, "to": {"hour": 9.5, "minute": 0}}), "$.messages[0].deliveryTimeWindow.to.hour", "R6"),
    ("request", _request(deliveryTimeWindow={"days": ["MONDAY"], "from": {"hour": 6, "minute": 0}}), "$.messages[0].deliveryTimeWindow.to", "R7"),
    ("request", _request(deliveryTimeWindow={"days": ["MONDAY"], "to": {"hour": 6, "minute": 0}}), "$.messages[0].deliveryTimeWindow.from", "R7"),
    ("request", _request(sendAt="tomorrow"), "$.messages[0].sendAt", "R8"),
    ("request", _request(sendAt="2021-13-25T16:00:00.000+0000"), "$.messages[0].sendAt", "R8"),
    ("request", _request(notifyContentType="text/plain"), "$.messages[0].notifyContentType", "R9"),
    ("request", {**_request(), "tracking": {"track": "EMAIL"}}, "$.tracking.track", "R9"),
    ("request", {**_request(), "sendingSpeedLimit": {"amount": 1, "timeUnit": "WEEK"}}, "$.sendingSpeedLimit.timeUnit", "R9"),
    ("request", {**_request(), "colour": "red"}, "$.colour", "OPEN"),
    ("request", _request(destinations=[{"to": ""}]), "$.messages[0].destinations[0].to", "OPEN"),
    ("request", _request(destinations=[{"to": "+41 79 302 67 27"}]), "$.messages[0].destinations[0].to", "OPEN"),
    ("request", {**_request(), "bulkId": "b" * 101}, "$.bulkId", "OPEN"),
    ("request", _request(destinations=[{"to": "1", "messageId": "m" * 201}]), "$.messages[0].destinations[0].messageId", "OPEN"),
    ("request", _request(callbackData="c" * 4001), "$.messages[0].callbackData", "OPEN"),
    ("request", _request(validityPeriod=0), "$.messages[0].validityPeriod", "OPEN"),
    ("request", _request(language={"languageCode": "XX"}), "$.messages[0].language.languageCode", "OPEN"),
    ("request", _request(transliteration="KLINGON"), "$.messages[0].transliteration", "OPEN"),
    ("request", _request(sendAt="2021-08-25T16:00"), "$.messages[0].sendAt", "OPEN"),
    ("request", {"messages": [{"destinations": [{"to": "41793026727"}]}]}, "$.messages[0].text", "OPEN"),
    ("response", [], "$", "S1"),
    ("response", {"bulkId": "b"}, "$.messages", "S2"),
    ("response", {"messages": {}}, "$.messages", "S2"),
    ("response", {"messages": ["41793026727"]}, "$.messages[0]", "S2"),
    ("response", _without(_RESPONSE, "messages", 0, "to"), "$.messages[0].to", "S2"),
    ("response", _without(_RESPONSE, "messages", 0, "messageId"), "$.messages[0].messageId", "S2"),
    ("response", _without(_RESPONSE, "messages", 0, "status"), "$.messages[0].status", "S2"),
    ("response", _response(to=41793026727), "$.messages[0].to", "S2"),
    ("response", _response(messageId=7), "$.messages[0].messageId", "S2"),
    ("response", {**_RESPONSE, "bulkId": 5}, "$.bulkId", "S2"),
    ("response", _response(status="PENDING"), "$.messages[0].status", "S8"),
    ("response", _status(groupId="1"), "$.messages[0].status.groupId", "S8"),
    ("response", _status(id=26.5), "$.messages[0].status.id", "S8"),
    ("response", _status(name=None), "$.messages[0].status.name", "S8"),
    ("response", _status(action=1), "$.messages[0].status.action", "S8"),
    ("response", _without(_status(), "messages", 0, "status", "description"), "$.messages[0].status.description", "S8"),
    ("response", _status(groupId=6), "$.messages[0].status.groupId", "S9"),
    ("response", _response(smsCount=0), "$.messages[0].smsCount", "S11"),
    ("response", _response(smsCount="1"), "$.messages[0].smsCount", "S11"),
    ("response", {**_RESPONSE, "trackingProcessKey": 9}, "$.trackingProcessKey", "S13"),
    ("status", {**_STATUS, "groupName": 1}, "$.groupName", "S8"),
    ("error", {}, "$.requestError", "E1"),
    ("error", {"requestError": {}}, "$.requestError.serviceException", "E1"),
    ("error", {"requestError": {"serviceException": {"text": "t"}}}, "$.requestError.serviceException.messageId", "E1"),
    ("error", {"requestError": {"serviceException": {"messageId": "X"}}}, "$.requestError.serviceException.text", "E1"),
    ("error", {"requestError": {"serviceException": {"messageId": 400, "text": "t"}}}, "$.requestError.serviceException.messageId", "E1"),
    ("error", {"requestError": {"serviceException": {"messageId": "X", "text": "t", "validationErrors": ["bad"]}}}, "$.requestError.serviceException.validationErrors", "E1"),
    ("error", {"requestError": {"serviceException": {"messageId": "X", "text": "t", "validationErrors": {"a": "bad"}}}}, "$.requestError.serviceException.validationErrors.a", "E1"),
    ("error", {"requestError": {"serviceException": {"messageId": "X", "text": "t", "validationErrors": {"a": [1]}}}}, "$.requestError.serviceException.validationErrors.a[0]", "E1"),
]  # fmt: skip


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
