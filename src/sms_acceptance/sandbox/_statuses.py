"""The per-destination statuses the sandbox answers with, from the provider's table.

Every pair is one of provider-facts §5.2 (S9): a test checks each against `_status_table`.
A valid request to a valid number gets the PENDING group (S10); the REJECTED ones are the provider's
documented answers to inputs that rules.md leaves OPEN, never to a clean request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "DUPLICATE_MESSAGE_ID",
    "MESSAGE_TOO_LONG",
    "MISSING_TO",
    "PENDING_ACCEPTED",
    "REJECTED_DESTINATION",
    "DestinationStatus",
]


@dataclass(frozen=True)
class DestinationStatus:
    """One `status` object of a 200 response entry (S8)."""

    group_id: int
    group_name: str
    id: int
    name: str
    description: str

    def as_json(self) -> dict[str, Any]:
        """The object as it goes on the wire."""
        return {
            "groupId": self.group_id,
            "groupName": self.group_name,
            "id": self.id,
            "name": self.name,
            "description": self.description,
        }


# The seed's own second 200 example (and DEVSCHED): 1 PENDING / 26 PENDING_ACCEPTED.
PENDING_ACCEPTED = DestinationStatus(1, "PENDING", 26, "PENDING_ACCEPTED", "Pending Accepted")
# OPEN choices (rules.md), answered as the provider documents them (provider-facts §5.2).
MISSING_TO = DestinationStatus(5, "REJECTED", 51, "MISSING_TO", "Missing destination")
REJECTED_DESTINATION = DestinationStatus(
    5, "REJECTED", 52, "REJECTED_DESTINATION", "Invalid destination address"
)
MESSAGE_TOO_LONG = DestinationStatus(
    5, "REJECTED", 25, "REJECTED_MESSAGE_TOO_LONG", "Message text is longer than 25 parts"
)
DUPLICATE_MESSAGE_ID = DestinationStatus(
    5, "REJECTED", 23, "REJECTED_DUPLICATE_MESSAGE_ID", "Duplicate message id"
)
