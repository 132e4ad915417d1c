"""Each delivery-report bug really shows at a receiver, and the report-scaled sandbox does not show
it (direct requests and a loopback receiver; the suite itself is not involved).

One JSON request (two destinations, 300 characters of callbackData, no intermediateReport) and one
XML request go to the server with a receiver's URL as notifyUrl; the receiver answers `500` to
the first push of the JSON request's reports (so a retry is visible); once the finals arrived (or
five seconds passed) each witness reads what came. Pull witnesses read `GET /sms/1/reports` and
`/sms/1/logs` twice for one message.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from sms_acceptance import is_final_status
from sms_acceptance.conformance.transport import PushRecord, ReportReceiver

from . import _report_bugs as reports
from ._catalogue import BROKEN_SERVERS, BrokenServer, Credentials, _reporting

REPORT_SERVERS = [server for server in BROKEN_SERVERS if server.reports]
CALLBACK = "c" * 300
WAIT_SECONDS = 5.0


@dataclass
class Seen:
    """What one witness run saw: the answers' entries and every push."""

    answers: list[dict[str, Any]]
    pushes: list[PushRecord]
    pulls: list[Any] = field(default_factory=list)
    logs: list[Any] = field(default_factory=list)

    def reports(self) -> list[dict[str, Any]]:
        return [r for p in self.pushes if p.reports for r in p.reports]

    def entry_of(self, message_id: object) -> dict[str, Any] | None:
        return next((e for e in self.answers if e.get("messageId") == message_id), None)

    def finals(self) -> list[dict[str, Any]]:
        return [r for r in self.reports() if is_final_status(r.get("status"))]


def _request(receiver: ReportReceiver, token: str, xml: bool) -> dict[str, Any]:
    numbers = ["41793026727"] if xml else ["41793026728", "41793026729"]
    message: dict[str, Any] = {
        "destinations": [{"to": number} for number in numbers],
        "text": "Report witness",
        "notifyUrl": receiver.notify_url(token),
        "notifyContentType": "application/xml" if xml else "application/json",
        "callbackData": CALLBACK,
    }  # fmt: skip
    return {"messages": [message]}


def _witness_run(base_url: str, authorization: str) -> Seen:
    receiver = ReportReceiver().start()
    headers = {"Authorization": authorization}
    try:
        answers: list[dict[str, Any]] = []
        with httpx.Client(base_url=base_url, headers=headers, timeout=10) as client:
            for xml in (False, True):
                token = receiver.new_token()
                answer = client.post("/sms/1/text/advanced", json=_request(receiver, token, xml))
                entries = answer.json()["messages"]
                for entry in entries:
                    entry["bulkId"] = answer.json().get("bulkId")
                if not xml:
                    receiver.fail_first(e["messageId"] for e in entries)
                answers.extend(entries)
            ids = {e["messageId"] for e in answers}
            receiver.wait_until(
                lambda pushes: (
                    ids
                    <= {
                        str(r.get("messageId"))
                        for p in pushes
                        if 200 <= p.answered < 300
                        for r in p.reports or ()
                        if is_final_status(r.get("status"))
                    }
                ),
                time.monotonic() + WAIT_SECONDS,
            )
            time.sleep(1.0)
            query = {"messageId": answers[0]["messageId"]}
            pulls = [client.get("/sms/1/reports", params=query).json() for _ in range(2)]
            logs = [client.get("/sms/1/logs", params=query).json() for _ in range(2)]
        return Seen(answers, receiver.pushes(), pulls, logs)
    finally:
        receiver.stop()


def _twice(seen: Seen) -> bool:
    counts: dict[str, int] = {}
    for push in seen.pushes:
        if 200 <= push.answered < 300:
            for report in push.reports or ():
                if is_final_status(report.get("status")):
                    key = str(report.get("messageId"))
                    counts[key] = counts.get(key, 0) + 1
    return any(count > 1 for count in counts.values())


