"""The provider's status groups and (groupId, id) pairs (docs/provider-facts.md §5.1, §5.2).

S9 compares a response's status with this table by ids only: names drifted over the years
(provider-facts §8 item 9), so ``groupName`` is checked against the group's accepted names and
the status ``name`` is never compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class KnownStatus:
    """One row of provider-facts §5.2: a status id, its current name and its group."""

    group_id: int
    status_id: int
    name: str


#: groupId → the groupName values the provider has used for it (§5.1; group 0 was ACCEPTED in
#: v1 and is OK in the current registry).
STATUS_GROUPS: Mapping[int, frozenset[str]] = MappingProxyType(
    {
        0: frozenset({"ACCEPTED", "OK"}),
        1: frozenset({"PENDING"}),
        2: frozenset({"UNDELIVERABLE"}),
        3: frozenset({"DELIVERED"}),
        4: frozenset({"EXPIRED"}),
        5: frozenset({"REJECTED"}),
    }
)

PENDING_GROUP_ID = 1
REJECTED_GROUP_ID = 5

_ROWS: tuple[KnownStatus, ...] = (
    KnownStatus(0, 0, "MESSAGE_ACCEPTED"),
    KnownStatus(1, 3, "PENDING_WAITING_DELIVERY"),
    KnownStatus(1, 7, "PENDING_ENROUTE"),
    KnownStatus(1, 26, "PENDING_ACCEPTED"),
    KnownStatus(2, 4, "UNDELIVERABLE_REJECTED_OPERATOR"),
    KnownStatus(2, 9, "UNDELIVERABLE_NOT_DELIVERED"),
    KnownStatus(2, 31, "UNDELIVERABLE_NOT_SENT"),
    KnownStatus(2, 96, "NO_ANSWER"),
    KnownStatus(2, 97, "BUSY"),
    KnownStatus(2, 98, "CANCELLED"),
    KnownStatus(3, 2, "DELIVERED_TO_OPERATOR"),
    KnownStatus(3, 5, "DELIVERED_TO_HANDSET"),
    KnownStatus(4, 15, "EXPIRED_EXPIRED"),
    KnownStatus(4, 29, "EXPIRED_DLR_UNKNOWN"),
    KnownStatus(4, 87, "SIGNALS_BLOCKED"),
    KnownStatus(5, 6, "REJECTED_NETWORK"),
    KnownStatus(5, 8, "REJECTED_PREFIX_MISSING"),
    KnownStatus(5, 10, "REJECTED_DND"),
    KnownStatus(5, 11, "REJECTED_SOURCE"),
    KnownStatus(5, 12, "REJECTED_NOT_ENOUGH_CREDITS"),
    KnownStatus(5, 13, "REJECTED_SENDER"),
    KnownStatus(5, 14, "REJECTED_DESTINATION_BLOCKLISTED"),
    KnownStatus(5, 17, "REJECTED_PREPAID_PACKAGE_EXPIRED"),
    KnownStatus(5, 18, "REJECTED_DESTINATION_NOT_REGISTERED"),
    KnownStatus(5, 19, "REJECTED_ROUTE_NOT_AVAILABLE"),
    KnownStatus(5, 20, "REJECTED_FLOODING_FILTER"),
    KnownStatus(5, 21, "REJECTED_SYSTEM_ERROR"),
    KnownStatus(5, 23, "REJECTED_DUPLICATE_MESSAGE_ID"),
    KnownStatus(5, 24, "REJECTED_INVALID_UDH"),
    KnownStatus(5, 25, "REJECTED_MESSAGE_TOO_LONG"),
    KnownStatus(5, 51, "MISSING_TO"),
    KnownStatus(5, 52, "REJECTED_DESTINATION"),
    KnownStatus(5, 87, "SIGNALS_BLOCKED"),
    KnownStatus(5, 99, "REJECTED"),
    KnownStatus(5, 100, "UNDELIVERABLE_REJECTED_PLATFORM"),
)

#: Every (groupId, id) pair of provider-facts §5.2 (87 SIGNALS_BLOCKED sits in groups 4 and 5).
KNOWN_STATUSES: frozenset[tuple[int, int]] = frozenset(
    (row.group_id, row.status_id) for row in _ROWS
)

#: The rows themselves, keyed by (groupId, id), for the sandbox and reports to name a status.
STATUS_ROWS: Mapping[tuple[int, int], KnownStatus] = MappingProxyType(
    {(row.group_id, row.status_id): row for row in _ROWS}
)


def is_known_status(group_id: int, status_id: int) -> bool:
    """Whether ``(group_id, status_id)`` is a pair of the provider's status table (S9)."""
    return (group_id, status_id) in KNOWN_STATUSES


def group_name_matches(group_id: int, group_name: str) -> bool:
    """Whether ``group_name`` is a name the provider has used for ``group_id`` (S9)."""
    return group_name in STATUS_GROUPS.get(group_id, frozenset())
