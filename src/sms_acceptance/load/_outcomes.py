"""Classifying every answer under load: what went wrong, how often, and one example of each.

A load verdict a vendor cannot argue with names its failures precisely: a
`503 SERVICE_UNAVAILABLE` envelope is a different conversation from a connection reset, an HTML
error page from a proxy, or a `200` whose body breaks the response schema. Each failure gets a
`FailureKey` (kind, HTTP status, label); the `OutcomeBook` counts them, keeps the first example
of each (already redacted) and adds up exactly across workers.

Kinds (E1: every non-2xx answer carries the error envelope; S1/S2: a 200 body follows the schema):

- `transport`: no HTTP answer at all (`timeout`, `refused`, `reset`, or the exception's name).
- `http`: a non-2xx answer with the envelope, labelled with its `serviceException.messageId`.
- `non_envelope`: an error status (or a 2xx other than 200) whose body is not the envelope (E1).
- `schema_invalid`: a `200` whose body fails the response schema (S1/S2…), sampled by
  `--validate-fraction`.
- `accepted_invalid`: a deliberately invalid request (R1-R6, MUST) answered `2xx`, not `400`.

A deliberately invalid request answered `400` with the envelope is *expected*: counted apart,
never a failure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

import orjson

FailureKind = Literal["transport", "http", "non_envelope", "schema_invalid", "accepted_invalid"]

_EXCERPT_CHARS = 400


@dataclass(frozen=True)
class FailureKey:
    """What kind of failure, at which status, with which label; `describe()` names it in a line."""

    kind: FailureKind
    status: int
    label: str

    def describe(self) -> str:
        """`503 SERVICE_UNAVAILABLE`, `transport: timeout`, `502 non-envelope body (text/html)`…"""
        if self.kind == "transport":
            return f"transport: {self.label}"
        if self.kind == "http":
            return f"{self.status} {self.label}"
        if self.kind == "non_envelope":
            return f"{self.status} non-envelope body ({self.label})"
        if self.kind == "schema_invalid":
            return f"{self.status} schema-invalid body ({self.label})"
        return f"{self.status} for a deliberately invalid request ({self.label})"


def transport_label(error: BaseException) -> str:
    """`timeout`, `refused`, `reset`, or the exception's class name for anything else."""
    import gevent

    if isinstance(error, TimeoutError | gevent.Timeout):
        return "timeout"
    if isinstance(error, ConnectionRefusedError):
        return "refused"
    if isinstance(error, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
        return "reset"
    name = type(error).__name__
    if name == "HTTPConnectionClosed":
        return "reset"
    return name


def envelope_message_id(body: bytes) -> str | None:
    """The `serviceException.messageId` of an error envelope (E1), or None if `body` is not one."""
    from sms_acceptance._envelope import parse_error_envelope

    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        try:
            document = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return None
    envelope = parse_error_envelope(document)
    return None if envelope is None else envelope.message_id


def media_type(content_type: str | None) -> str:
    """`text/html; charset=utf-8` → `text/html`; a missing header → `no content-type`."""
    if not content_type:
        return "no content-type"
    return content_type.split(";", 1)[0].strip().lower() or "no content-type"


def classify_error_status(status: int, body: bytes, content_type: str | None) -> FailureKey:
    """A non-200 HTTP answer: the envelope's messageId if it has one (E1), else non-envelope."""
    message_id = envelope_message_id(body)
    if message_id is None or not media_type(content_type).endswith("json"):
        return FailureKey("non_envelope", status, media_type(content_type))
    return FailureKey("http", status, message_id)


@dataclass(frozen=True)
class FailureExample:
    """The first occurrence of a failure, as a reader needs it to reproduce it (redacted).

    `request_body` is the exact JSON sent (bodies are generated data, never secrets);
    `reproduce` is a curl command that sends it again, the credential read from
    `$SMS_ACCEPTANCE_AUTHORIZATION` (so it can be rerun as printed).
    """

    scenario: str
    status: int
    response_excerpt: str
    request_body: str
    reproduce: str


def excerpt(body: bytes | str) -> str:
    """At most 400 characters of a body, decoded leniently: enough to recognise it, never a dump."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return text if len(text) <= _EXCERPT_CHARS else text[:_EXCERPT_CHARS] + "…"


class OutcomeBook:
    """Counts of every outcome of one process (or, on a master, of all workers added up)."""

    def __init__(self) -> None:
        self._reported_examples: set[FailureKey] = set()
        self._reset()

    def _reset(self) -> None:
        self.requests = 0
        self.failures = 0
        self.expected_rejections = 0
        self.validated = 0
        self.schema_invalid = 0
        self.counts: dict[FailureKey, int] = {}
        self.examples: dict[FailureKey, FailureExample] = {}
        self.first_schema_violations: list[str] = []

    def record_success(self, *, validated: bool = False, expected_rejection: bool = False) -> None:
        self.requests += 1
        self.validated += validated
        self.expected_rejections += expected_rejection

    def record_failure(
        self, key: FailureKey, example: FailureExample | None, *, validated: bool = False
    ) -> None:
        """Count one failure; `example` is only built (and kept) for a key's first occurrence."""
        self.requests += 1
        self.failures += 1
        self.validated += validated
        if key.kind == "schema_invalid":
            self.schema_invalid += 1
        self.counts[key] = self.counts.get(key, 0) + 1
        if example is not None and not self.has_example(key):
            self.examples[key] = example

    def has_example(self, key: FailureKey) -> bool:
        """Whether this process already kept (or already reported) an example of `key`."""
        return key in self.examples or key in self._reported_examples

    def drain(self) -> dict[str, Any]:
        """Counts since the last drain as plain data (a worker report); then start afresh."""
        message = {
            "requests": self.requests,
            "failures": self.failures,
            "expected_rejections": self.expected_rejections,
            "validated": self.validated,
            "schema_invalid": self.schema_invalid,
            "counts": [[k.kind, k.status, k.label, n] for k, n in self.counts.items()],
            "examples": [
                [
                    k.kind,
                    k.status,
                    k.label,
                    e.scenario,
                    e.status,
                    e.response_excerpt,
                    e.request_body,
                    e.reproduce,
                ]
                for k, e in self.examples.items()
            ],
            "first_schema_violations": self.first_schema_violations,
        }
        # An example travels once; the worker must not collect the same key's example again.
        self._reported_examples.update(self.examples)
        self._reset()
        return message

    def absorb(self, message: dict[str, Any]) -> None:
        """Add a worker's drained counts: every counter sums; the first example of a key wins."""
        self.requests += int(message["requests"])
        self.failures += int(message["failures"])
        self.expected_rejections += int(message["expected_rejections"])
        self.validated += int(message["validated"])
        self.schema_invalid += int(message["schema_invalid"])
        for kind, status, label, count in message["counts"]:
            key = FailureKey(kind, int(status), str(label))
            self.counts[key] = self.counts.get(key, 0) + int(count)
        for kind, status, label, *fields in message["examples"]:
            key = FailureKey(kind, int(status), str(label))
            if key not in self.examples:
                scenario, example_status, response, request, reproduce = fields
                self.examples[key] = FailureExample(
                    str(scenario), int(example_status), str(response), str(request), str(reproduce)
                )
        if not self.first_schema_violations and message["first_schema_violations"]:
            self.first_schema_violations = [str(v) for v in message["first_schema_violations"]]

    @property
    def error_rate(self) -> float | None:
        """Failures over all requests (expected rejections are not failures); None if none."""
        return self.failures / self.requests if self.requests else None

    def breakdown(self) -> list[dict[str, Any]]:
        """Failures by key, most frequent first, with their share and their first example."""
        rows = []
        for key, count in sorted(self.counts.items(), key=lambda item: (-item[1], str(item[0]))):
            example = self.examples.get(key)
            rows.append(
                {
                    "failure": key.describe(),
                    "kind": key.kind,
                    "status": key.status,
                    "label": key.label,
                    "count": count,
                    "share_of_requests": count / self.requests if self.requests else 0.0,
                    "share_of_failures": count / self.failures if self.failures else 0.0,
                    "first_example": None
                    if example is None
                    else {
                        "scenario": example.scenario,
                        "status": example.status,
                        "response_excerpt": example.response_excerpt,
                        "request_body": example.request_body,
                        "reproduce": example.reproduce,
                    },
                }
            )
        return rows