def _refused_not_resent(seen: Seen) -> bool:
    refused = [p for p in seen.pushes if p.answered >= 500]
    ids = {str(r.get("messageId")) for p in refused for r in p.reports or ()}
    later = [p for p in seen.pushes if refused and p.index > refused[0].index]
    return bool(refused) and not any(
        str(r.get("messageId")) in ids for p in later for r in p.reports or ()
    )


def _results(document: Any) -> list[Any]:
    return list(document.get("results") or []) if isinstance(document, dict) else []


WITNESSES: dict[str, Callable[[Seen], bool]] = {
    "never_pushes": lambda s: not s.pushes,
    "pushes_to_another_path": lambda s: any(p.token == "0000" for p in s.pushes),
    "duplicates_final_after_200": _twice,
    "push_as_text_plain": lambda s: any(
        (p.header("Content-Type") or "").startswith("text/plain") for p in s.pushes
    ),
    "wrong_message_id": lambda s: any(s.entry_of(r.get("messageId")) is None for r in s.reports()),
    "wrong_bulk_id": lambda s: any(
        r.get("bulkId") != (s.entry_of(r.get("messageId")) or {}).get("bulkId") for r in s.reports()
    ),
    "wrong_to": lambda s: any(
        r.get("to") != (s.entry_of(r.get("messageId")) or {}).get("to") for r in s.reports()
    ),
    "drops_callback_data": lambda s: any("callbackData" not in r for r in s.reports()),
    "clips_callback_data": lambda s: any(r.get("callbackData") != CALLBACK for r in s.reports()),
    "stops_at_delivered_to_operator": lambda s: bool(s.reports()) and not s.finals(),
    "error_without_permanent": lambda s: any(
        "permanent" not in (r.get("error") or {}) for r in s.reports()
    ),
    "dates_with_colon_offset": lambda s: any(
        str(r.get("sentAt", ""))[-3:-2] == ":" for r in s.reports()
    ),
    "done_before_sent": lambda s: any(
        str(r.get("doneAt")) < str(r.get("sentAt")) for r in s.reports() if "doneAt" in r
    ),
    "report_sms_count_zero": lambda s: any(r.get("smsCount") == 0 for r in s.reports()),
    "xml_with_wrong_root": lambda s: any(p.root == "DeliveryReports" for p in s.pushes),
    "intermediate_without_being_asked": lambda s: len(s.finals()) < len(s.reports()),
    "no_retry_after_500": _refused_not_resent,
    "forwards_credential": lambda s: any(p.header("Authorization") for p in s.pushes),
    "pull_returns_reports_twice": lambda s: all(_results(d) for d in s.pulls),
    "logs_consumed_by_reading": lambda s: bool(_results(s.logs[0])) and not _results(s.logs[1]),
}
SANDBOX = _reporting(lambda _authorization: reports.relaying(reports._as_is))


def test_every_report_server_has_a_witness() -> None:
    assert sorted(WITNESSES) == sorted(server.name for server in REPORT_SERVERS)


@pytest.fixture(scope="module")
def sandbox_seen(zoo_credentials: Credentials) -> Seen:
    authorization = zoo_credentials.app
    with SANDBOX(authorization) as base_url:
        return _witness_run(base_url, authorization)


@pytest.mark.parametrize("server", REPORT_SERVERS, ids=lambda s: s.name)
def test_report_server_shows_its_bug(server: BrokenServer, zoo_credentials: Credentials) -> None:
    authorization = zoo_credentials.for_scheme(server.scheme)
    with server.serve(authorization) as base_url:
        seen = _witness_run(base_url, authorization)
    assert WITNESSES[server.name](seen), f"{server.name}: {len(seen.pushes)} pushes"


@pytest.mark.parametrize("name", sorted(WITNESSES))
def test_sandbox_does_not_show_the_report_bug(name: str, sandbox_seen: Seen) -> None:
    assert sandbox_seen.finals(), "the sandbox pushed no final report"
    assert not WITNESSES[name](sandbox_seen)
