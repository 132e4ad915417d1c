"""Whether a delivery report's status is final (rules.md D, provider-facts §11.3).

A report is final when its status group is DELIVERED (3) with the final id 5
(`DELIVERED_TO_HANDSET`), UNDELIVERABLE (2), EXPIRED (4) or REJECTED (5); PENDING (1), ACCEPTED (0)
and `DELIVERED_TO_OPERATOR` (3/2) are intermediate. One reading for the suite (D1, D5, D10) and the
load test (completeness, latency to the final report), so both count the same reports as final.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

__all__ = ["FINAL_GROUP_NAMES", "is_final_status", "status_group_name"]

FINAL_GROUP_NAMES: Final = frozenset({"DELIVERED", "UNDELIVERABLE", "EXPIRED", "REJECTED"})
_GROUP_NAMES: Final = {
    0: "ACCEPTED",
    1: "PENDING",
    2: "UNDELIVERABLE",
    3: "DELIVERED",
    4: "EXPIRED",
    5: "REJECTED",
}
_DELIVERED_TO_HANDSET: Final = 5


def _integer(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def status_group_name(status: object) -> str | None:
    """The status's group name (from `groupId` when it is a known group, else `groupName`)."""
    if not isinstance(status, Mapping):
        return None
    group_id = _integer(status.get("groupId"))
    if group_id in _GROUP_NAMES:
        return _GROUP_NAMES[group_id]
    name = status.get("groupName")
    return name.upper() if isinstance(name, str) else None


def is_final_status(status: object) -> bool:
    """True for a final status (see the module docstring); False for an intermediate or a
    status without a readable group."""
    group = status_group_name(status)
    if group == "DELIVERED":
        assert isinstance(status, Mapping)
        return _integer(status.get("id")) == _DELIVERED_TO_HANDSET
    return group in FINAL_GROUP_NAMES
