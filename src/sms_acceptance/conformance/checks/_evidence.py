"""Failures with their evidence: what was sent, what came back, and one command to see it again.

A vendor can argue with a verdict but not with a reproduction. So every failure carries the exact
request (credential redacted), the answer (truncated to a readable size), the check's one-paragraph
message, the rule id, the named mutation for negative tests, and a `curl` command that replays the
exact bytes with the credential read from `$SMS_ACCEPTANCE_AUTHORIZATION`. Everything that leaves
this module has been through the run's `Redactor`, whatever a server chose to echo back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from _pytest.outcomes import Failed  # pytest.fail.Exception, spelled so type checkers see it

from sms_acceptance._redaction import Redactor
from sms_acceptance._reproduction import curl_command as reproduction_curl
from sms_acceptance.conformance.checks._check_registry import Check
from sms_acceptance.conformance.checks._check_registry import Failed as FailedOutcome
from sms_acceptance.conformance.transport._exchange import (
    Exchange,
    ReceivedResponse,
    TransportFailure,
)

__all__ = ["CheckFailed", "EvidenceContext", "ExchangeEvidence", "Failure", "curl_command"]

SHOWN_BODY_BYTES = 4096
MAX_REQUEST_BODY_SHOWN = 64 * 1024


@dataclass(frozen=True)
class Failure:
    """One check failing on one exchange; plain data, JSON-ready (`as_dict`)."""

    check: str
    rule_id: str
    level: str
    message: str
    test: str = ""
    mutation: str | None = None
    category: str | None = None
    violations: list[dict[str, str]] = field(default_factory=list)
    request: Mapping[str, Any] | None = None
    response: Mapping[str, Any] | None = None
    curl: str | None = None
    hypothesis_seed: int | None = None
    reproduce: str | None = None
    reproduce_note: str | None = None
    received: list[dict[str, Any]] | None = None
    """Delivery-report checks: what arrived at the suite's receiver (redacted), beside the send."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def paragraph(self) -> str:
        """The one-paragraph message pytest shows for the failed test."""
        where = f" [{self.mutation}]" if self.mutation else ""
        text = f"{self.check} ({self.rule_id}, {self.level}){where}: {self.message}"
        if self.curl:
            text += f"\n  reproduce: {self.curl}"
            if self.reproduce_note:
                text += f"\n  ({self.reproduce_note})"
        return text


class CheckFailed(Failed):
    """Raised by a conformance test when checks fail: pytest's own failure, shown as the failures'
    paragraphs without a Python traceback (the evidence, not the suite's code, is what matters)."""

    def __init__(self, failures: Iterable[Failure]) -> None:
        self.failures: tuple[Failure, ...] = tuple(failures)
        super().__init__("\n".join(f.paragraph() for f in self.failures), pytrace=False)


def _text(data: bytes, limit: int) -> tuple[str, bool]:
    shown = data[:limit].decode("utf-8", errors="replace")
    return shown, len(data) > limit


def curl_command(exchange: Exchange, redactor: Redactor) -> str:
    """A `curl` that resends the exact bytes; the credential comes from the environment."""
    request = exchange.request
    body, _ = _text(request.body, MAX_REQUEST_BODY_SHOWN)
    command = reproduction_curl(
        request.method,
        request.url,
        request.headers,
        body,
        authorization_option=request.auth.curl_option(),
        request_target=request.request_target,
        network_options=request.curl_network,
    )
    return redactor.scrub(command)


def _request_dict(exchange: Exchange, redactor: Redactor) -> dict[str, Any]:
    request = exchange.request
    body, truncated = _text(request.body, MAX_REQUEST_BODY_SHOWN)
    return {
        "method": request.method,
        "url": request.url,
        "headers": redactor.scrub_headers(dict(request.headers)),
        "body": redactor.scrub(body),
        "body_truncated": truncated,
    }


def _response_dict(
    outcome: ReceivedResponse | TransportFailure, redactor: Redactor
) -> dict[str, Any] | None:
    if isinstance(outcome, TransportFailure):
        if outcome.status is None:
            return None
        return {
            "status": outcome.status,
            "headers": redactor.scrub_headers(dict(outcome.headers)),
            "body": None,
            "body_truncated": True,
            "elapsed_seconds": round(outcome.elapsed, 4),
        }
    body, truncated = _text(outcome.body, SHOWN_BODY_BYTES)
    return {
        "status": outcome.status,
        "headers": redactor.scrub_headers(dict(outcome.headers)),
        "body": redactor.scrub(body),
        "body_truncated": truncated,
        "elapsed_seconds": round(outcome.elapsed, 4),
    }


@dataclass(frozen=True)
class EvidenceContext:
    """What every failure of a run shares: the redactor, the seed, the test's reproduction."""

    redactor: Redactor = field(repr=False)
    hypothesis_seed: int | None
    reproduce: str
    reproduce_note: str | None = None


class ExchangeEvidence:
    """One exchange's evidence (redacted request, response, `curl`), built once for all of its
    failures, on the first one."""

    def __init__(self, exchange: Exchange, context: EvidenceContext) -> None:
        self.exchange = exchange
        self.context = context
        self._built: tuple[dict[str, Any], dict[str, Any] | None, str] | None = None

    def _parts(self) -> tuple[dict[str, Any], dict[str, Any] | None, str]:
        if self._built is None:
            redactor = self.context.redactor
            self._built = (
                _request_dict(self.exchange, redactor),
                _response_dict(self.exchange.outcome, redactor),
                curl_command(self.exchange, redactor),
            )
        return self._built

    def failure(self, check: Check, failed: FailedOutcome, *, label: str | None = None) -> Failure:
        """A `Failure` of `check` carrying this exchange's evidence, redacted."""
        category = failed.category
        if category is None and isinstance(self.exchange.outcome, TransportFailure):
            category = self.exchange.outcome.category.value
        redact = self.context.redactor.scrub
        request, response, curl = self._parts()
        return Failure(
            check=check.name,
            rule_id=failed.rule_id or check.rule_ids[0],
            level=check.level,
            message=redact(" ".join(failed.message.split())),
            mutation=label,
            category=category,
            violations=[dict(v) for v in failed.violations],
            request=request,
            response=response,
            curl=curl,
            hypothesis_seed=self.context.hypothesis_seed,
            reproduce=redact(self.context.reproduce),
            reproduce_note=self.context.reproduce_note,
        )
