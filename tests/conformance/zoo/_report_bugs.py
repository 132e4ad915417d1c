"""Delivery-report bugs (rules.md D1-D14): the sandbox's reports, changed on their way out.

A report bug sits where a vendor's own bug would: between the report lifecycle and the wire. The
zoo server rewrites each request's `notifyUrl` to a relay path on itself
(`/zoo-relay/<the original URL, base64url>`), so the sandbox pushes there; the bug then sees each
push (bytes and content type) and decides what reaches the original URL (`deliver`) and what the
sandbox is answered (so retries behave as the receiver's answers say, unless the bug says
otherwise). Pull bugs change `GET /sms/1/reports` and `/sms/1/logs` answers like any other bug.
Each is caught by the check named after its rule; a few variants that stay within the rules
(batching differently, arriving late within the bound) must pass.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from sms_acceptance import results_from_xml, results_to_xml

from ._exchange import Bug, CapturedRequest, CapturedResponse, Forward

RELAY_PATH = "/zoo-relay/"
_TOKEN_PATH = re.compile(r"/dlr/[0-9a-f]+")


@dataclass(frozen=True)
class Push:
    """One push the sandbox made, caught before it left."""

    url: str
    body: bytes
    content_type: str

    @property
    def is_xml(self) -> bool:
        return "xml" in self.content_type

    def json(self) -> dict[str, Any]:
        """The reports as JSON, whichever form the push has (XML read by the library, D9)."""
        if self.is_xml:
            return results_from_xml(self.body)[1]
        document: dict[str, Any] = json.loads(self.body)
        return document

    def with_json(self, document: dict[str, Any]) -> Push:
        """The same push carrying `document`, in the push's own form."""
        if self.is_xml:
            body = results_to_xml(document, root=results_from_xml(self.body)[0])
        else:
            body = json.dumps(document, ensure_ascii=False).encode()
        return Push(self.url, body, self.content_type)

    def each_report(self, change: Callable[[dict[str, Any]], None]) -> Push:
        document = self.json()
        for report in document["results"]:
            change(report)
        return self.with_json(document)


Deliver = Callable[..., Awaitable[int]]
"""`deliver(push, headers=None)`: POST a push to its URL; the receiver's status (599: no answer)."""
PushBug = Callable[[Push, Deliver], Awaitable[int]]
"""A report bug: what to deliver, and the status to answer the sandbox with."""


async def _deliver(push: Push, headers: dict[str, str] | None = None) -> int:
    async with httpx.AsyncClient(timeout=10.0) as client:
        try:
            answer = await client.post(
                push.url,
                content=push.body,
                headers={"Content-Type": push.content_type, **(headers or {})},
            )
        except httpx.HTTPError:
            return 599
    return answer.status_code


def _relay_url(host: str, original: str) -> str:
    encoded = base64.urlsafe_b64encode(original.encode()).decode().rstrip("=")
    return f"http://{host}{RELAY_PATH}{encoded}"


def _original(path: str) -> str:
    encoded = path[len(RELAY_PATH) :]
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()


def relaying(push_bug: PushBug) -> Bug:
    """A zoo bug from a push bug: notifyUrls point at the relay; pushes pass through `push_bug`."""

    async def bug(request: CapturedRequest, forward: Forward) -> CapturedResponse:
        if request.path.startswith(RELAY_PATH):
            push = Push(
                _original(request.path),
                request.body,
                request.header("content-type") or "application/json",
            )
            return CapturedResponse(await push_bug(push, _deliver), (), b"")
        document = request.json_object() if request.method == "POST" else None
        host = request.header("host") or ""
        if document is not None and isinstance(document.get("messages"), list):
            for message in document["messages"]:
                if isinstance(message, dict) and isinstance(message.get("notifyUrl"), str):
                    message["notifyUrl"] = _relay_url(host, message["notifyUrl"])
            request = request.with_json(document)
        return await forward(request)

    return bug


async def _as_is(push: Push, deliver: Deliver) -> int:
    return await deliver(push)


# -- broken: one report bug each -------------------------------------------------------------


