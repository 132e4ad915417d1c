"""Collecting what the tests found into one verdict per check, and the summary document.

Tests run in this process or in pytest-xdist workers; either way each test's tally (checks applied,
deviations used, failures with evidence) arrives here as a JSON string in `report.user_properties`,
so the controller builds one complete summary. `summary.json` is the source of truth the HTML and
JUnit reports are rendered from.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sms_acceptance.conformance.checks._catalogue import CHECKS, Check
from sms_acceptance.conformance.checks._diagnosis import diagnose
from sms_acceptance.conformance.checks._profile import VendorProfile

__all__ = ["PROPERTY_NAME", "SUMMARY_FORMAT", "CheckTally", "RunResults"]

PROPERTY_NAME = "sms_acceptance_tally"
SUMMARY_FORMAT = 1
MAX_FAILURES_PER_CHECK = 20


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


@dataclass
class CheckTally:
    """What one test contributed; travels as JSON between processes."""

    exercised: dict[str, int] = field(default_factory=dict)
    declared: dict[str, str] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)
    blocked: dict[str, dict[str, int]] = field(default_factory=dict)  # check -> reason -> count
    answers: dict[str, int] = field(default_factory=dict)  # `answer_signature` -> count
    bodies: dict[str, int] = field(default_factory=dict)  # "STATUS DIGEST" -> count
    skipped: dict[str, str] = field(default_factory=dict)  # check -> why it could not apply

    def to_json(self) -> str:
        return json.dumps(
            {
                "exercised": self.exercised,
                "declared": self.declared,
                "failures": self.failures,
                "skipped": self.skipped,
                "blocked": self.blocked,
                "answers": self.answers,
                "bodies": self.bodies,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> CheckTally:
        data = json.loads(text)
        return cls(
            data["exercised"],
            data["declared"],
            data["failures"],
            data.get("blocked", {}),
            data.get("answers", {}),
            data.get("bodies", {}),
            data.get("skipped", {}),
        )


@dataclass
class RunResults:
    """The run's tallies merged; `summary()` turns them into the documented layout."""

    exercised: Counter[str] = field(default_factory=Counter)
    declared: dict[str, str] = field(default_factory=dict)
    failures: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    failure_totals: Counter[str] = field(default_factory=Counter)
    tests: Counter[str] = field(default_factory=Counter)
    clients: list[dict[str, Any]] = field(default_factory=list)  # K1-K5 rows
    skipped: dict[str, str] = field(default_factory=dict)
    blocked: dict[str, Counter[str]] = field(default_factory=dict)
    answers: Counter[str] = field(default_factory=Counter)
    bodies: Counter[str] = field(default_factory=Counter)

    def add(self, tally: CheckTally) -> None:
        self.exercised.update(tally.exercised)
        self.declared.update(tally.declared)
        self.skipped.update(tally.skipped)
        for name, reasons in tally.blocked.items():
            self.blocked.setdefault(name, Counter()).update(reasons)
        self.answers.update(tally.answers)
        self.bodies.update(tally.bodies)
        for failure in tally.failures:
            name = failure["check"]
            self.failure_totals[name] += 1
            kept = self.failures.setdefault(name, [])
            if len(kept) < MAX_FAILURES_PER_CHECK:
                kept.append(failure)

    def add_outcome(self, outcome: str) -> None:
        self.tests[outcome] += 1

    def _check_entry(
        self, check: Check, level: str, profile: VendorProfile, deselected: Iterable[str]
    ) -> dict[str, Any]:
        failures = self.failures.get(check.name, [])
        declared = self.declared.get(check.name)
        for deviation in profile.deviations():
            if check.name in deviation.checks and declared is None:
                declared = f"{deviation.key} = {json.dumps(deviation.value)}" + (
                    f" ({deviation.note})" if deviation.note else ""
                )
        skip_reason = blocked_reason = None
        blocked = self.blocked.get(check.name, Counter())
        if failures:
            verdict = "FAIL"
        elif not check.runs_at(level):  # type: ignore[arg-type]
            verdict, skip_reason = "SKIP", "excluded by --level must"
        elif declared is not None:
            verdict = "DECLARED"
        elif self.exercised[check.name] > 0:
            verdict = "PASS"  # it saw what it needs, every time it could judge, and that held
        elif blocked:
            verdict = "BLOCKED"
            reason, count = blocked.most_common(1)[0]
            total = sum(blocked.values())
            blocked_reason = f"never judged ({_times(total)}): {reason}" + (
                f" ({_times(count)}), and {len(blocked) - 1} other reason(s)"
                if len(blocked) > 1
                else ""
            )
        else:
            verdict = "SKIP"
            skip_reason = self.skipped.get(check.name) or (
                "not selected in this run" if check.name in deselected else "never applicable"
            )
        return {
            "name": check.name,
            "family": check.family,
            "rule_ids": list(check.rule_ids),
            "level": check.level,
            "description": check.description,
            "verdict": verdict,
            "exercised": self.exercised[check.name],
            "declared": declared,
            "skip_reason": skip_reason,
            "blocked_reason": blocked_reason,
            "blocked_count": sum(blocked.values()),
            "failure_count": self.failure_totals[check.name],
            "failures": failures,
        }

    def summary(
        self,
        *,
        meta: Mapping[str, Any],
        level: str,
        profile: VendorProfile,
        deselected: Iterable[str] = (),
    ) -> dict[str, Any]:
        deselected = set(deselected)
        checks = [self._check_entry(c, level, profile, deselected) for c in CHECKS]
        counts = Counter(c["verdict"] for c in checks)
        verdict = (
            "FAIL" if counts["FAIL"] or self.tests["failed"] or self.tests["error"] else "PASS"
        )
        return {
            "format": SUMMARY_FORMAT,
            "verdict": verdict,
            # First, so a reader meets the likely cause before a hundred failures it explains.
            "diagnosis": diagnose(self.answers, self.bodies),
            **meta,
            "level": level,
            "counts": {k: counts[k] for k in ("PASS", "FAIL", "BLOCKED", "DECLARED", "SKIP")},
            "tests": {k: self.tests[k] for k in ("passed", "failed", "skipped", "error")},
            "checks": checks,
            "clients": sorted(self.clients, key=lambda c: (c["rule"], c["client"])),
            "deviations": [
                {
                    "key": d.key,
                    "value": d.value,
                    "rule_ids": list(d.rule_ids),
                    "checks": list(d.checks),
                    "note": d.note,
                    "verdict": "DECLARED",
                }
                for d in profile.deviations()
            ],
        }
