"""The suite's report receiver (real sockets): it records every push as it came, reads JSON and
D9 XML, answers 500 once to the reports it was told to refuse (D11), and finds each request's
token even behind a tunnel's path prefix."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from sms_acceptance.conformance.transport import ReportReceiver

REPORT = b'{"results":[{"messageId":"m1","to":"41793026727","status":{"groupId":3,"id":5}}]}'
XML = (
    b"<reportResponse><results><result><messageId>m2</messageId><to>41793026727</to>"
    b"<smsCount>2</smsCount></result></results></reportResponse>"
)


@pytest.fixture
def receiver() -> Iterator[ReportReceiver]:
    started = ReportReceiver().start()
    yield started
    started.stop()


def test_a_json_push_is_recorded_with_path_headers_and_reports(
    receiver: ReportReceiver,
) -> None:
    url = receiver.notify_url("abc123")
    answer = httpx.post(url, content=REPORT, headers={"Content-Type": "application/json"})
    assert answer.status_code == 200
    (push,) = receiver.pushes()
    assert (push.path, push.token, push.answered) == ("/dlr/abc123", "abc123", 200)
    assert push.header("content-type") == "application/json"
    assert push.reports is not None and push.reports[0]["messageId"] == "m1"


def test_an_xml_push_is_read_with_its_root_and_typed_leaves(receiver: ReportReceiver) -> None:
    httpx.post(receiver.notify_url("x1"), content=XML, headers={"Content-Type": "application/xml"})
    (push,) = receiver.pushes()
    assert push.root == "reportResponse"
    assert push.reports is not None and push.reports[0]["smsCount"] == 2


def test_an_unreadable_body_is_evidence_not_an_error(receiver: ReportReceiver) -> None:
    answer = httpx.post(receiver.notify_url("x2"), content=b"delivered!")
    assert answer.status_code == 200
    (push,) = receiver.pushes()
    assert push.reports is None and push.problem is not None


def test_a_refused_report_is_answered_500_once_then_200(receiver: ReportReceiver) -> None:
    receiver.fail_first(["m1"])
    url = receiver.notify_url("retry")
    statuses = [httpx.post(url, content=REPORT).status_code for _ in range(2)]
    assert statuses == [500, 200]
    assert [p.answered for p in receiver.pushes()] == [500, 200]


def test_the_token_survives_a_tunnel_prefix() -> None:
    receiver = ReportReceiver(public_url="https://tunnel.invalid/hook/")
    try:
        assert receiver.notify_url("t9") == "https://tunnel.invalid/hook/dlr/t9"
    finally:
        receiver.stop()
    receiver = ReportReceiver().start()
    try:
        httpx.post(receiver.listen_url + "/hook/dlr/t9", content=REPORT)
        assert receiver.pushes()[0].token == "t9"
    finally:
        receiver.stop()


def test_waiting_ends_when_the_condition_holds_or_at_the_deadline(
    receiver: ReportReceiver,
) -> None:
    started = time.monotonic()
    assert not receiver.wait_until(lambda pushes: bool(pushes), started + 0.3)
    httpx.post(receiver.notify_url("w"), content=REPORT)
    assert receiver.wait_until(lambda pushes: bool(pushes), time.monotonic() + 5)
