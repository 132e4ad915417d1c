"""Payloads prepared before the run: generated from the request schema, serialised once.

Generation is the slow part of a request (Hypothesis draws, JSON encoding); a load test that
generated on the fly would measure its own generator. So every scenario's requests are drawn up
front, in a seeded loop (same `--payload-seed`, same requests), confirmed by the request oracle
(`judge_request`: a valid scenario's request must be clean, an invalid one must break a MUST rule)
and serialised to bytes. At run time a user only cycles through its scenario's tuple.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import cycle
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from sms_acceptance._destinations import each_destination
from sms_acceptance.generation import encode_json


@dataclass(frozen=True)
class PreparedRequest:
    """One request ready to send: its exact bytes, its destinations (for the live-traffic budget)
    and whether the server is expected to reject it with 400 (the invalid scenario)."""

    body: bytes
    destinations: tuple[str, ...]
    expect_rejection: bool
    rule_ids: tuple[str, ...] = ()


def draw_examples(strategy: st.SearchStrategy[Any], count: int, seed_value: int) -> list[Any]:
    """`count` examples of `strategy`, the same ones for the same seed (no example database).

    A seeded `@given` loop rather than `strategy.example()`: Hypothesis documents `.example()` as
    interactive-only (it warns, and it is neither seedable nor meant for bulk drawing).
    """
    found: list[Any] = []

    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=False,
    )
    @seed(seed_value)
    @given(strategy)
    def collect(value: Any) -> None:
        found.append(value)

    collect()
    return found


def with_destinations(request: object, numbers: Sequence[str]) -> object:
    """The request with every `to` replaced, in turn, by one of `numbers` (live traffic: only the
    user's test destinations may receive a real SMS)."""
    if not isinstance(request, dict) or not numbers:
        return request
    replaced = json.loads(json.dumps(request))
    pool: Iterator[str] = cycle(numbers)
    for _, destination in each_destination(replaced):
        if "to" in destination:
            destination["to"] = next(pool)
    return replaced


def serialise(request: object) -> bytes:
    """Compact UTF-8 JSON; a request given as bytes (e.g. non-JSON for R1) is sent as it is."""
    if isinstance(request, bytes):
        return request
    return encode_json(request)


PayloadSource = Callable[[int, int], list[PreparedRequest]]
"""A scenario's payload generator: `(count, seed) -> prepared requests`."""
