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
from sms_acceptance.conformance._catalogue import CHECKS_BY_NAME
from sms_acceptance.conformance._exchange import Exchange, ReceivedResponse, TransportFailure

__all__ = ["CheckFailed", "Failure", "curl_command", "failure_from_exchange"]

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
    request: Mapping[str, Any] | None = None
    response: Mapping[str, Any] | None = None
    curl: str | None = None
    hypothesis_seed: int | None = None
    reproduce: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def paragraph(self) -> str:
        """The one-paragraph message pytest shows for the failed test."""
        where = f" [{self.mutation}]" if self.mutation else ""
        text = f"{self.check} ({self.rule_id}, {self.level}){where}: {self.message}"
        if self.curl:
            text += f"\n  reproduce: {self.curl}"
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


def failure_from_exchange(
    check: str,
    message: str,
    exchange: Exchange,
    context: EvidenceContext,
    *,
    rule_id: str | None = None,
    mutation: str | None = None,
    category: str | None = None,
) -> Failure:
    """A `Failure` of `check` with the exchange's evidence, redacted."""
    definition = CHECKS_BY_NAME[check]
    if category is None and isinstance(exchange.outcome, TransportFailure):
        category = exchange.outcome.category.value
    redact = context.redactor.scrub
    return Failure(
        check=check,
        rule_id=rule_id or definition.rule_ids[0],
        level=definition.level,
        message=redact(" ".join(message.split())),
        mutation=mutation,
        category=category,
        request=_request_dict(exchange, context.redactor),
        response=_response_dict(exchange.outcome, context.redactor),
        curl=curl_command(exchange, context.redactor),
        hypothesis_seed=context.hypothesis_seed,
        reproduce=redact(context.reproduce),
    )
