"""The `sms` fixture's object (`ConformanceClient`): what a conformance test holds: the target,
and verbs that send and check in one step. Not an HTTP client (that is `transport`'s exchanger).

Test files stay short and declarative (`sms.verify_accepted(document)`); this class does the
plumbing every test shares: the live-traffic budget before anything is sent, the exact bytes, the
checks for the kind of request, and raising one `CheckFailed` with every failure's evidence so
pytest (and Hypothesis, which replays it) sees an ordinary test failure.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from sms_acceptance._destinations import destination_numbers
from sms_acceptance._live_guard import LiveTrafficGuard, LiveTrafficRefused
from sms_acceptance._redaction import Redactor
from sms_acceptance._request_rules import RequestVerdict
from sms_acceptance.conformance.checks._check_registry import (
    REGISTRY,
    BadCredentialRequest,
    Exchanged,
    Intent,
    Purpose,
    RuleBreakingRequest,
    ValidRequest,
)
from sms_acceptance.conformance.checks._evidence import CheckFailed, EvidenceContext, Failure
from sms_acceptance.conformance.checks._verify import CheckRecorder, Verification
from sms_acceptance.conformance.plugin._options import SuiteOptions
from sms_acceptance.conformance.plugin._prefetch import PlannedRequest, Prefetch
from sms_acceptance.conformance.transport._auth_header import CONFIGURED, AuthHeader
from sms_acceptance.conformance.transport._base_url import BaseUrl
from sms_acceptance.conformance.transport._exchange import Exchange, HttpExchanger
from sms_acceptance.generation import encode_json

__all__ = ["UNRESPONSIVE", "ConformanceClient", "Target"]

UNRESPONSIVE = (
    "the target stopped answering (3 consecutive requests timed out); see response_within_timeout"
)


@dataclass(frozen=True)
class Target:
    """The server under test and everything a run shares about it."""

    options: SuiteOptions
    exchanger: HttpExchanger = field(repr=False)
    guard: LiveTrafficGuard = field(repr=False)
    redactor: Redactor = field(repr=False)
    hypothesis_seed: int | None
    reproduce_prefix: str
    embedded_sandbox: bool
    reproduce_note: str | None = None

    @property
    def base(self) -> BaseUrl:
        """The target's base URL, parsed once (set by the time any test runs)."""
        assert self.options.base is not None, "the target's base URL is set at session start"
        return self.options.base


