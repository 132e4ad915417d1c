"""Delivery reports in the suite: options, the receiver, the requests asking for reports, the wait.

Registered by `conformance/conftest.py` beside the suite's plugin. Options:

- `--notify-url URL`: what a remote server should push to (e.g. a tunnel to the receiver);
- `--receiver-listen HOST:PORT`: where the receiver listens (default 127.0.0.1, any free port);
- `--dlr-timeout SECONDS`: how long the run waits for every final report (default 20 s, suited to
  the embedded sandbox; a vendor profile's `report_delay_seconds` replaces it).

Against a loopback target the receiver's own URL is reachable, so push checks run; against a
remote one they need `--notify-url` and are SKIP with one line otherwise (pull checks still run).
All requests that ask for reports are sent first and their reports awaited together, once per
session (`delivery_report_run`), so the wait is the slowest report's, not the sum. Against a
loopback target that is not live, that starts as the session starts and the D tests run last
(`pytest_collection_finish`), so the wait overlaps the other tests.
"""

from __future__ import annotations

import dataclasses
import json
import shlex
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from sms_acceptance._destinations import destination_numbers
from sms_acceptance._live_guard import LiveTrafficRefused, is_loopback_url
from sms_acceptance._report_status import is_final_status
from sms_acceptance.conformance.checks._catalogue import CHECKS_BY_NAME
from sms_acceptance.conformance.checks._check_registry import Declared, Failed
from sms_acceptance.conformance.checks._dlr_checks import (
    PULL_CHECKS,
    PUSH_CHECKS,
    PullCase,
    ReportCase,
    ReportRequest,
)
from sms_acceptance.conformance.checks._evidence import CheckFailed, ExchangeEvidence, Failure
from sms_acceptance.conformance.plugin._sms_fixture import ConformanceClient, Target
from sms_acceptance.conformance.transport._auth_header import CONFIGURED
from sms_acceptance.conformance.transport._dlr_receiver import PushRecord, ReportReceiver
from sms_acceptance.conformance.transport._exchange import ReceivedResponse, SentRequest
from sms_acceptance.conformance.transport._raw_request import send_raw
from sms_acceptance.generation import encode_json

__all__ = ["DeliveryReportRun", "embedded_report_config"]

DEFAULT_DLR_TIMEOUT = 20.0
SETTLE_SECONDS = 1.0
"""After the last awaited report: how long a duplicate (D1) or a late extra push still counts."""
EMBEDDED_RETRY_SECONDS = 10
"""The embedded sandbox retries after 2 min x its time scale (0.24 s); this bounds the wait."""
_LONG_CALLBACK = ("Lorem ipsum dolor sit amet ü€ 😀 " * 200)[:4000]
_GROUP = "sms-acceptance conformance"


def embedded_report_config() -> Any:
    """The embedded sandbox's report settings: reports within a second, retries after 0.24 s
    (the provider's schedule x 0.002), so the D checks take seconds."""
    from sms_acceptance.sandbox import ReportConfig

    return ReportConfig(delay_ms=300.0, time_scale=0.002, batch_wait_ms=50.0)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup(_GROUP)
    group.addoption(
        "--notify-url",
        dest="sms_notify_url",
        default=None,
        metavar="URL",
        help="URL a remote server pushes delivery reports to (reaching --receiver-listen)",
    )
    group.addoption(
        "--receiver-listen",
        dest="sms_receiver_listen",
        default="127.0.0.1:0",
        metavar="HOST:PORT",
        help="where the delivery-report receiver listens (default 127.0.0.1:0)",
    )
    group.addoption(
        "--dlr-timeout",
        dest="sms_dlr_timeout",
        default=str(DEFAULT_DLR_TIMEOUT),
        metavar="SECONDS",
        help=f"how long to wait for every final delivery report (default {DEFAULT_DLR_TIMEOUT:g})",
    )


@dataclass(frozen=True)
class ReportSettings:
    notify_url: str | None
    listen_host: str
    listen_port: int
    timeout: float