async def never_pushes(push: Push, deliver: Deliver) -> int:
    """Accepts notifyUrl but never POSTs a report to it. Caught by report_delivered_once (D1)."""
    return 200


async def pushes_to_another_path(push: Push, deliver: Deliver) -> int:
    """POSTs reports to a fixed path of the notifyUrl's host instead of the URL given.
    Caught by report_delivered_once (D1)."""
    return await deliver(Push(_TOKEN_PATH.sub("/dlr/0000", push.url), push.body, push.content_type))


async def wrong_message_id(push: Push, deliver: Deliver) -> int:
    """Reports an internal id instead of the messageId the send answer gave.
    Caught by report_identity (D3)."""
    return await deliver(push.each_report(lambda r: r.update(messageId="int-" + r["messageId"])))


async def wrong_bulk_id(push: Push, deliver: Deliver) -> int:
    """Reports a bulkId of its own instead of the send answer's. Caught by report_identity (D3)."""
    return await deliver(push.each_report(lambda r: r.update(bulkId="internal-batch-7")))


async def wrong_to(push: Push, deliver: Deliver) -> int:
    """Reports the destination without its country code. Caught by report_identity (D3)."""
    return await deliver(push.each_report(lambda r: r.update(to=r["to"][3:])))


async def drops_callback_data(push: Push, deliver: Deliver) -> int:
    """Leaves callbackData out of its reports. Caught by report_callback_data (D4)."""
    return await deliver(push.each_report(lambda r: r.pop("callbackData", None)))


async def clips_callback_data(push: Push, deliver: Deliver) -> int:
    """Stores callbackData in a 255-character column. Caught by report_callback_data (D4)."""

    def clip(report: dict[str, Any]) -> None:
        if isinstance(report.get("callbackData"), str):
            report["callbackData"] = report["callbackData"][:255]

    return await deliver(push.each_report(clip))


_TO_OPERATOR = {
    "groupId": 3,
    "groupName": "DELIVERED",
    "id": 2,
    "name": "DELIVERED_TO_OPERATOR",
    "description": "Message delivered to operator",
}


async def stops_at_delivered_to_operator(push: Push, deliver: Deliver) -> int:
    """Never learns the handset outcome: DELIVERED_TO_OPERATOR is the only report it sends.
    Caught by report_final_status (D5)."""
    return await deliver(push.each_report(lambda r: r.update(status=dict(_TO_OPERATOR))))


async def error_without_permanent(push: Push, deliver: Deliver) -> int:
    """Its error object lacks `permanent` (an older client model).
    Caught by report_error_object (D6)."""
    return await deliver(push.each_report(lambda r: (r.get("error") or {}).pop("permanent", None)))


def _colon(value: object) -> object:
    if isinstance(value, str) and re.search(r"[+-]\d{4}$", value):
        return value[:-2] + ":" + value[-2:]
    return value


async def dates_with_colon_offset(push: Push, deliver: Deliver) -> int:
    """Writes sentAt/doneAt with ISO's colon offset (+00:00), which Go/Java consumers reject.
    Caught by report_dates (D7)."""

    def change(report: dict[str, Any]) -> None:
        for key in ("sentAt", "doneAt"):
            if key in report:
                report[key] = _colon(report[key])

    return await deliver(push.each_report(change))


async def done_before_sent(push: Push, deliver: Deliver) -> int:
    """Swaps sentAt and doneAt. Caught by report_dates (D7)."""

    def change(report: dict[str, Any]) -> None:
        if "sentAt" in report and "doneAt" in report and report["sentAt"] != report["doneAt"]:
            report["sentAt"], report["doneAt"] = report["doneAt"], report["sentAt"]
        elif "doneAt" in report:
            report["doneAt"] = "2000-01-01T00:00:00.000+0000"

    return await deliver(push.each_report(change))


async def xml_with_wrong_root(push: Push, deliver: Deliver) -> int:
    """Sends XML reports with the v3 root `<DeliveryReports>` on the v1 API.
    Caught by report_xml_form (D9)."""
    body = push.body.replace(b"reportResponse>", b"DeliveryReports>")
    return await deliver(Push(push.url, body, push.content_type))


