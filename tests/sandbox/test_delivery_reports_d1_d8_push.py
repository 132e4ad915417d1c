"""D1-D8, D12: a message with a loopback `notifyUrl` gets its final report pushed there.

Real sockets both ways: the sandbox on one loopback port, a standard-library HTTP receiver on
another; the pushed body is validated against `schemas/reports.schema.json`.
"""

from __future__ import annotations

import json
import time

from sms_acceptance import KNOWN_STATUSES, parse_provider_time, schema_violations

from ._delivery_reports import reports_of, sandbox_with_reports, send
from ._report_receiver import report_receiver
from .conftest import CREDENTIAL

CALLBACK_DATA = 'DLR callback data: ünïcödé, "quotes", <xml>, & 🚀 ' + "x" * 3900


def test_D1_final_report_arrives_at_notifyUrl_within_the_configured_delay() -> None:
    with report_receiver() as receiver, sandbox_with_reports(delay_ms=300) as sandbox:
        sent = time.monotonic()
        send(sandbox, {"destinations": [{"to": "41793026727"}], "notifyUrl": receiver.base_url})
        pushes = receiver.wait_for(1, timeout=10)
        assert len(pushes) == 1
        waited = pushes[0].at - sent
        # Not before the delay; well within it plus the batch wait and a busy machine's slack.
        assert 0.3 <= waited < 0.3 + 5
        time.sleep(0.5)
        assert len(receiver.pushes) == 1  # exactly one final report (D1)


def test_D2_push_body_is_results_valid_against_the_schema_as_json() -> None:
    with report_receiver() as receiver, sandbox_with_reports() as sandbox:
        send(
            sandbox,
            {"destinations": [{"to": "41793026727"}], "text": "hi", "notifyUrl": receiver.base_url},
        )
        push = receiver.wait_for(1, timeout=10)[0]
    assert push.headers["Content-Type"].startswith("application/json")
    body = json.loads(push.body)
    assert schema_violations("reports", body) == []
    assert 1 <= len(body["results"]) <= 100


def test_D2_reports_to_one_url_are_batched_up_to_100_a_post() -> None:
    destinations = [{"to": f"4179302{n:04d}"} for n in range(250)]
    with report_receiver() as receiver, sandbox_with_reports(batch_wait_ms=200) as sandbox:
        send(sandbox, {"destinations": destinations, "notifyUrl": receiver.base_url + "/dlr"})
        pushes = receiver.wait_for(3, timeout=10)
    sizes = sorted(len(json.loads(p.body)["results"]) for p in pushes)
    assert sizes == [50, 100, 100]
    assert {p.path for p in pushes} == {"/dlr"}


def test_D3_D4_D8_report_carries_the_send_answers_ids_callbackData_unchanged_and_smsCount() -> None:
    with report_receiver() as receiver, sandbox_with_reports() as sandbox:
        answer = send(
            sandbox,
            {
                "destinations": [
                    {"to": "41793026727", "messageId": "MY-ID-1"},
                    {"to": "41793026834"},
                ],
                "from": "SMSC",
                "text": "x" * 200,  # two segments
                "callbackData": CALLBACK_DATA,
                "notifyUrl": receiver.base_url,
            },
            bulkId="BULK-1",
        )
        reports = receiver.wait_for_reports(2, timeout=10)
    assert len(reports) == 2
    by_id = {r["messageId"]: r for r in reports}
    for entry in answer["messages"]:
        report = by_id[entry["messageId"]]
        assert report["to"] == entry["to"]
        assert report["bulkId"] == answer["bulkId"] == "BULK-1"
        assert report["callbackData"] == CALLBACK_DATA
        assert report["smsCount"] == entry["smsCount"] == 2
        assert report["from"] == "SMSC"
    assert set(by_id) == {"MY-ID-1", answer["messages"][1]["messageId"]}


def test_D4_a_message_without_callbackData_gets_reports_without_it() -> None:
    with report_receiver() as receiver, sandbox_with_reports() as sandbox:
        send(sandbox, {"destinations": [{"to": "41793026727"}], "notifyUrl": receiver.base_url})
        reports = reports_of([p.body for p in receiver.wait_for(1, timeout=10)])
    assert "callbackData" not in reports[0]


def test_D5_D6_D7_D8_default_report_is_delivered_with_no_error_dates_and_price() -> None:
    with report_receiver() as receiver, sandbox_with_reports() as sandbox:
        send(sandbox, {"destinations": [{"to": "41793026727"}], "notifyUrl": receiver.base_url})
        report = reports_of([p.body for p in receiver.wait_for(1, timeout=10)])[0]
    status = report["status"]
    assert (status["groupId"], status["id"], status["groupName"]) == (3, 5, "DELIVERED")
    assert (status["groupId"], status["id"]) in KNOWN_STATUSES
    assert report["error"] == {
        "groupId": 0,
        "groupName": "OK",
        "id": 0,
        "name": "NO_ERROR",
        "description": "No Error",
        "permanent": False,
    }
    assert report["sentAt"].endswith("+0000") and report["doneAt"].endswith("+0000")
    sent_at, done_at = parse_provider_time(report["sentAt"]), parse_provider_time(report["doneAt"])
    assert (done_at - sent_at).total_seconds() >= 0.2 - 0.001  # the configured delay
    assert isinstance(report["price"]["pricePerMessage"], float)
    assert report["price"]["currency"] == "EUR"


def test_D12_a_push_carries_no_credential() -> None:
    with report_receiver() as receiver, sandbox_with_reports() as sandbox:
        send(sandbox, {"destinations": [{"to": "41793026727"}], "notifyUrl": receiver.base_url})
        push = receiver.wait_for(1, timeout=10)[0]
    assert "authorization" not in {name.lower() for name in push.headers}
    assert CREDENTIAL.split()[1].encode() not in push.body
    assert all(CREDENTIAL.split()[1] not in value for value in push.headers.values())


def test_D1_destinations_rejected_at_submission_get_no_report() -> None:
    with report_receiver() as receiver, sandbox_with_reports() as sandbox:
        answer = send(
            sandbox,
            {
                "destinations": [{"to": "not-a-number"}, {"to": "41793026727"}],
                "notifyUrl": receiver.base_url,
            },
        )
        assert answer["messages"][0]["status"]["groupName"] == "REJECTED"
        reports = reports_of([p.body for p in receiver.wait_for(1, timeout=10)])
        time.sleep(0.3)
    assert [r["to"] for r in reports] == ["41793026727"]
