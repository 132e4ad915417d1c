"""One process's state for one Locust run, kept on Locust's `Environment` (no module globals).

Created in the `init` event, reset at `test_start`; users reach it through `run_of(environment)`.
On a worker it accumulates what the worker's users record and drains it into every report to the
master; on a master (or a single process) it is where everything ends up for the reports.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import orjson

from sms_acceptance._live_guard import LiveTrafficGuard
from sms_acceptance._network import NetworkSettings, curl_network_words
from sms_acceptance._redaction import Redactor
from sms_acceptance._reproduction import curl_command

from ._latency import LatencyRecorder
from ._options import LoadOptions
from ._outcomes import (
    FailureExample,
    FailureKey,
    OutcomeBook,
    classify_error_status,
    envelope_message_id,
    excerpt,
    media_type,
    transport_label,
)
from ._pacing import ArrivalSchedule, ScheduleCounts
from ._payloads import PreparedRequest

_ATTRIBUTE = "sms_acceptance_load_run"
_NOT_JSON = object()


def parse_json(body: bytes) -> object:
    """orjson on the hot path (several times faster than `json`); `json` for what orjson refuses
    but JSON allows (integers beyond 64 bits); `_NOT_JSON` when neither can read it."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _NOT_JSON


@dataclass
class ScheduleTally:
    """Schedule counts per node (a worker id, or `local`), latest report wins: not additive
    until the run ends, so kept per node and summed for the report."""

    by_node: dict[str, ScheduleCounts] = field(default_factory=dict)

    def total(self) -> ScheduleCounts | None:
        if not self.by_node:
            return None
        counts = list(self.by_node.values())
        return ScheduleCounts(
            rate_per_second=sum(c.rate_per_second for c in counts),
            window_seconds=max(c.window_seconds for c in counts),
            due=sum(c.due for c in counts),
            started=sum(c.started for c in counts),
            late=sum(c.late for c in counts),
        )


