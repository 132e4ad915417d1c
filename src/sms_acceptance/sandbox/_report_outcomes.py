"""The final statuses the sandbox reports, and how each message's outcome and delay are drawn.

Every status pair is one of provider-facts §5.2 and every error one of §5.3 (a test checks them
against `_status_table`); DELIVERED carries the provider's `NO_ERROR` object (D6). In the
`by-destination` mode the last digit of `to` picks the outcome, as SMPPSim's does, so a test can
ask for an UNDELIVERABLE report by choosing a number:

| last digit of `to` | final status |
|---|---|
| 0-6 (and no digit) | 3 DELIVERED / 5 DELIVERED_TO_HANDSET |
| 7 | 2 UNDELIVERABLE / 9 UNDELIVERABLE_NOT_DELIVERED, error 27 EC_ABSENT_SUBSCRIBER |
| 8 | 4 EXPIRED / 15 EXPIRED_EXPIRED, error 4101 EC_VALIDITY_EXPIRED |
| 9 | 5 REJECTED / 6 REJECTED_NETWORK, error 345 EC_OPERATOR_NOT_FOUND |
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from ._report_config import DelayDistribution, ReportConfig

__all__ = [
    "DELIVERED",
    "EXPIRED",
    "INTERMEDIATE_STATUS",
    "NO_ERROR",
    "REJECTED",
    "UNDELIVERABLE",
    "DelaySampler",
    "ReportOutcome",
    "outcome_for_destination",
]

_STANDARD_NORMAL = NormalDist()


@dataclass(frozen=True)
class ReportOutcome:
    """A final status and its error object, as they go on the wire (D5, D6)."""

    status: dict[str, Any]
    error: dict[str, Any]

    @property
    def group_name(self) -> str:
        """`DELIVERED`, `UNDELIVERABLE`…: what `/sms/1/logs?generalStatus=` matches."""
        name: str = self.status["groupName"]
        return name


def _status(group_id: int, group_name: str, status_id: int, name: str, text: str) -> dict[str, Any]:
    return {
        "groupId": group_id,
        "groupName": group_name,
        "id": status_id,
        "name": name,
        "description": text,
    }


def _error(
    group_id: int, group_name: str, error_id: int, name: str, text: str, permanent: bool
) -> dict[str, Any]:
    return {
        "groupId": group_id,
        "groupName": group_name,
        "id": error_id,
        "name": name,
        "description": text,
        "permanent": permanent,
    }


# provider-facts §11.1: the provider's success error object, word for word (STAT2, DEVDLR).
NO_ERROR = _error(0, "OK", 0, "NO_ERROR", "No Error", False)
DELIVERED = ReportOutcome(
    _status(3, "DELIVERED", 5, "DELIVERED_TO_HANDSET", "Message delivered to handset"), NO_ERROR
)
UNDELIVERABLE = ReportOutcome(
    _status(2, "UNDELIVERABLE", 9, "UNDELIVERABLE_NOT_DELIVERED", "Message sent not delivered"),
    _error(1, "HANDSET_ERRORS", 27, "EC_ABSENT_SUBSCRIBER", "Absent Subscriber", False),
)
EXPIRED = ReportOutcome(
    _status(4, "EXPIRED", 15, "EXPIRED_EXPIRED", "Message expired"),
    _error(2, "USER_ERRORS", 4101, "EC_VALIDITY_EXPIRED", "Validity expired", True),
)
REJECTED = ReportOutcome(
    _status(5, "REJECTED", 6, "REJECTED_NETWORK", "Network is forbidden"),
    _error(3, "OPERATOR_ERRORS", 345, "EC_OPERATOR_NOT_FOUND", "Operator not found", True),
)
# An intermediate report (D10): the PENDING group says "a final status follows" (§11.3).
INTERMEDIATE_STATUS = _status(1, "PENDING", 7, "PENDING_ENROUTE", "Message sent to next instance")

_BY_LAST_DIGIT = {"7": UNDELIVERABLE, "8": EXPIRED, "9": REJECTED}


def outcome_for_destination(to: str) -> ReportOutcome:
    """The `by-destination` table above: the last digit of `to` picks the final status."""
    return _BY_LAST_DIGIT.get(to[-1:], DELIVERED)


def outcome_from_shares(config: ReportConfig, uniform: float) -> ReportOutcome:
    """The `mix` mode: `uniform` in [0, 1) falls into one share, the rest is DELIVERED."""
    threshold = config.undeliverable
    if uniform < threshold:
        return UNDELIVERABLE
    threshold += config.expired
    if uniform < threshold:
        return EXPIRED
    threshold += config.rejected
    if uniform < threshold:
        return REJECTED
    return DELIVERED


class DelaySampler:
    """Seconds from acceptance to the final status, from one uniform draw each.

    The same distributions as the send latency (`_faults.FaultPlan`): exactly the mean when
    `fixed`, else an `exponential` or a `lognormal` (shape `sigma`) with that mean, capped.
    """

    def __init__(
        self, distribution: DelayDistribution, mean_ms: float, sigma: float, cap_factor: float
    ) -> None:
        self._distribution = distribution
        self._mean = mean_ms / 1000.0
        self._sigma = sigma
        self._cap = self._mean * cap_factor
        self._mu = math.log(self._mean) - sigma * sigma / 2 if self._mean > 0 else 0.0

    def delay(self, uniform: float) -> float:
        """The delay for one message, given a uniform draw in [0, 1)."""
        mean = self._mean
        if mean == 0 or self._distribution == "fixed":
            return mean
        tail = 1.0 - uniform  # in (0, 1]: the logarithm and the inverse normal are defined
        if self._distribution == "exponential":
            value = -mean * math.log(tail)
        else:
            z = _STANDARD_NORMAL.inv_cdf(min(max(tail, 1e-12), 1 - 1e-12))
            value = math.exp(self._mu + self._sigma * z)
        return min(value, self._cap)
