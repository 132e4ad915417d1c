"""Running the registered checks over one exchange, and the per-test tally they feed.

The checks are in `_checks.py`; this module only sequences them: every check whose purposes include
the exchange's, in registry order, unless `--level` excludes it. Outcomes become the tally
(`CheckRecorder`) and, for failures, `Failure`s sharing the exchange's evidence, built once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from sms_acceptance.conformance import _checks  # noqa: F401  (registers the checks)
from sms_acceptance.conformance._check_registry import (
    REGISTRY,
    Declared,
    Exchanged,
    Failed,
)
from sms_acceptance.conformance._evidence import (
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
        for definition in REGISTRY.values():
            if not definition.applies(self.exchanged) or not self.recorder.runs(definition.name):
                continue
            for outcome in definition.judge(self.exchanged):
                if isinstance(outcome, Declared):
                    self.recorder.declared[definition.name] = outcome.text
                    continue
                self.recorder.exercised[definition.name] += 1
                if isinstance(outcome, Failed):
                    self.failures.append(
                        self.evidence.failure(
                            definition, outcome, label=self.exchanged.intent.label
                        )
                    )
        return self.failures
