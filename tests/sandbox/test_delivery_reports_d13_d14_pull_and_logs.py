"""D13: `GET /sms/1/reports` returns each final report once; D14: `GET /sms/1/logs` consumes
nothing; both behind the send endpoint's credential check and error envelope."""

from __future__ import annotations

import httpx
import pytest

from sms_acceptance import (
    format_provider_time,
    parse_provider_time,
    results_from_xml,
    schema_violations,
)

from ._delivery_reports import HEADERS, get, sandbox_with_reports, send, wait_for_stat
from ._report_receiver import report_receiver


def _destinations(count: int) -> list[dict[str, str]]:
    return [{"to": f"4179302{n:04d}"} for n in range(count)]


def test_D13_each_report_is_returned_once() -> None:
    with sandbox_with_reports(delay_ms=50) as sandbox:
        answer = send(sandbox, {"destinations": _destinations(3)})
        wait_for_stat(sandbox, "finals", 3)
        first = get(sandbox, "/sms/1/reports")
        second = get(sandbox, "/sms/1/reports")
    assert first.status_code == 200
    assert schema_violations("reports", first.json()) == []
    ids = [r["messageId"] for r in first.json()["results"]]
    assert sorted(ids) == sorted(m["messageId"] for m in answer["messages"])
    assert second.json() == {"results": []}


def test_D13_limit_defaults_to_50_and_bounds_the_count() -> None:
    with sandbox_with_reports(delay_ms=10) as sandbox:
        send(sandbox, {"destinations": _destinations(120)})
        wait_for_stat(sandbox, "finals", 120)
        counts = [
            len(get(sandbox, "/sms/1/reports").json()["results"]),
            len(get(sandbox, "/sms/1/reports", limit=7).json()["results"]),
            len(get(sandbox, "/sms/1/reports", limit=5000).json()["results"]),  # OPEN: clamped
            len(get(sandbox, "/sms/1/reports").json()["results"]),
        ]
    assert counts == [50, 7, 63, 0]


def test_D13_bulkId_and_messageId_filter_and_consume_only_what_they_return() -> None:
    with sandbox_with_reports(delay_ms=10) as sandbox:
        one = send(sandbox, {"destinations": _destinations(2)}, bulkId="B-1")
        two = send(sandbox, {"destinations": _destinations(2)}, bulkId="B-2")
        wait_for_stat(sandbox, "finals", 4)
        by_bulk = get(sandbox, "/sms/1/reports", bulkId="B-2").json()["results"]
        wanted = one["messages"][1]["messageId"]
        by_message = get(sandbox, "/sms/1/reports", messageId=wanted).json()["results"]
        rest = get(sandbox, "/sms/1/reports").json()["results"]
    assert {r["bulkId"] for r in by_bulk} == {"B-2"} and len(by_bulk) == 2
    assert [r["messageId"] for r in by_message] == [wanted]
    assert [r["messageId"] for r in rest] == [one["messages"][0]["messageId"]]
    assert two["bulkId"] == "B-2"


def test_D13_pushed_reports_are_pullable_once_too() -> None:
    with report_receiver() as receiver, sandbox_with_reports() as sandbox:
        answer = send(sandbox, {"destinations": _destinations(1), "notifyUrl": receiver.base_url})
        receiver.wait_for(1, timeout=10)
        pulled = get(sandbox, "/sms/1/reports").json()["results"]
        again = get(sandbox, "/sms/1/reports").json()["results"]
    assert [r["messageId"] for r in pulled] == [answer["messages"][0]["messageId"]]
    assert again == []


def test_D13_xml_when_asked_for() -> None:
    with sandbox_with_reports(delay_ms=10) as sandbox:
        send(sandbox, {"destinations": _destinations(1)})
        wait_for_stat(sandbox, "finals", 1)
        response = httpx.get(
            sandbox.base_url + "/sms/1/reports", headers={**HEADERS, "Accept": "application/xml"}
        )
    assert response.headers["content-type"].startswith("application/xml")
    root, body = results_from_xml(response.content)
    assert root == "reportResponse" and len(body["results"]) == 1


