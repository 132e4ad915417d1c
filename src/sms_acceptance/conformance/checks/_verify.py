"""Running the registered checks over one exchange, and the per-test tally they feed.

The checks are in `_checks.py`; this module only sequences them: every check whose purposes include
the exchange's, in registry order, unless `--level` excludes it. Outcomes become the tally
(`CheckRecorder`) and, for failures, `Failure`s sharing the exchange's evidence, built once.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from sms_acceptance.conformance.checks import _checks  # noqa: F401  (registers the checks)
from sms_acceptance.conformance.checks._check_registry import (
    REGISTRY,
    VALID_REQUEST,
    Blocked,
    Declared,
    Exchanged,
    Failed,
)
from sms_acceptance.conformance.checks._diagnosis import answer_signature
from sms_acceptance.conformance.checks._evidence import (
    EvidenceContext,
    ExchangeEvidence,
    Failure,
)

__all__ = ["CheckRecorder", "Verification"]


@dataclass
class CheckRecorder:
    """Per-test tally: how often each check was applied, and which deviations were used.

    Lives for one test (pytest stashes it on the item); the plugin ships it to the controller in
    `report.user_properties`, so pytest-xdist workers contribute to one summary.
    """

    level: Literal["must", "should"]
    exercised: Counter[str] = field(default_factory=Counter)
    declared: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    """Checks the test could not apply, with the one-line reason (shown as the SKIP reason)."""
    # check -> reason -> how often it applied but could not judge (`Blocked`)
    blocked: dict[str, Counter[str]] = field(default_factory=dict)
    # what came back, for the run's diagnosis: "404 text/plain" -> count, and the same for
    # identical bodies (a digest) and HTML pages
    answers: Counter[str] = field(default_factory=Counter)
    bodies: Counter[str] = field(default_factory=Counter)

    def runs(self, check: str) -> bool:
        return REGISTRY[check].runs_at(self.level)


class Verification:
    """Applies the registered checks to one exchange; `failures` holds what failed."""

    def __init__(
        self, exchanged: Exchanged, *, recorder: CheckRecorder, evidence: EvidenceContext
    ) -> None:
        self.exchanged = exchanged
        self.recorder = recorder
        self.evidence = ExchangeEvidence(exchanged.exchange, evidence)
        self.failures: list[Failure] = []

    def run(self) -> list[Failure]:
        self._record_answer()
        for definition in REGISTRY.values():
            if not definition.applies(self.exchanged) or not self.recorder.runs(definition.name):
                continue
            for outcome in definition.judge(self.exchanged):
                if isinstance(outcome, Declared):
                    self.recorder.declared[definition.name] = outcome.text
                    continue
                if isinstance(outcome, Blocked):
                    reasons = self.recorder.blocked.setdefault(definition.name, Counter())
                    reasons[outcome.reason] += 1
                    continue
                self.recorder.exercised[definition.name] += 1
                if isinstance(outcome, Failed):
                    self.failures.append(
                        self.evidence.failure(
                            definition, outcome, label=self.exchanged.intent.label
                        )
                    )
        return self.failures

    def _record_answer(self) -> None:
        """The answer's shape, for the run-level diagnosis (`_diagnosis.py`)."""
        purpose = self.exchanged.purpose
        group = "valid" if purpose in VALID_REQUEST else purpose
        self.recorder.answers[answer_signature(self.exchanged.exchange, group)] += 1
        response = self.exchanged.response
        if response is not None:
            digest = hashlib.sha256(response.body).hexdigest()[:16]
            self.recorder.bodies[f"{response.status} {digest}"] += 1
