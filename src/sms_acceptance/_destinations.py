"""A request's destinations (`messages[].destinations[]`): the one walk every part of the kit uses.

The live-traffic guard counts and allow-lists what a request would send to, the sandbox answers
one entry per destination (S2, S3), the load tests re-address requests to the user's test numbers,
the suite pairs answers with destinations. Requests may be deliberately malformed (the R1-R9
mutations), so the walk takes any JSON value and visits only what has the request's shape: a list
of message objects, each with a list of destination objects; anything else is passed over.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["destination_count", "destination_numbers", "each_destination"]


def each_destination(document: object) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each destination object of the request, in order, with the index of its message."""
    if not isinstance(document, dict):
        return
    messages = document.get("messages")
    if not isinstance(messages, list):
        return
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            continue
        listed = message.get("destinations")
        if not isinstance(listed, list):
            continue
        for destination in listed:
            if isinstance(destination, dict):
                yield index, destination


def destination_numbers(document: object, *, count_unnumbered: bool = False) -> tuple[str, ...]:
    """The `to` of each destination object, in order: what a send would reach.

    `count_unnumbered` is the guard's question for a request that may be sent as it is (the
    suite sends malformed requests on purpose): every destination object counts, its `to` as text
    (`""` when absent), so it spends the run's budget and fails the allow-list unless that very
    text was allowed. Without it (requests the kit re-addresses, the load tests' payloads) only
    destinations whose `to` is a string are listed.
    """
    if count_unnumbered:
        return tuple(
            str(destination.get("to", "")) for _, destination in each_destination(document)
        )
    return tuple(
        destination["to"]
        for _, destination in each_destination(document)
        if isinstance(destination.get("to"), str)
    )


def destination_count(document: dict[str, Any]) -> int:
    """How many destinations a well-formed request lists (all messages together).

    A length per message, not a walk per destination: the sandbox asks this of every request it
    accepts (up to 1000 destinations each).
    """
    return sum(len(message["destinations"]) for message in document["messages"])