def _settings(config: pytest.Config) -> ReportSettings:
    notify_url = config.getoption("sms_notify_url")
    if notify_url is not None:
        parts = urlsplit(notify_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
            raise pytest.UsageError(
                f"--notify-url needs an http(s) URL without a query: {notify_url!r}"
            )
    listen = str(config.getoption("sms_receiver_listen"))
    host, sep, port = listen.rpartition(":")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise pytest.UsageError(f"--receiver-listen expects HOST:PORT, got {listen!r}")
    try:
        timeout = float(config.getoption("sms_dlr_timeout"))
    except ValueError:
        timeout = -1.0
    if not 0 < timeout <= 3600:
        raise pytest.UsageError("--dlr-timeout must be a number of seconds between 0 and 3600")
    return ReportSettings(notify_url, host.strip("[]"), int(port), timeout)


REPORT_MARK = "sms_delivery_reports"


def pytest_configure(config: pytest.Config) -> None:
    _settings(config)  # a bad option is a usage error before anything is sent
    config.addinivalue_line(
        "markers", f"{REPORT_MARK}: a test judging the session's delivery reports (run last)"
    )


@dataclass
class DeliveryReportRun:
    """What the session sent for reports, and what arrived."""

    skip_reason: str | None
    cases: list[ReportCase] = field(default_factory=list)
    pulls: dict[str, PullCase] = field(default_factory=dict)
    pull_skip_reason: str | None = None
    pull_evidence: dict[str, tuple[str, str]] = field(default_factory=dict)
    """check name → (first URL read, curl to repeat it)."""


def _destinations(target: Target, count: int, first: int) -> list[str]:
    numbers = list(target.options.test_destinations)
    if numbers:
        return [numbers[(first + i) % len(numbers)] for i in range(count)]
    return [f"4179302{first + i:04d}" for i in range(count)]


def _request_cases(retry_known: bool) -> list[dict[str, Any]]:
    """What each request asks for: JSON and XML, with and without intermediate reports, with
    callbackData (ASCII, Unicode, 4000 characters) and without; one D11 probe."""
    cases: list[dict[str, Any]] = [
        {"label": "json", "xml": False, "intermediate": None, "callback": None},
        {"label": "json+intermediate+ascii", "xml": False, "intermediate": True,
         "callback": "order-4711;customer=acme"},
        {"label": "json+no-intermediate+unicode", "xml": False, "intermediate": False,
         "callback": "Zürich → 東京 😀 ĞÜŞİÖÇ"},
        {"label": "json+callback-4000", "xml": False, "intermediate": None,
         "callback": _LONG_CALLBACK},
        {"label": "xml+intermediate+ascii", "xml": True, "intermediate": True,
         "callback": "xml-case-1"},
        {"label": "xml", "xml": True, "intermediate": None, "callback": None},
    ]  # fmt: skip
    if retry_known:
        cases.append(
            {"label": "json+retry-after-500", "xml": False, "intermediate": None,
             "callback": "retry-probe", "retry": True}
        )  # fmt: skip
    return cases


def _post(target: Target, document: Mapping[str, Any]) -> Any:
    try:
        target.guard.admit(
            target.options.endpoint_url, list(destination_numbers(document, count_unnumbered=True))
        )
    except LiveTrafficRefused as refused:
        return refused
    return target.exchanger.send(encode_json(document), CONFIGURED)


def _complete(
    pushes: list[PushRecord], requests: list[ReportRequest], retry_probes: set[str]
) -> bool:
    """Every accepted id has a final report answered 2xx on its path (probes: after a 500)."""
    answered: set[str] = set()
    refused: set[str] = set()
    for push in pushes:
        for report in push.reports or ():
            if not is_final_status(report.get("status")):
                continue
            message_id = str(report.get("messageId"))
            if 200 <= push.answered < 300:
                answered.add(message_id)
            else:
                refused.add(message_id)
    for request in requests:
        for message_id in request.accepted:
            if message_id not in answered:
                return False
            if message_id in retry_probes and message_id not in refused:
                return False
    return True


def run_push_cases(
    target: Target, receiver: ReportReceiver, *, timeout: float, retry_seconds: float | None
) -> tuple[list[ReportRequest], float]:
    """Send every request asking for reports, then wait for their finals together."""
    requests: list[ReportRequest] = []
    retry_probes: set[str] = set()
    for index, spec in enumerate(_request_cases(retry_seconds is not None)):
        token = receiver.new_token()
        message: dict[str, Any] = {
            "from": "InfoSMS",
            "destinations": [
                {"to": to} for to in _destinations(target, 2 if index < 2 else 1, 10 * index)
            ],
            "text": f"Delivery report case {spec['label']}",
            "notifyUrl": receiver.notify_url(token),
        }
        if spec["xml"]:
            message["notifyContentType"] = "application/xml"
        else:
            message["notifyContentType"] = "application/json"
        if spec["intermediate"] is not None:
            message["intermediateReport"] = spec["intermediate"]
        if spec["callback"] is not None:
            message["callbackData"] = spec["callback"]
        document = {"messages": [message]}
        exchange = _post(target, document)
        if isinstance(exchange, LiveTrafficRefused):
            break
        request = ReportRequest(
            label=spec["label"],
            token=token,
            document=document,
            exchange=exchange,
            xml=spec["xml"],
            intermediate=spec["intermediate"] is True,
            callback_data=spec["callback"],
            retry_probe=bool(spec.get("retry")),
        )
        if request.retry_probe:
            receiver.fail_first(request.accepted)
            retry_probes.update(request.accepted)
        requests.append(request)
    started = time.monotonic()
    wait = timeout + (retry_seconds or 0)
    done = receiver.wait_until(
        lambda pushes: _complete(pushes, requests, retry_probes), started + wait
    )
    time.sleep(SETTLE_SECONDS)
    return requests, (time.monotonic() - started) if done else wait


def cases_of(
    requests: list[ReportRequest],
    pushes: list[PushRecord],
    target: Target,
    *,
    waited: float,
    retry_seconds: float | None,
) -> list[ReportCase]:
    cases = []
    for request in requests:
        ids = set(request.accepted)
        own = tuple(p for p in pushes if p.token == request.token)
        elsewhere = tuple(
            p
            for p in pushes
            if p.token != request.token and any(r.get("messageId") in ids for r in p.reports or ())
        )
        cases.append(
            ReportCase(
                request=request,
                pushes=own,
                elsewhere=elsewhere,
                credential=target.options.authorization or "",
                profile=target.options.vendor_profile,
                wait_seconds=round(waited, 1),
                retry_bound_seconds=retry_seconds,
            )
        )
    return cases


def _get(
    target: Target, path: str, query: Mapping[str, str], content_types: list[str | None]
) -> tuple[str, int | None, Any]:
    """One GET to the target with the configured credential (reports and logs are not SMS).

    Sent like every other request of the run: through its proxy and with its TLS settings, and
    never following a redirect (a redirect would carry the credential to another origin)."""
    base = target.base
    shown = f"{path}?{urlencode(query)}"
    url = base.url(shown)
    request_target = base.path + shown
    authorization = target.options.authorization or ""
    headers = (("Host", base.netloc), ("Accept", "application/json"), ("Connection", "close"))
    head = f"GET {request_target} HTTP/1.1\r\n" + "".join(f"{n}: {v}\r\n" for n, v in headers)
    raw = (head + f"Authorization: {authorization}\r\n\r\n").encode("latin-1")
    sent = SentRequest(
        "GET",
        url,
        (*headers, ("Authorization", CONFIGURED.shown(authorization))),
        b"",
        CONFIGURED,
    )
    outcome = send_raw(
        base.text,
        raw,
        shown=sent,
        timeout=target.options.request_timeout,
        network=target.options.network,
    ).outcome
    if not isinstance(outcome, ReceivedResponse):
        content_types.append(None)
        return shown, None, None
    content_types.append(outcome.header("Content-Type"))
    try:
        return shown, outcome.status, json.loads(outcome.body)
    except ValueError:
        return shown, outcome.status, None


def run_pull_cases(target: Target, timeout: float) -> tuple[dict[str, PullCase], str | None]:
    """One message without notifyUrl; its report pulled until it comes (then once more), and its
    log read twice."""
    text = "Delivery report pull case"
    document = {
        "messages": [{"destinations": [{"to": _destinations(target, 1, 90)[0]}], "text": text}]
    }
    exchange = _post(target, document)
    if isinstance(exchange, LiveTrafficRefused):
        return {}, str(exchange)
    request = ReportRequest("pull", "", document, exchange)
    if not request.accepted:
        return {}, "the request sent for the pull checks was not accepted (see the send checks)"
    message_id = next(iter(request.accepted))
    bulk_id = (request.answer or {}).get("bulkId")
    reads: list[tuple[str, int | None, Any]] = []
    types: list[str | None] = []
    deadline = time.monotonic() + timeout
    while True:
        read = _get(target, "/sms/1/reports", {"messageId": message_id}, types)
        reads.append(read)
        found = isinstance(read[2], dict) and any(
            isinstance(r, dict) and r.get("messageId") == message_id
            for r in read[2].get("results") or []
        )
        if found or read[1] != 200 or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    if found:
        reads.append(_get(target, "/sms/1/reports", {"messageId": message_id}, types))
    # Pull reads before the report existed say nothing about D13: keep the one that found it on.
    kept = 2 if found else 1
    reads, types = reads[-kept:], types[-kept:]
    log_types: list[str | None] = []
    logs = tuple(
        _get(target, "/sms/1/logs", {"messageId": message_id}, log_types) for _ in range(2)
    )
    profile = target.options.vendor_profile
    return {
        "pull_reports_once": PullCase(
            message_id, bulk_id, text, tuple(reads), profile, tuple(types)
        ),
        "logs_not_consumed": PullCase(message_id, bulk_id, text, logs, profile, tuple(log_types)),
    }, None


def push_skip_reason(base_url: str, notify_url: str | None) -> str | None:
    """Why push checks cannot run (one line), or None: a remote server cannot reach a loopback
    receiver, so it needs `--notify-url`."""
    if is_loopback_url(base_url) or notify_url is not None:
        return None
    return (
        "push checks need a URL the server can reach: give --notify-url (and "
        "--receiver-listen); the pull checks still run"
    )


def _report_run(
    config: pytest.Config, sms_target: Target
) -> tuple[DeliveryReportRun, ReportReceiver | None]:
    """Send the report-asking requests and await their reports together; the receiver (still
    listening, for the caller to stop) with the run."""
    settings = _settings(config)
    profile = sms_target.options.vendor_profile
    timeout = float(profile.report_delay_seconds or settings.timeout)
    skip_reason = push_skip_reason(str(sms_target.options.base_url), settings.notify_url)
    receiver = None
    run = DeliveryReportRun(skip_reason)
    if skip_reason is None:
        try:
            receiver = ReportReceiver(
                settings.listen_host, settings.listen_port, settings.notify_url
            ).start()
        except OSError as error:
            raise pytest.UsageError(
                f"--receiver-listen {settings.listen_host}:{settings.listen_port}: {error}"
            ) from None
        if sms_target.embedded_sandbox:
            retry: float | None = EMBEDDED_RETRY_SECONDS
        elif profile.report_retry_seconds is not None:
            retry = float(profile.report_retry_seconds)
        else:
            retry = None
        requests, waited = run_push_cases(
            sms_target, receiver, timeout=timeout, retry_seconds=retry
        )
        run.cases = cases_of(
            requests, receiver.pushes(), sms_target, waited=waited, retry_seconds=retry
        )
    run.pulls, run.pull_skip_reason = run_pull_cases(sms_target, timeout)
    return run, receiver


_EARLY: pytest.StashKey[Future[tuple[DeliveryReportRun, ReportReceiver | None]]] = pytest.StashKey()


def _is_report_test(item: pytest.Item) -> bool:
    return item.get_closest_marker(REPORT_MARK) is not None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """The D checks' tests last, in their order: their report run can then start with the
    session (`pytest_collection_finish`) and its wait overlap every other test."""
    reports = [item for item in items if _is_report_test(item)]
    if reports and len(reports) < len(items):
        items[:] = [item for item in items if not _is_report_test(item)] + reports


def pytest_collection_finish(session: pytest.Session) -> None:
    """Against a loopback target that is not live and answered the probe, in one process: start
    the session's report run now, in a thread, when a D test will run (`--level` admits one of
    their checks), so the reports are awaited while the other tests run. Against a live gateway
    nothing is sent before the test that needs it (a stopped run sends nothing for the tests it
    never reached)."""
    if not any(_is_report_test(item) for item in session.items):
        return
    from sms_acceptance.conformance.plugin._plugin import PLUGIN_NAME, ConformancePlugin

    plugin = session.config.pluginmanager.get_plugin(PLUGIN_NAME)
    if not isinstance(plugin, ConformancePlugin):
        return
    target = plugin.ahead_target(session)
    if target is None or not is_loopback_url(target.options.endpoint_url):
        return
    if plugin.probe_answer_seconds is None:
        return  # a server that did not answer the probe: the first test's request judges that
    level = target.options.level
    if not any(CHECKS_BY_NAME[n].runs_at(level) for n in (*PUSH_CHECKS, *PULL_CHECKS)):
        return
    starter = ThreadPoolExecutor(1, thread_name_prefix="sms-acceptance-reports")
    session.config.stash[_EARLY] = starter.submit(_report_run, session.config, target)
    starter.shutdown(wait=False)


@pytest.fixture(scope="session")
def delivery_report_run(
    request: pytest.FixtureRequest, sms_target: Target
) -> Iterator[DeliveryReportRun]:
    """The report-asking requests sent once per session and their reports awaited together:
    here, or already under way since the session started (`pytest_collection_finish`)."""
    early = request.config.stash.get(_EARLY, None)
    run, receiver = early.result() if early is not None else _report_run(request.config, sms_target)
    try:
        yield run
    finally:
        if receiver is not None:
            receiver.stop()


# -- judging (the test file's verbs) -------------------------------------------------------------


def _received(case: ReportCase, redact: Any) -> list[dict[str, Any]]:
    """What arrived for a case (its own path first, then elsewhere), redacted, 4 KiB a body."""
    shown = []
    for push in (*case.pushes, *case.elsewhere)[:6]:
        shown.append(
            {
                "push": push.index,
                "path": push.path,
                "answered": push.answered,
                "headers": {k: redact(v) for k, v in push.headers},
                "body": redact(push.body[:4096].decode("utf-8", "replace")),
                "body_truncated": len(push.body) > 4096,
            }
        )
    return shown


def verify_push_check(sms: ConformanceClient, run: DeliveryReportRun, name: str) -> None:
    """Apply one push check to every case; raise its failures with the send's curl and what
    arrived; skip (one line, kept as the check's SKIP reason) when pushes cannot be checked."""
    definition = CHECKS_BY_NAME[name]
    sms.require(name)
    if run.skip_reason is not None:
        sms.recorder.skipped[name] = run.skip_reason
        pytest.skip(run.skip_reason)
    failures = []
    redact = sms.target.redactor.scrub
    for case in run.cases:
        evidence = ExchangeEvidence(case.request.exchange, sms.evidence)
        for outcome in PUSH_CHECKS[name](case):
            if isinstance(outcome, Declared):
                sms.declare(name, outcome.text)
                continue
            sms.recorder.exercised[name] += 1
            if isinstance(outcome, Failed):
                failure = evidence.failure(definition, outcome, label=case.request.label)
                failures.append(dataclasses.replace(failure, received=_received(case, redact)))
    if failures:
        raise CheckFailed(failures)
    if not sms.recorder.exercised[name] and name == "report_retried_after_5xx":
        reason = (
            "the retry schedule is unknown: the provider's first retry comes after 2 minutes; "
            "declare report_retry_seconds in the vendor profile to check D11"
        )
        if any(case.request.retry_probe for case in run.cases):
            reason = "no final report was answered 500 (nothing arrived to refuse)"
        sms.recorder.skipped[name] = reason
        pytest.skip(reason)


def verify_pull_check(sms: ConformanceClient, run: DeliveryReportRun, name: str) -> None:
    """Apply one pull check (D13, D14) to its reads; raise its failures with a curl per read."""
    definition = CHECKS_BY_NAME[name]
    sms.require(name)
    case = run.pulls.get(name)
    if case is None:
        reason = run.pull_skip_reason or "no pull request could be made"
        sms.recorder.skipped[name] = reason
        pytest.skip(reason)
    base = sms.target.base.text
    redact = sms.target.redactor.scrub
    failures = []
    for outcome in PULL_CHECKS[name](case):
        if isinstance(outcome, Declared):
            sms.declare(name, outcome.text)
            continue
        sms.recorder.exercised[name] += 1
        if isinstance(outcome, Failed):
            path, status, body = case.reads[0] if case.reads else ("", None, None)
            content_type = case.content_types[0] if case.content_types else None
            failures.append(
                Failure(
                    check=name,
                    rule_id=outcome.rule_id or definition.rule_ids[0],
                    level=definition.level,
                    message=redact(" ".join(outcome.message.split())),
                    request={
                        "method": "GET",
                        "url": base + path,
                        "headers": {"Authorization": "***"},
                        "body": "",
                        "body_truncated": False,
                    },
                    response=None
                    if status is None
                    else {
                        "status": status,
                        "headers": {"Content-Type": content_type or ""},
                        "body": redact(json.dumps(body, ensure_ascii=False)[:4096]),
                        "body_truncated": False,
                        "elapsed_seconds": None,
                    },
                    curl='curl -sS -i -H "Authorization: $SMS_ACCEPTANCE_AUTHORIZATION" '
                    + shlex.quote(base + path),
                    hypothesis_seed=sms.evidence.hypothesis_seed,
                    reproduce=redact(sms.evidence.reproduce),
                    received=[
                        {"read": p, "status": s, "body": redact(json.dumps(b)[:4096])}
                        for p, s, b in case.reads
                    ],
                )
            )
    if failures:
        raise CheckFailed(failures)