async def intermediate_without_being_asked(push: Push, deliver: Deliver) -> int:
    """Sends a PENDING report before every final one, whether or not it was asked to.
    Caught by intermediate_reports_when_asked (D10)."""
    pending = copy.deepcopy(push.json())
    for report in pending["results"]:
        report["status"] = {
            "groupId": 1,
            "groupName": "PENDING",
            "id": 7,
            "name": "PENDING_ENROUTE",
            "description": "Message sent to next instance",
        }
        report.pop("doneAt", None)
    await deliver(push.with_json(pending))
    return await deliver(push)


async def duplicates_final_after_200(push: Push, deliver: Deliver) -> int:
    """Sends every report twice: its queue acknowledges before the receiver's 200 is read.
    Caught by report_delivered_once (D1)."""
    status = await deliver(push)
    if 200 <= status < 300:
        await deliver(push)
    return status


async def no_retry_after_500(push: Push, deliver: Deliver) -> int:
    """Sends each report once, whatever the receiver answers.
    Caught by report_retried_after_5xx (D11)."""
    await deliver(push)
    return 200


async def push_as_text_plain(push: Push, deliver: Deliver) -> int:
    """Labels its JSON pushes `text/plain`. Caught by report_push_shape (D2)."""
    if push.content_type.startswith("application/json"):
        return await deliver(Push(push.url, push.body, "text/plain"))
    return await deliver(push)


async def sms_count_zero(push: Push, deliver: Deliver) -> int:
    """Reports smsCount 0 (parts counted from zero). Caught by report_sms_count_and_price (D8)."""
    return await deliver(push.each_report(lambda r: r.update(smsCount=0)))


def forwards_credential(authorization: str) -> PushBug:
    async def bug(push: Push, deliver: Deliver) -> int:
        """Sends the account's own Authorization header with every push. Caught by
        report_push_without_credentials (D12)."""
        return int(await deliver(push, {"Authorization": authorization}))

    return bug


def pull_returns_reports_twice() -> Bug:
    """`GET /sms/1/reports` returns a report again on the next call (reads are not consumed).
    Caught by pull_reports_once (D13)."""
    seen: dict[str, bytes] = {}

    async def bug(request: CapturedRequest, forward: Forward) -> CapturedResponse:
        response = await forward(request)
        if request.method != "GET" or request.path != "/sms/1/reports" or response.status != 200:
            return response
        key = "last"  # the suite's D13 reads ask for one messageId at a time
        document = response.json_value()
        if isinstance(document, dict) and document.get("results"):
            seen[key] = response.body
            return response
        return CapturedResponse(response.status, response.headers, seen.get(key, response.body))

    bug.__doc__ = pull_returns_reports_twice.__doc__
    return bug


def logs_consumed_by_reading() -> Bug:
    """`GET /sms/1/logs` forgets an entry once it was read. Caught by logs_not_consumed (D14)."""
    read: set[str] = set()

    async def bug(request: CapturedRequest, forward: Forward) -> CapturedResponse:
        response = await forward(request)
        if request.method != "GET" or request.path != "/sms/1/logs" or response.status != 200:
            return response
        document = response.json_value()
        if not isinstance(document, dict) or not isinstance(document.get("results"), list):
            return response
        kept = [e for e in document["results"] if e.get("messageId") not in read]
        read.update(str(e.get("messageId")) for e in document["results"])
        return response.with_json({**document, "results": kept})

    bug.__doc__ = logs_consumed_by_reading.__doc__
    return bug


# -- correct: choices the rules leave open ---------------------------------------------------


async def one_report_per_push(push: Push, deliver: Deliver) -> int:
    """Pushes every report on its own (batches of 1, D2 allows 1-100)."""
    status = 200
    for report in push.json()["results"]:
        answered = await deliver(push.with_json({"results": [report]}))
        status = answered if answered >= 300 else status
    return status


async def late_within_bound(push: Push, deliver: Deliver) -> int:
    """Holds every push for two seconds (well within the bound) before sending it."""
    await asyncio.sleep(2.0)
    return await deliver(push)