@pytest.mark.parametrize("path", ["/sms/1/reports", "/sms/1/logs"])
@pytest.mark.parametrize(
    ("headers", "text"),
    [
        ({}, "Missing Authorization header"),
        ({"Authorization": "App wrong"}, "Invalid login details"),
    ],
)
def test_D13_D14_need_the_credential_A1_A3(path: str, headers: dict[str, str], text: str) -> None:
    with sandbox_with_reports() as sandbox:
        response = httpx.get(sandbox.base_url + path, headers=headers)
    assert response.status_code == 401
    assert response.json() == {
        "requestError": {"serviceException": {"messageId": "UNAUTHORIZED", "text": text}}
    }


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/sms/1/reports", {"limit": "many"}),
        ("/sms/1/reports", {"limit": "0"}),
        ("/sms/1/logs", {"limit": "-1"}),
        ("/sms/1/logs", {"sentSince": "2026-12-06T10:00:00Z"}),
    ],
)
def test_D13_D14_a_bad_parameter_is_a_400_envelope_E1(path: str, params: dict[str, str]) -> None:
    with sandbox_with_reports() as sandbox:
        response = get(sandbox, path, **params)
    assert response.status_code == 400
    assert response.json() == {
        "requestError": {"serviceException": {"messageId": "BAD_REQUEST", "text": "Bad request"}}
    }


def test_D14_logs_have_the_report_fields_plus_text_and_reading_consumes_nothing() -> None:
    with sandbox_with_reports(delay_ms=10) as sandbox:
        answer = send(sandbox, {"destinations": _destinations(2), "text": "Hello logs"})
        wait_for_stat(sandbox, "finals", 2)
        first = get(sandbox, "/sms/1/logs").json()
        second = get(sandbox, "/sms/1/logs").json()
        pulled = get(sandbox, "/sms/1/reports").json()["results"]
    assert first == second
    assert schema_violations("logs", first) == []
    assert {e["messageId"] for e in first["results"]} == {
        m["messageId"] for m in answer["messages"]
    }
    assert {e["text"] for e in first["results"]} == {"Hello logs"}
    assert len(pulled) == 2  # the logs consumed no report


def test_D14_logs_filter_by_ids_status_and_sent_time() -> None:
    with sandbox_with_reports(mode="by-destination", delay_ms=10) as sandbox:
        answer = send(sandbox, {"destinations": [{"to": "41793026720"}, {"to": "41793026727"}]})
        wait_for_stat(sandbox, "finals", 2)
        ids = [m["messageId"] for m in answer["messages"]]
        log = get(sandbox, "/sms/1/logs").json()["results"]
        sent = parse_provider_time(log[0]["sentAt"])
        after = format_provider_time(sent.replace(year=sent.year + 1))
        found = {
            "messageId": get(sandbox, "/sms/1/logs", messageId=f"{ids[1]},nope").json(),
            "bulkId": get(sandbox, "/sms/1/logs", bulkId=answer["bulkId"], limit=1).json(),
            "undeliverable": get(sandbox, "/sms/1/logs", generalStatus="UNDELIVERABLE").json(),
            "since_now": get(sandbox, "/sms/1/logs", sentSince=log[0]["sentAt"]).json(),
            "since_later": get(sandbox, "/sms/1/logs", sentSince=after).json(),
            "until_later": get(sandbox, "/sms/1/logs", sentUntil=after).json(),
        }
    counts = {name: len(body["results"]) for name, body in found.items()}
    assert counts == {
        "messageId": 1,
        "bulkId": 1,
        "undeliverable": 1,
        "since_now": 2,
        "since_later": 0,
        "until_later": 2,
    }
    assert found["undeliverable"]["results"][0]["to"] == "41793026727"
