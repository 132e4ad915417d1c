"""The catalogue of checks: stable names, rule ids, levels, families, derived from the registry.

Names are a public interface (users script them, `summary.json` and the zoo tests key on them), so
they never change; where Schemathesis has a check for the same thing, its name is used. Every check
cites the rule ids of `reference/rules.md` it enforces, and its level is the strongest the rule
states outright (OPEN rules have no check at all). The checks themselves, and how to add one, are in
`_checks.py`; this module only lists them, in the order they are defined there.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from sms_acceptance.conformance.checks import (
    _checks,  # noqa: F401  (registers the checks)
    _dlr_checks,  # noqa: F401  (registers the D checks)
)
from sms_acceptance.conformance.checks._check_registry import REGISTRY, Check, Family, Level

__all__ = ["CHECKS", "CHECKS_BY_NAME", "FAMILIES", "Check", "Family", "Level"]

FAMILIES: tuple[Family, ...] = (
    "protocol",
    "positive",
    "response",
    "segmentation",
    "negative",
    "auth",
    "delivery_reports",
)

CHECKS: tuple[Check, ...] = tuple(REGISTRY.values())
CHECKS_BY_NAME: Mapping[str, Check] = MappingProxyType(dict(REGISTRY))