class LoadRun:
    """Recorders, payloads and settings of the current run in this process."""

    def __init__(self, options: LoadOptions, authorization: str) -> None:
        self.configure(options, authorization)
        self.payloads: dict[str, tuple[PreparedRequest, ...]] = {}
        self.target_url = ""
        # Until `init` builds the command line's guard (or a master sends its settings): no live
        # target at all.
        self.live_guard = LiveTrafficGuard()
        self.guard_from_master = False
        self.quota: Any = None  # a worker's `QuotaClient`
        self.live_sent_reported = 0  # worker: destinations already reported to the master
        self.live_sent_by_workers = 0  # master: destinations its workers reported sent
        self.sandbox: Any = None
        self.network = NetworkSettings()  # proxy and TLS, set from the options at `init`
        self.schedule: ArrivalSchedule | None = None
        self.schedule_share: tuple[float, float] | None = None
        self.schedule_tally = ScheduleTally()
        self.started_wall: float | None = None
        self.stopped_wall: float | None = None
        self.node_count = 1
        self._validator: Any = None
        self._json_content_types: dict[str | None, bool] = {}
        self._validate_credit = 0.0
        self.reset()

    def configure(self, options: LoadOptions, authorization: str) -> None:
        """Set (on a worker: replace with the master's) options and credential."""
        self.options = options
        self.authorization = authorization
        self.redactor = Redactor(authorization)
        self.headers = {
            "Authorization": authorization,
            "Content-Type": "application/json",
            "Accept": "application/json",
        }

    def reset(self) -> None:
        """Fresh recorders for a new test (Locust can run several tests in one process)."""
        self.latency = LatencyRecorder()
        self.outcomes = OutcomeBook()
        self.schedule = None
        self.schedule_tally = ScheduleTally()
        self.requests_by_node: dict[str, int] = {}
        self.started_wall = time.time()
        self.stopped_wall = None
        self.refusal: str | None = None  # the line that stopped this test, once
        # perf_counter + offset = wall clock, without a clock call per request.
        self.wall_clock_offset = time.time() - time.perf_counter()

    @property
    def live_run(self) -> bool:
        """Whether the command line allowed live traffic to a target it named."""
        return self.live_guard.allow_live_traffic and bool(self.live_guard.live_origins)

    @property
    def url(self) -> str:
        return self.target_url.rstrip("/") + self.options.endpoint_path

    def _should_validate(self) -> bool:
        """Deterministic sampling: exactly `validate_fraction` of 200s, spread evenly."""
        self._validate_credit += self.options.validate_fraction
        if self._validate_credit >= 1.0:
            self._validate_credit -= 1.0
            return True
        return False

    def _response_validator(self) -> Any:
        if self._validator is None:
            from sms_acceptance._validation import fast_validator

            self._validator = fast_validator("response")
        return self._validator

    def judge(
        self,
        scenario: str,
        payload: PreparedRequest,
        status: int,
        body: bytes,
        content_type: str | None,
        error: BaseException | None,
    ) -> FailureKey | None:
        """Classify one answer and count it; the failure's key, or None when it is a success."""
        book = self.outcomes
        if status == 0 or (error is not None and status < 100):
            key = FailureKey("transport", 0, transport_label(error) if error else "no answer")
            self._fail(book, key, scenario, payload, status, str(error or ""), None)
            return key
        if status == 200 and not payload.expect_rejection:
            if not self._should_validate():
                book.record_success()
                return None
            problem = self._schema_problem(body, content_type)
            if problem is None:
                book.record_success(validated=True)
                return None
            key = FailureKey("schema_invalid", status, problem)
            self._fail(book, key, scenario, payload, status, body, body, validated=True)
            return key
        if payload.expect_rejection:
            if status == 400 and envelope_message_id(body) is not None:
                book.record_success(expected_rejection=True)
                return None
            if 200 <= status < 300:
                key = FailureKey("accepted_invalid", status, ",".join(payload.rule_ids))
                self._fail(book, key, scenario, payload, status, body, None)
                return key
        key = classify_error_status(status, body, content_type)
        self._fail(book, key, scenario, payload, status, body, None)
        return key

    def _schema_problem(self, body: bytes, content_type: str | None) -> str | None:
        """Why a 200 body breaks S1/S2 (content type, JSON, response schema); None if it holds."""
        is_json = self._json_content_types.get(content_type)
        if is_json is None:  # a server sends one or two distinct values: parse each once
            is_json = media_type(content_type).endswith("json")
            if len(self._json_content_types) < 64:  # bounded, whatever a server sends
                self._json_content_types[content_type] = is_json
        if not is_json:
            return f"content-type {media_type(content_type)}"
        document = parse_json(body)
        if document is _NOT_JSON:
            return "not JSON"
        if self._response_validator().is_valid(document):
            return None
        return "response schema"

    def _fail(
        self,
        book: OutcomeBook,
        key: FailureKey,
        scenario: str,
        payload: PreparedRequest,
        status: int,
        response: bytes | str,
        invalid_body: bytes | None,
        *,
        validated: bool = False,
    ) -> None:
        example = None
        if not book.has_example(key):
            request_text = payload.body.decode("utf-8", "replace")
            example = FailureExample(
                scenario=scenario,
                status=status,
                response_excerpt=self.redactor.scrub(excerpt(response)),
                request_body=self.redactor.scrub(request_text),
                reproduce=self.redactor.scrub(
                    curl_command(
                        "POST",
                        self.url,
                        self.headers.items(),
                        request_text,
                        network_options=curl_network_words(self.network),
                    )
                ),
            )
            if invalid_body is not None:
                book.first_schema_violations = self._violations(invalid_body)
        book.record_failure(key, example, validated=validated)

    def _violations(self, body: bytes) -> list[str]:
        """The reference validator's account of the first schema-invalid body (rule ids cited)."""
        try:
            document = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            return [f"$: not JSON ({error})"]
        from sms_acceptance._validation import schema_violations

        return [
            self.redactor.scrub(f"{v.path}: {v.message} [{v.rule_id or '-'}]")
            for v in schema_violations("response", document)[:10]
        ]


def attach_run(environment: Any, run: LoadRun) -> None:
    setattr(environment, _ATTRIBUTE, run)


def run_of(environment: Any) -> LoadRun:
    """The run state the plugin attached to this environment in `init`."""
    run = getattr(environment, _ATTRIBUTE, None)
    if not isinstance(run, LoadRun):
        raise RuntimeError(
            "the sms-acceptance load plugin was not initialised (run through `locust -f loadtests`)"
        )
    return run


def find_run(environment: Any) -> LoadRun | None:
    run = getattr(environment, _ATTRIBUTE, None)
    return run if isinstance(run, LoadRun) else None
