"""Small valid requests the conformance tests build around one text or one credential.

Every destination goes through `destinations_for`, so a live run (`--allow-live-traffic`) only ever
addresses the `--test-destination` numbers; against loopback the seed's own numbers are used.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from sms_acceptance._destinations import each_destination
from sms_acceptance.conformance.plugin._sms_fixture import ConformanceClient
from sms_acceptance.generation import SEED_SMS_COUNTS, SmsText, phone_numbers, seed_request

__all__ = [
    "SEED_SMS_COUNTS",
    "addressed_request",
    "destinations_for",
    "few_destinations",
    "plain_request",
    "scheme_of",
    "seed_request_for",
    "text_request",
    "texts_request",
]

_SEED_NUMBERS = ("41793026727", "41793026834", "41793026700")


def destinations_for(sms: ConformanceClient, count: int) -> list[str]:
    """`count` numbers: the seed's against loopback, the test destinations on a live run."""
    pool = sms.options.test_destinations if sms.live else _SEED_NUMBERS
    return list(itertools.islice(itertools.cycle(pool), count))


def few_destinations(sms: ConformanceClient, wanted: int) -> int:
    """A per-message destination bound that respects a live budget and a declared maximum."""
    limit = sms.options.vendor_profile.max_destinations or wanted
    return max(1, min(wanted, limit, 1 if sms.live else wanted))


def plain_request(sms: ConformanceClient, text: str) -> dict[str, Any]:
    """One message, one destination: the smallest valid request."""
    return {"messages": [{"destinations": [{"to": destinations_for(sms, 1)[0]}], "text": text}]}


def text_request(sms: ConformanceClient, sample: SmsText, data: st.DataObject) -> dict[str, Any]:
    """One message around `sample`, to one or two destinations."""
    count = data.draw(st.integers(1, few_destinations(sms, 2)), label="destinations")
    if sms.live:
        numbers = destinations_for(sms, count)
    else:
        numbers = [data.draw(phone_numbers(), label="to") for _ in range(count)]
    message: dict[str, Any] = {"destinations": [{"to": n} for n in numbers], "text": sample.text}
    if sample.language_code is not None:
        message["language"] = {"languageCode": sample.language_code}
    return {"messages": [message]}


def addressed_request(sms: ConformanceClient, document: dict[str, Any]) -> dict[str, Any]:
    """`document` as it stands against loopback; on a live run each message keeps only the
    destinations the live budget allows, addressed to the test numbers."""
    if not sms.live:
        return document
    numbers = itertools.cycle(sms.options.test_destinations)
    for message in document["messages"]:
        kept = message["destinations"][: few_destinations(sms, len(message["destinations"]))]
        for destination in kept:
            destination["to"] = next(numbers)
        message["destinations"] = kept
    return document


def seed_request_for(sms: ConformanceClient) -> dict[str, Any]:
    """The seed's request as it stands; on a live run its numbers become the test numbers."""
    document = seed_request()
    if sms.live:
        numbers = iter(destinations_for(sms, 3))
        for _, destination in each_destination(document):
            destination["to"] = next(numbers)
    return document


def scheme_of(sms: ConformanceClient) -> str:
    """The scheme word of the configured credential (`App`), which is not secret."""
    authorization = sms.target.options.authorization or "App x"
    return authorization.strip().partition(" ")[0]


def texts_request(sms: ConformanceClient, samples: Sequence[SmsText]) -> dict[str, Any]:
    """One message per text, each to one destination (one request covers many boundaries)."""
    numbers = (
        destinations_for(sms, len(samples))
        if sms.live
        else [f"4179{index:07d}" for index in range(len(samples))]
    )
    messages = []
    for sample, number in zip(samples, numbers, strict=True):
        message: dict[str, Any] = {"destinations": [{"to": number}], "text": sample.text}
        if sample.language_code is not None:
            message["language"] = {"languageCode": sample.language_code}
        messages.append(message)
    return {"messages": messages}
