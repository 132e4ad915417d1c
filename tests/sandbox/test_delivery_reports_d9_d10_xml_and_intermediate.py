"""D9: `notifyContentType: application/xml` gets the XML form; D10: intermediate reports only when
asked for. The XML is read by `defusedxml` (no entity expansion) and checked against the schema."""

from __future__ import annotations

import json
import time
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring

from sms_acceptance import results_from_xml, schema_violations

from ._delivery_reports import reports_of, sandbox_with_reports, send
from ._report_receiver import report_receiver


def test_D9_xml_push_has_content_type_xml_and_the_reportResponse_form() -> None:
    with report_receiver() as receiver, sandbox_with_reports() as sandbox:
        answer = send(
            sandbox,
            {
                "destinations": [{"to": "41793026727"}],
                "callbackData": "<b>&amp;</b>",
                "notifyUrl": receiver.base_url,
                "notifyContentType": "application/xml",
            },
        )
        push = receiver.wait_for(1, timeout=10)[0]
    assert push.headers["Content-Type"] == "application/xml"
    root: Element = fromstring(push.body, forbid_dtd=True)
    assert root.tag == "reportResponse"
    result = root.find("results/result")
    assert result is not None
    assert result.findtext("messageId") == answer["messages"][0]["messageId"]
    assert result.findtext("callbackData") == "<b>&amp;</b>"
    assert result.findtext("status/groupName") == "DELIVERED"
    assert result.findtext("error/permanent") == "false"
    name, body = results_from_xml(push.body)
    assert name == "reportResponse"
    assert schema_violations("reports", body) == []


def test_D9_json_is_the_default_and_other_content_types_get_json() -> None:
    with report_receiver() as receiver, sandbox_with_reports() as sandbox:
        for content_type in (None, "application/json"):
            message = {"destinations": [{"to": "41793026727"}], "notifyUrl": receiver.base_url}
            if content_type:
                message["notifyContentType"] = content_type
            send(sandbox, message)
        reports = receiver.wait_for_reports(2, timeout=10)
    assert {p.headers["Content-Type"] for p in receiver.pushes} == {"application/json"}
    assert len(reports) == 2


def test_D10_intermediateReport_true_gets_an_intermediate_report_before_the_final() -> None:
    with report_receiver() as receiver, sandbox_with_reports(delay_ms=400) as sandbox:
        send(
            sandbox,
            {
                "destinations": [{"to": "41793026727"}],
                "notifyUrl": receiver.base_url,
                "intermediateReport": True,
            },
        )
        pushes = receiver.wait_for(2, timeout=10)
    first, final = (json.loads(p.body)["results"][0] for p in pushes[:2])
    assert first["status"]["groupName"] == "PENDING"  # a final status follows
    assert "doneAt" not in first
    assert final["status"]["groupName"] == "DELIVERED"
    assert first["messageId"] == final["messageId"]
    assert schema_violations("report", first) == []


def test_D10_without_intermediateReport_only_the_final_report_comes() -> None:
    with report_receiver() as receiver, sandbox_with_reports(delay_ms=300) as sandbox:
        for flag in (None, False):
            message: dict[str, Any] = {
                "destinations": [{"to": "41793026727"}],
                "notifyUrl": receiver.base_url,
            }
            if flag is not None:
                message["intermediateReport"] = flag
            send(sandbox, message)
        receiver.wait_for(1, timeout=10)
        time.sleep(0.4)
        reports = reports_of([p.body for p in receiver.pushes])
    assert [r["status"]["groupName"] for r in reports] == ["DELIVERED", "DELIVERED"]