class ConformanceClient:
    """One test's handle on the target (the `sms` fixture)."""

    def __init__(self, target: Target, recorder: CheckRecorder, nodeid: str) -> None:
        self.target = target
        self.recorder = recorder
        self.nodeid = nodeid
        self._deferred: list[Failure] | None = None
        # Set by the plugin around a Hypothesis test run concurrently (`_prefetch.py`).
        self.prefetch: Prefetch | None = None
        self.evidence = EvidenceContext(
            redactor=target.redactor,
            hypothesis_seed=target.hypothesis_seed,
            reproduce=f"{target.reproduce_prefix} '{nodeid}'",
            reproduce_note=target.reproduce_note,
        )

    @property
    def options(self) -> SuiteOptions:
        return self.target.options

    @property
    def live(self) -> bool:
        return self.target.options.live

    def require(self, *checks: str) -> None:
        """Skip the test when `--level` excludes every check it is about."""
        if not any(self.recorder.runs(c) for c in checks):
            pytest.skip(f"{', '.join(checks)}: SHOULD checks, excluded by --level must")

    def require_rule(self, rule_id: str) -> None:
        """Skip a rule-breaking test when `--level` excludes every check that judges `rule_id`."""
        judges = [
            c.name
            for c in REGISTRY.values()
            if "rule_breaking" in c.applies_to and rule_id in c.rule_ids
        ]
        self.require(*judges)

    def declare(self, check: str, text: str) -> None:
        """Record that a vendor-profile deviation relaxed `check` in this test."""
        self.recorder.declared[check] = text

    def post(
        self,
        body: bytes,
        *,
        auth: AuthHeader = CONFIGURED,
        destinations: Sequence[str] = (),
        content_type: str = "application/json",
    ) -> Exchange:
        """Send `body`, after the live-traffic guard admitted its destinations (else skip)."""
        try:
            self.target.guard.admit(self.target.options.endpoint_url, list(destinations))
        except LiveTrafficRefused as refused:
            pytest.skip(str(refused))
        return self.target.exchanger.send(body, auth, content_type=content_type)

    def _exchange(
        self, body: bytes, *, auth: AuthHeader = CONFIGURED, destinations: Sequence[str] = ()
    ) -> Exchange | None:
        """`post`, or while the plugin prefetches: record the request (None: nothing to judge
        yet) and later hand back its fetched exchange (`_prefetch.py`)."""
        prefetch = self.prefetch
        if prefetch is not None:
            planned = PlannedRequest(body, auth, "application/json", tuple(destinations))
            if prefetch.recording:
                prefetch.record(planned)
                return None
            fetched = prefetch.take(planned)
            if fetched is not None:
                return fetched  # admitted by the guard when it was fetched
            if self.target.exchanger.unresponsive:
                pytest.skip(UNRESPONSIVE)  # as the `sms` fixture does when nothing was fetched
        return self.post(body, auth=auth, destinations=destinations)

    def _verify(self, exchange: Exchange | None, intent: Intent) -> None:
        """Run every check that applies to `intent` over `exchange`; raise their failures."""
        if exchange is None:
            return  # recorded, not sent: judged in the prefetched test's second pass
        exchanged = Exchanged(exchange, intent, self.target.options.vendor_profile)
        verification = Verification(exchanged, recorder=self.recorder, evidence=self.evidence)
        failures = verification.run()
        if self._deferred is not None:
            self._deferred.extend(failures)
        elif failures:
            raise CheckFailed(failures)

    @contextlib.contextmanager
    def failures_together(self) -> Iterator[None]:
        """Send several requests and raise their failures together, at the end.

        A negative test sends its valid base request first: when that fails (R13), the mutation is
        still sent and judged, so a vendor learns both at once; the base request's failures are
        filed under its own (positive) check, never under the mutation's."""
        self._deferred = []
        try:
            yield
        finally:
            failures, self._deferred = self._deferred, None
        if failures:
            raise CheckFailed(failures)

    def verify_sent(
        self, exchange: Exchange, document: Mapping[str, Any], *, purpose: Purpose
    ) -> None:
        """Judge an exchange sent by other means (the exact bytes of an absolute-form request
        line, H1) as the valid request `document` of kind `purpose`; raise its failures."""
        self._verify(exchange, ValidRequest(document, purpose))

    def verify_accepted(
        self,
        document: Mapping[str, Any],
        *,
        purpose: Purpose = "valid",
        auth: AuthHeader = CONFIGURED,
        label: str | None = None,
    ) -> None:
        """Send a valid, OPEN-free request; 200 and a conforming answer (R10-R13, S1-S13, A5).
        `purpose` says which kind of valid request it is (which acceptance check judges it);
        `label` names it in failures (the valid base request of a negative test)."""
        exchange = self._exchange(
            encode_json(document),
            auth=auth,
            destinations=destination_numbers(document, count_unnumbered=True),
        )
        self._verify(exchange, ValidRequest(document, purpose, label=label))

    def verify_rejected(
        self, body: bytes, *, mutation: str, rule_id: str, verdict: RequestVerdict
    ) -> None:
        """Send bytes the oracle confirmed break `rule_id` (`verdict`); 400 with the envelope
        (R1-R9, E1, E3). Failures cite `rule_id`, the rule the mutation broke."""
        try:
            document = json.loads(body)
        except ValueError:
            document = None
        exchange = self._exchange(
            body, destinations=destination_numbers(document, count_unnumbered=True)
        )
        self._verify(exchange, RuleBreakingRequest(rule_id, verdict, mutation))

    def verify_unauthorized(
        self, document: Mapping[str, Any], *, auth: AuthHeader, rule_id: str
    ) -> None:
        """Send a valid request with a bad credential; 401 with the envelope (A1-A4)."""
        exchange = self._exchange(
            encode_json(document),
            auth=auth,
            destinations=destination_numbers(document, count_unnumbered=True),
        )
        intent = BadCredentialRequest(rule_id, auth.describe(), auth.label or None)
        self._verify(exchange, intent)

    def verify_seed(self, document: Mapping[str, Any], expected_counts: Sequence[int]) -> None:
        """The seed's request: 200 (R10) and smsCount as "Reproducing the seed" says (S12)."""
        exchange = self._exchange(
            encode_json(document), destinations=destination_numbers(document, count_unnumbered=True)
        )
        self._verify(exchange, ValidRequest(document, "seed", tuple(expected_counts)))
