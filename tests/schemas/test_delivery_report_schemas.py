"""The delivery-report schemas (D2-D9, D13, D14), the provider's date form and the XML converter."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import yaml

from sms_acceptance._provider_time import (
    PROVIDER_DATE_TIME,
    ProviderTimeError,
    format_provider_time,
    parse_provider_time,
)
from sms_acceptance._report_xml import (
    LOGS_XML_ROOT,
    REPORTS_XML_ROOT,
    XML_REPLACEMENT_CHARACTER,
    ReportXmlError,
    results_from_xml,
    results_to_xml,
)
from sms_acceptance._schema_store import SchemaName, load_schema, schema_dir
from sms_acceptance._validation import fast_validator, schema_violations


def _example_reports() -> dict[str, Any]:
    document = yaml.safe_load((schema_dir() / "openapi.yaml").read_text(encoding="utf-8"))
    value: dict[str, Any] = document["components"]["examples"]["DeliveredReports"]["value"]
    return copy.deepcopy(value)


def _report() -> dict[str, Any]:
    report: dict[str, Any] = _example_reports()["results"][0]
    return report


def _valid(name: SchemaName, document: object) -> bool:
    reference = schema_violations(name, document) == []
    assert fast_validator(name).is_valid(document) == reference, document
    return reference


def test_the_openapi_example_is_a_valid_push_and_pull_body_D2() -> None:
    body = _example_reports()
    assert _valid("reports", body)
    assert _valid("report", body["results"][0])


def test_a_report_needs_messageId_to_and_status_D2() -> None:
    for key in ("messageId", "to", "status"):
        report = _report()
        del report[key]
        violations = schema_violations("report", report)
        assert [(v.path, v.rule_id) for v in violations] == [(f"$.{key}", "D2")]


def test_a_report_may_carry_properties_the_provider_does_not_list_D2() -> None:
    assert _valid("report", {**_report(), "entityId": "e", "applicationId": "a"})


@pytest.mark.parametrize("count", [0, 101])
def test_a_push_carries_one_to_one_hundred_reports_D2(count: int) -> None:
    push = {"$ref": "https://sms-acceptance.dev/schemas/reports.schema.json#/$defs/push"}
    from jsonschema import Draft202012Validator

    from sms_acceptance._schema_store import schema_registry

    validator = Draft202012Validator(push, registry=schema_registry())
    assert validator.is_valid({"results": [_report()]})
    assert not validator.is_valid({"results": [_report()] * count})


def test_a_pull_may_answer_no_reports_D13() -> None:
    assert _valid("reports", {"results": []})


@pytest.mark.parametrize(
    "text",
    [
        "2019-11-09T16:00:00.000+0000",
        "2026-12-31T23:59:59.999-0530",
        "2020-02-29T00:00:00.000+1400",
    ],
)
def test_the_provider_date_form_is_accepted_D7(text: str) -> None:
    assert _valid("provider-date-time", text)
    assert _valid("report", {**_report(), "sentAt": text, "doneAt": text})


@pytest.mark.parametrize(
    "text",
    [
        "2019-11-09T16:00:00.000+00:00",  # colon in the offset
        "2019-11-09T16:00:00.000Z",
        "2019-11-09T16:00:00+0000",  # no milliseconds
        "2019-11-09T16:00:00.000000+0000",
        "2019-11-09 16:00:00.000+0000",
        "2019-13-09T16:00:00.000+0000",
    ],
)
def test_other_date_forms_break_D7_only(text: str) -> None:
    violations = schema_violations("report", {**_report(), "doneAt": text})
    assert [(v.path, v.rule_id) for v in violations] == [("$.doneAt", "D7")]
    assert not fast_validator("report").is_valid({**_report(), "doneAt": text})


def test_the_library_reads_the_date_form_from_the_schema_D7() -> None:
    assert PROVIDER_DATE_TIME.pattern == load_schema("provider-date-time")["pattern"]


def test_format_provider_time_writes_milliseconds_and_an_offset_without_colon_D7() -> None:
    moment = datetime(2019, 11, 9, 16, 0, 0, 123456, tzinfo=UTC)
    assert format_provider_time(moment) == "2019-11-09T16:00:00.123+0000"
    east = moment.astimezone(timezone(timedelta(hours=5, minutes=30)))
    assert format_provider_time(east) == "2019-11-09T21:30:00.123+0530"
    west = moment.astimezone(timezone(timedelta(hours=-3)))
    assert format_provider_time(west) == "2019-11-09T13:00:00.123-0300"
    assert format_provider_time(moment, colon_in_offset=True) == "2019-11-09T16:00:00.123+00:00"


def test_parse_provider_time_reads_what_format_writes_D7() -> None:
    moment = datetime(2026, 12, 6, 22, 1, 2, 345000, tzinfo=timezone(timedelta(hours=-3)))
    assert parse_provider_time(format_provider_time(moment)) == moment


@pytest.mark.parametrize("text", ["2019-11-09T16:00:00.000+00:00", "2021-02-30T00:00:00.000+0000"])
def test_parse_provider_time_refuses_other_forms_in_one_line_D7(text: str) -> None:
    with pytest.raises(ProviderTimeError) as error:
        parse_provider_time(text)
    assert "\n" not in str(error.value)


def test_the_error_object_has_six_typed_fields_D6() -> None:
    error = _report()["error"]
    assert _valid("report-error", error)
    assert not _valid("report-error", {**error, "permanent": "false"})
    incomplete = {k: v for k, v in error.items() if k != "permanent"}
    assert [v.rule_id for v in schema_violations("report-error", incomplete)] == ["D6"]


def test_callbackData_is_at_most_4000_characters_D4() -> None:
    assert _valid("report", {**_report(), "callbackData": "x" * 4000})
    assert not _valid("report", {**_report(), "callbackData": "x" * 4001})


def test_smsCount_is_at_least_one_and_price_is_typed_D8() -> None:
    assert not _valid("report", {**_report(), "smsCount": 0})
    assert not _valid(
        "report", {**_report(), "price": {"pricePerMessage": "0.01", "currency": "E"}}
    )


def test_a_log_entry_is_a_report_plus_text_D14() -> None:
    entry = {**_report(), "text": "Hello"}
    assert _valid("log", entry)
    assert _valid("logs", {"results": [entry]})
    assert not _valid("log", {**entry, "text": 1})


def test_xml_form_round_trips_with_json_types_D9() -> None:
    body = _example_reports()
    body["results"][0]["callbackData"] = "<&>\"' ünï"
    xml = results_to_xml(body)
    assert xml.startswith(
        b'<?xml version="1.0" encoding="UTF-8"?><reportResponse><results><result>'
    )
    root, back = results_from_xml(xml)
    assert (root, back) == (REPORTS_XML_ROOT, body)
    assert back["results"][0]["error"]["permanent"] is False
    assert back["results"][0]["smsCount"] == 1


def test_xml_form_stays_well_formed_when_a_value_holds_a_control_character_D9() -> None:
    # XML 1.0 cannot carry U+0007 even escaped; one such sender id must not make the whole push
    # unreadable: the character becomes U+FFFD, tab and newline stay as they are.
    body = _example_reports()
    body["results"][0]["from"] = "Shop\x07"
    body["results"][0]["callbackData"] = "a\tb\nc\x00d"
    _, back = results_from_xml(results_to_xml(body))
    assert back["results"][0]["from"] == "Shop" + XML_REPLACEMENT_CHARACTER
    assert back["results"][0]["callbackData"] == f"a\tb\nc{XML_REPLACEMENT_CHARACTER}d"


def test_xml_element_names_are_the_json_keys_nested_objects_nested_D9() -> None:
    from xml.etree.ElementTree import fromstring

    result = fromstring(results_to_xml(_example_reports())).find("results/result")
    assert result is not None
    assert [child.tag for child in result] == list(_report())
    assert result.findtext("status/groupName") == "DELIVERED"
    assert result.findtext("error/permanent") == "false"


def test_xml_logs_use_their_own_root_D14() -> None:
    body = {"results": [{**_report(), "text": "Hi"}]}
    root, back = results_from_xml(results_to_xml(body, root=LOGS_XML_ROOT))
    assert (root, back) == ("smsLogsResponse", body)


@pytest.mark.parametrize(
    "xml",
    [
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><reportResponse><results>'
        b"<result><to>&a;</to></result></results></reportResponse>",
        b'<!DOCTYPE r SYSTEM "file:///etc/passwd"><reportResponse><results/></reportResponse>',
        b"<reportResponse><results><result><to>1</to></result>",
        b"<reportResponse><other/></reportResponse>",
        b"<reportResponse><results><result><smsCount>one</smsCount></result></results></reportResponse>",
    ],
)
def test_xml_that_is_unsafe_or_not_the_form_is_refused_in_one_line(xml: bytes) -> None:
    with pytest.raises(ReportXmlError) as error:
        results_from_xml(xml)
    assert "\n" not in str(error.value)
