"""The delivery-report checks (rules.md D1-D14): one small function each, citing its rule.

They live in the one registry (`_check_registry.REGISTRY`, so the catalogue, summary.json, HTML and
JUnit list them like every other check) under the family `delivery_reports`, with `applies_to=()`:
they never judge a send exchange. What they judge instead:

- a push check receives a `ReportCase`: one request that asked for reports (its send answer and
  what it asked: JSON or XML, intermediate reports, callbackData) and every push that arrived for
  it, on its own `notifyUrl` path or elsewhere, once the suite stopped waiting;
- a pull check receives a `PullCase`: a request and the `GET /sms/1/reports` or `/sms/1/logs`
  answers read for it.

Each yields `PASSED`, `Failed(message)` or `Declared(text)` as the send checks do; the test file
(`conformance/test_delivery_reports.py`) turns failures into evidence: the send request's `curl`
plus what arrived at the receiver, redacted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sms_acceptance._provider_time import ProviderTimeError, parse_provider_time
from sms_acceptance._report_status import is_final_status
from sms_acceptance._report_xml import REPORTS_XML_ROOT
from sms_acceptance._status_table import group_name_matches, is_known_status
from sms_acceptance._validation import schema_violations
from sms_acceptance.conformance.checks._check_registry import (
    PASSED,
    REGISTRY,
    Check,
    Declared,
    Failed,
    Outcome,
)
from sms_acceptance.conformance.checks._profile import VendorProfile
from sms_acceptance.conformance.transport._dlr_receiver import PushRecord
from sms_acceptance.conformance.transport._exchange import Exchange, ReceivedResponse

__all__ = [
    "PULL_CHECKS",
    "PUSH_CHECKS",
    "PullCase",
    "ReportCase",
    "ReportRequest",
]

_ACCEPTING_GROUPS = frozenset({0, 1})
_ERROR_FIELDS: Mapping[str, type | tuple[type, ...]] = {
    "groupId": int,
    "groupName": str,
    "id": int,
    "name": str,
    "description": str,
    "permanent": bool,
}


def _json(value: object, limit: int = 160) -> str:
    """A value as JSON text, shortened."""
    import json

    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- what the checks see ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRequest:
    """One send that asked for reports, as sent and answered."""

    label: str
    token: str
    document: Mapping[str, Any]
    exchange: Exchange
    xml: bool = False
    intermediate: bool = False
    callback_data: str | None = None
    retry_probe: bool = False
    """D11: the receiver answered `500` to the first push carrying its reports."""

    @property
    def answer(self) -> dict[str, Any] | None:
        outcome = self.exchange.outcome
        if not isinstance(outcome, ReceivedResponse) or outcome.status != 200:
            return None
        try:
            body = outcome.json
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    @property
    def accepted(self) -> dict[str, dict[str, Any]]:
        """messageId → answer entry, for entries accepted PENDING/ACCEPTED (D1's subjects)."""
        answer = self.answer or {}
        found: dict[str, dict[str, Any]] = {}
        for entry in answer.get("messages") or []:
            if not isinstance(entry, dict) or not isinstance(entry.get("messageId"), str):
                continue
            status = entry.get("status")
            if isinstance(status, dict) and status.get("groupId") in _ACCEPTING_GROUPS:
                found[entry["messageId"]] = entry
        return found


@dataclass(frozen=True)
class ReportCase:
    """A request that asked for reports and everything that arrived for it."""

    request: ReportRequest
    pushes: tuple[PushRecord, ...]
    """Pushes to this request's own notifyUrl path."""
    elsewhere: tuple[PushRecord, ...]
    """Pushes to other paths carrying one of this request's messageIds."""
    credential: str = field(repr=False)
    profile: VendorProfile = field(default_factory=VendorProfile)
    wait_seconds: float = 0.0
    retry_bound_seconds: float | None = None
    """D11: how long the suite waited for a retry (None: no schedule known, D11 not judged)."""

    def reports(self) -> Iterator[tuple[PushRecord, dict[str, Any]]]:
        """Every report pushed to this request's path, in arrival order."""
        for push in self.pushes:
            for report in push.reports or ():
                yield push, report

    def by_message_id(self) -> dict[str, list[tuple[PushRecord, dict[str, Any]]]]:
        found: dict[str, list[tuple[PushRecord, dict[str, Any]]]] = {}
        for push, report in self.reports():
            found.setdefault(str(report.get("messageId")), []).append((push, report))
        return found


@dataclass(frozen=True)
class PullCase:
    """A request (its messageId) and the pull answers read for it."""

    message_id: str
    bulk_id: str | None
    text: str
    reads: tuple[tuple[str, int | None, Any], ...]
    """(URL path and query, status or None when no answer, parsed JSON body or None)."""
    profile: VendorProfile = field(default_factory=VendorProfile)
    content_types: tuple[str | None, ...] = ()
    """Each read's Content-Type, in the order of `reads`."""


PushCheck = Callable[[ReportCase], Iterable[Outcome]]
PullCheck = Callable[[PullCase], Iterable[Outcome]]
PUSH_CHECKS: dict[str, PushCheck] = {}
PULL_CHECKS: dict[str, PullCheck] = {}


def _register(name: str, rules: tuple[str, ...], function: Callable[..., Any]) -> None:
    if name in REGISTRY:
        raise ValueError(f"check {name!r} is registered twice")
    doc = (function.__doc__ or "").strip().split("\n\n", 1)[0]
    REGISTRY[name] = Check(
        name=name,
        family="delivery_reports",
        rule_ids=rules,
        level="SHOULD",  # every D rule is SHOULD (rules.md)
        description=" ".join(doc.split()),
        applies_to=(),
        function=function,
    )


def push_check(name: str, rules: tuple[str, ...]) -> Callable[[PushCheck], PushCheck]:
    def register(function: PushCheck) -> PushCheck:
        _register(name, rules, function)
        PUSH_CHECKS[name] = function
        return function

    return register


def pull_check(name: str, rules: tuple[str, ...]) -> Callable[[PullCheck], PullCheck]:
    def register(function: PullCheck) -> PullCheck:
        _register(name, rules, function)
        PULL_CHECKS[name] = function
        return function

    return register


# -- push: D1-D12 -----------------------------------------------------------------------------


@push_check("report_delivered_once", ("D1",))
def report_delivered_once(case: ReportCase) -> Iterator[Outcome]:
    """Every destination accepted in a request with `notifyUrl` gets exactly one final report,
    POSTed to that URL within the wait, and none again after the receiver answered it `2xx`."""
    by_id = case.by_message_id()
    for message_id, entry in case.request.accepted.items():
        finals = [(p, r) for p, r in by_id.get(message_id, []) if is_final_status(r.get("status"))]
        answered = [p for p, _ in finals if 200 <= p.answered < 300]
        misplaced = [
            p.path
            for p in case.elsewhere
            for r in p.reports or ()
            if r.get("messageId") == message_id
        ]
        if misplaced and not finals:
            yield Failed(
                f"the report for messageId {_json(message_id)} (to {_json(entry.get('to'))}) "
                f"was POSTed to {_json(misplaced[0])}, not to the request's notifyUrl path "
                f"{_json('/dlr/' + case.request.token)}"
            )
        elif not finals:
            yield Failed(
                f"no final report for messageId {_json(message_id)} (to "
                f"{_json(entry.get('to'))}) arrived at the notifyUrl within "
                f"{case.wait_seconds:g} s"
                + (
                    f" ({len(by_id[message_id])} intermediate report(s) only)"
                    if by_id.get(message_id)
                    else ""
                )
            )
        elif len(answered) > 1:
            yield Failed(
                f"messageId {_json(message_id)} got its final report {len(answered)} times "
                f"although the receiver answered 200 to the first (pushes "
                f"{', '.join(str(p.index) for p in answered)})"
            )
        else:
            yield PASSED


@push_check("report_push_shape", ("D2",))
def report_push_shape(case: ReportCase) -> Iterator[Outcome]:
    """A JSON push is `{"results": [report, ...]}` with 1-100 reports, `Content-Type:
    application/json`, each report with `messageId`, `to` and a `status` of S8's shape."""
    if case.request.xml:
        return
    for push in case.pushes:
        media = (push.header("Content-Type") or "").split(";")[0].strip().lower()
        if media != "application/json":
            yield Failed(f"push {push.index} has Content-Type {_json(push.header('Content-Type'))}")
            continue
        if push.reports is None:
            yield Failed(f"push {push.index} is unreadable: {push.problem}")
            continue
        if not 1 <= len(push.reports) <= 100:
            yield Failed(f"push {push.index} carries {len(push.reports)} reports (D2: 1 to 100)")
            continue
        problems = [
            f"{v.path}: {v.message}"
            for v in schema_violations("reports", {"results": list(push.reports)})
            if v.rule_id in (None, "D2")  # the fields' own rules (D3-D8) judge the rest
        ]
        yield Failed(f"push {push.index}: {problems[0]}") if problems else PASSED


@push_check("report_identity", ("D3",))
def report_identity(case: ReportCase) -> Iterator[Outcome]:
    """A report's `messageId` is one the send answer gave, its `to` that destination's, and its
    `bulkId`, when present, the answer's `bulkId`."""
    accepted = case.request.accepted
    answer_bulk = (case.request.answer or {}).get("bulkId")
    for push, report in case.reports():
        message_id = report.get("messageId")
        entry = accepted.get(message_id) if isinstance(message_id, str) else None
        if entry is None:
            yield Failed(
                f"push {push.index} reports messageId {_json(message_id)}, which the send "
                f"answer never returned (it returned {_json(sorted(accepted))})"
            )
        elif report.get("to") != entry.get("to"):
            yield Failed(
                f"the report for messageId {_json(message_id)} has to {_json(report.get('to'))}, "
                f"the send answer has {_json(entry.get('to'))}"
            )
        elif "bulkId" in report and answer_bulk is not None and report["bulkId"] != answer_bulk:
            yield Failed(
                f"the report for messageId {_json(message_id)} has bulkId "
                f"{_json(report['bulkId'])}, the send answer {_json(answer_bulk)}"
            )
        else:
            yield PASSED


@push_check("report_callback_data", ("D4",))
def report_callback_data(case: ReportCase) -> Iterator[Outcome]:
    """`callbackData`, when the message set it, is in each of its reports unchanged (every
    character, up to 4000); a message without it gets reports without it."""
    expected = case.request.callback_data
    for push, report in case.reports():
        got = report.get("callbackData")
        if expected is None and got is not None:
            yield Failed(
                f"push {push.index}: the message set no callbackData but its report has "
                f"{_json(got)}"
            )
        elif expected is not None and got != expected:
            if got is None:
                detail = "none"
            elif isinstance(got, str):
                where = _first_difference(expected, got)
                detail = f"{len(got)} characters, first difference at {where}"
            else:
                detail = _json(got)
            yield Failed(
                f"push {push.index}: callbackData of {len(expected)} characters not returned "
                f"unchanged (got {detail})"
            )
        else:
            yield PASSED


def _first_difference(left: str, right: str) -> int:
    for index, (a, b) in enumerate(zip(left, right, strict=False)):
        if a != b:
            return index
    return min(len(left), len(right))


@push_check("report_final_status", ("D5",))
def report_final_status(case: ReportCase) -> Iterator[Outcome]:
    """A destination's last report has a final status (DELIVERED_TO_HANDSET, UNDELIVERABLE,
    EXPIRED, REJECTED) whose `(groupId, id)` is in the status table with the right `groupName`."""
    for message_id, reports in case.by_message_id().items():
        push, report = reports[-1]
        status = report.get("status")
        if not isinstance(status, dict):
            yield Failed(f"push {push.index}: the report has no status object")
            continue
        group, status_id, name = status.get("groupId"), status.get("id"), status.get("groupName")
        if not is_final_status(status):
            yield Failed(
                f"the last report for messageId {_json(message_id)} has a non-final status "
                f"(groupId {_json(group)}, id {_json(status_id)}, {_json(status.get('name'))})"
            )
        elif not isinstance(group, int) or not isinstance(status_id, int):
            yield Failed(f"push {push.index}: status groupId/id are not integers")
        elif not is_known_status(group, status_id) or not (
            isinstance(name, str) and group_name_matches(group, name)
        ):
            yield Failed(
                f"push {push.index}: status (groupId {group}, id {status_id}, groupName "
                f"{_json(name)}) is not in the provider's status table"
            )
        else:
            yield PASSED


@push_check("report_error_object", ("D6",))
def report_error_object(case: ReportCase) -> Iterator[Outcome]:
    """`error`, when present, has `groupId`, `groupName`, `id`, `name`, `description`,
    `permanent` of the right types; a DELIVERED report's error is id 0 (`NO_ERROR`, group 0)."""
    for push, report in case.reports():
        error = report.get("error")
        if error is None:
            continue
        if not isinstance(error, dict):
            yield Failed(f"push {push.index}: error is {_json(error)}, not an object")
            continue
        wrong = [
            key
            for key, kind in _ERROR_FIELDS.items()
            if not isinstance(error.get(key), kind)
            or (kind is int and isinstance(error.get(key), bool))
        ]
        raw_status = report.get("status")
        status: dict[str, Any] = raw_status if isinstance(raw_status, dict) else {}
        if wrong:
            yield Failed(
                f"push {push.index}: error {_json(error)} lacks or mistypes {', '.join(wrong)}"
            )
        elif status.get("groupId") == 3 and (error.get("id"), error.get("groupId")) != (0, 0):
            yield Failed(
                f"push {push.index}: a DELIVERED report's error is id {error.get('id')} in group "
                f"{error.get('groupId')}, not 0 (NO_ERROR)"
            )
        else:
            yield PASSED


def _moment(report: Mapping[str, Any], key: str) -> tuple[datetime | None, str | None]:
    value = report.get(key)
    if value is None:
        return None, None
    if not isinstance(value, str):
        return None, f"{key} is {_json(value)}, not a string"
    try:
        return parse_provider_time(value), None
    except ProviderTimeError:
        return None, f"{key} {_json(value)} is not yyyy-MM-ddTHH:mm:ss.SSS±hhmm"


@push_check("report_dates", ("D7",))
def report_dates(case: ReportCase) -> Iterator[Outcome]:
    """`sentAt` and `doneAt`, when present, are `yyyy-MM-ddTHH:mm:ss.SSS±hhmm` (offset without
    colon, what real consumers parse) and `doneAt` is not before `sentAt`."""
    for push, report in case.reports():
        sent, sent_problem = _moment(report, "sentAt")
        done, done_problem = _moment(report, "doneAt")
        problem = sent_problem or done_problem
        if problem:
            yield Failed(f"push {push.index}: {problem}")
        elif sent is not None and done is not None and done < sent:
            yield Failed(
                f"push {push.index}: doneAt {_json(report['doneAt'])} is before sentAt "
                f"{_json(report['sentAt'])}"
            )
        elif sent is not None or done is not None:
            yield PASSED


@push_check("report_sms_count_and_price", ("D8",))
def report_sms_count_and_price(case: ReportCase) -> Iterator[Outcome]:
    """`smsCount`, when present, is an integer >= 1 equal to the send answer's for that
    destination; `price`, when present, is `{pricePerMessage: number, currency: string}`."""
    accepted = case.request.accepted
    for push, report in case.reports():
        count, price = report.get("smsCount"), report.get("price")
        entry = accepted.get(str(report.get("messageId"))) or {}
        answered = entry.get("smsCount")
        if count is not None and (
            not isinstance(count, int) or isinstance(count, bool) or count < 1
        ):
            yield Failed(f"push {push.index}: smsCount {_json(count)} is not an integer >= 1")
        elif count is not None and isinstance(answered, int) and count != answered:
            yield Failed(
                f"push {push.index}: smsCount {count}, the send answer said {answered} for "
                f"messageId {_json(report.get('messageId'))}"
            )
        elif price is not None and not (
            isinstance(price, dict)
            and isinstance(price.get("pricePerMessage"), int | float)
            and not isinstance(price.get("pricePerMessage"), bool)
            and isinstance(price.get("currency"), str)
        ):
            yield Failed(
                f"push {push.index}: price {_json(price)} is not {{pricePerMessage, currency}}"
            )
        elif count is not None or price is not None:
            yield PASSED


@push_check("report_xml_form", ("D9",))
def report_xml_form(case: ReportCase) -> Iterator[Outcome]:
    """With `notifyContentType: application/xml` the push is XML with `Content-Type:
    application/xml`, root `<reportResponse>`, `<results>` holding one `<result>` per report."""
    if not case.request.xml:
        return
    if case.profile.reports_xml is False:
        yield Declared("reports_xml = false (vendor profile)")
        return
    for push in case.pushes:
        media = (push.header("Content-Type") or "").split(";")[0].strip().lower()
        if media not in ("application/xml", "text/xml"):
            yield Failed(
                f"push {push.index} has Content-Type {_json(push.header('Content-Type'))} "
                "for notifyContentType application/xml"
            )
        elif push.reports is None:
            yield Failed(f"push {push.index}: {push.problem}")
        elif push.root != REPORTS_XML_ROOT:
            yield Failed(f"push {push.index}: XML root <{push.root}>, not <{REPORTS_XML_ROOT}>")
        else:
            yield PASSED


@push_check("intermediate_reports_when_asked", ("D10",))
def intermediate_reports_when_asked(case: ReportCase) -> Iterator[Outcome]:
    """Intermediate reports (PENDING, DELIVERED_TO_OPERATOR) come only with `intermediateReport:
    true`, and before the final one."""
    for message_id, reports in case.by_message_id().items():
        intermediate = [(p, r) for p, r in reports if not is_final_status(r.get("status"))]
        if intermediate and not case.request.intermediate:
            push, report = intermediate[0]
            yield Failed(
                f"push {push.index}: intermediate report ({_json(report.get('status'))}) for "
                f"messageId {_json(message_id)} although the request did not set "
                "intermediateReport: true"
            )
        elif intermediate and is_final_status(reports[0][1].get("status")):
            yield Failed(f"an intermediate report for {_json(message_id)} came after its final")
        else:
            yield PASSED


@push_check("report_retried_after_5xx", ("D11",))
def report_retried_after_5xx(case: ReportCase) -> Iterator[Outcome]:
    """When the receiver answers a report `500`, the same report is sent again later, within the
    schedule the vendor profile declares (the provider's first retry comes after 2 minutes)."""
    if not case.request.retry_probe or case.retry_bound_seconds is None:
        return
    for message_id, reports in case.by_message_id().items():
        finals = [p for p, r in reports if is_final_status(r.get("status"))]
        refused = [p for p in finals if p.answered >= 500]
        if not refused:
            continue  # the first push carrying it was an intermediate one
        if not any(p.index > refused[0].index for p in finals):
            yield Failed(
                f"the receiver answered 500 to the final report of messageId {_json(message_id)} "
                f"(push {refused[0].index}); it was not sent again within "
                f"{case.retry_bound_seconds:g} s"
            )
        else:
            yield PASSED


@push_check("report_push_without_credentials", ("D12",))
def report_push_without_credentials(case: ReportCase) -> Iterator[Outcome]:
    """A push carries neither the account's credential nor any `Authorization` header."""
    secret = case.credential.partition(" ")[2].strip()
    for push in case.pushes:
        authorization = push.header("Authorization")
        leaked = bool(secret) and any(secret in v for _, v in push.headers)
        if leaked or (secret and secret.encode() in push.body):
            yield Failed(f"push {push.index} carries the account's credential")
        elif authorization is not None:
            yield Failed(
                f"push {push.index} carries an Authorization header the API never documents"
            )
        else:
            yield PASSED


# -- pull: D13, D14 ---------------------------------------------------------------------------


def _entries_for(
    path: str, status: int | None, body: Any, message_id: str
) -> list[dict[str, Any]] | Failed:
    """The entries one pull answered for `message_id`, or why that answer is not a `200`
    `{"results": [...]}` (D13 and D14 read their answers alike)."""
    if status != 200:
        return Failed(f"GET {path} answered {_json(status)}, not 200")
    results = body.get("results") if isinstance(body, dict) else None
    if not isinstance(results, list):
        return Failed(f'GET {path} answered {_json(body)}, not {{"results": [...]}}')
    return [r for r in results if isinstance(r, dict) and r.get("messageId") == message_id]


@pull_check("pull_reports_once", ("D13",))
def pull_reports_once(case: PullCase) -> Iterator[Outcome]:
    """`GET /sms/1/reports?messageId=…` answers `200` `{"results": [...]}` with the message's
    final report once: a later call does not return it again."""
    if case.profile.reports_pull is False:
        yield Declared("reports_pull = false (vendor profile)")
        return
    seen = 0
    for path, status, body in case.reads:
        entries = _entries_for(path, status, body, case.message_id)
        if isinstance(entries, Failed):
            yield entries
            return
        problems = [f"{v.path}: {v.message}" for v in schema_violations("reports", body)]
        if problems:
            yield Failed(f"GET {path}: {problems[0]}")
            return
        seen += len(entries)
        if seen > 1:
            yield Failed(f"GET {path} returned the report of {_json(case.message_id)} again")
            return
    if seen == 0:
        yield Failed(f"no pull returned a report for messageId {_json(case.message_id)}")
    else:
        yield PASSED


@pull_check("logs_not_consumed", ("D14",))
def logs_not_consumed(case: PullCase) -> Iterator[Outcome]:
    """`GET /sms/1/logs?messageId=…` answers `200` with entries holding the report fields plus
    `text`, and reading consumes nothing: a second read returns the entry again."""
    if case.profile.reports_pull is False:
        yield Declared("reports_pull = false (vendor profile)")
        return
    found = 0
    for path, status, body in case.reads:
        entries = _entries_for(path, status, body, case.message_id)
        if isinstance(entries, Failed):
            yield entries
            return
        if not entries:
            yield Failed(f"GET {path} has no log entry for messageId {_json(case.message_id)}")
            return
        if entries[0].get("text") != case.text:
            yield Failed(
                f"GET {path}: the log entry's text is {_json(entries[0].get('text'))}, the "
                f"message's {_json(case.message_id and case.text)}"
            )
            return
        found += 1
    yield PASSED if found >= 2 else Failed("the logs were read fewer than twice")
