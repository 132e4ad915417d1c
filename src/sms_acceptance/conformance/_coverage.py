"""A fixed set of valid requests that every run sends, whatever Hypothesis draws (R13).

Generated requests prove breadth, but which optional fields a handful of examples carries is luck:
with the `quick` profile (4 examples) a server that rejects `flash: true` or a two-part text passed
some runs and failed others with the same seed (a busy machine changes what Hypothesis draws). A
verdict must not depend on that, so these cases are sent in every profile, on top of the draws.

Nothing here is a second copy of the payload: the optional properties come from the bundled request
schema (OPEN-tagged ones left out, as in `valid_requests`), and their values from the seed's own
example (every distinct value it shows), plus both booleans and every value of a closed enum the
schema declares (an R-rule enum, not an OPEN one). Concatenated texts come from `boundary_texts`:
the longest (most parts) of each alphabet family. Every case is judged clean by the request oracle
when it is built; one that is not is a bug of this module, raised at once, never sent.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sms_acceptance._request_rules import judge_request
from sms_acceptance._schema_store import bundled_schema
from sms_acceptance._segmentation import segment_count
from sms_acceptance.conformance._seed_request import seed_request
from sms_acceptance.conformance._strategies import drop_open_properties
from sms_acceptance.conformance._texts import TEXT_FAMILIES, boundary_texts, longest_texts

__all__ = [
    "RequestCase",
    "concatenated_text_requests",
    "longest_text_requests",
    "longest_value_requests",
    "optional_field_requests",
]

# Two destinations, so every case is also a bulk (S7: a bulkId must come back without a client one).
_NUMBERS = ("41793026727", "41793026834")
_PLAIN_TEXT = "Coverage of one optional field"


@dataclass(frozen=True)
class RequestCase:
    """A named valid request (the name is the pytest id: which field and value it carries)."""

    name: str
    document: Mapping[str, Any] = field(repr=False)

    def __str__(self) -> str:
        return self.name

    def request(self) -> dict[str, Any]:
        """A fresh copy to send (tests may readdress it)."""
        return copy.deepcopy(dict(self.document))


def _baseline(text: str = _PLAIN_TEXT) -> dict[str, Any]:
    """Only what the schema requires: one message, its destinations and a text."""
    return {"messages": [{"destinations": [{"to": n} for n in _NUMBERS], "text": text}]}


class _Schema:
    """The request schema without OPEN properties, by level: request, message, destination."""

    def __init__(self) -> None:
        schema = copy.deepcopy(bundled_schema("request"))
        drop_open_properties(schema)
        self.defs: dict[str, Any] = schema["$defs"]
        self.request = self.resolve(schema)
        self.message = self.resolve(self.request["properties"]["messages"]["items"])
        self.destination = self.resolve(self.message["properties"]["destinations"]["items"])

    def resolve(self, node: Mapping[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = {
                **self.defs[str(node["$ref"]).removeprefix("#/$defs/")],
                **{k: v for k, v in node.items() if k != "$ref"},
            }
        return dict(node)

    @staticmethod
    def required(node: Mapping[str, Any]) -> set[str]:
        names = set(node.get("required", []))
        for part in node.get("allOf", []):
            names |= set(part.get("required", []))
        return names

    def optional(self, node: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        """Optional properties (resolved), in schema order; arrays of sub-objects excluded."""
        required = self.required(node)
        return {
            name: self.resolve(sub)
            for name, sub in node.get("properties", {}).items()
            if name not in required and name not in ("messages", "destinations")
        }

    @staticmethod
    def closed_values(node: Mapping[str, Any]) -> list[Any]:
        """Both booleans, or every value of an enum a rule (not OPEN) declares."""
        if node.get("type") == "boolean":
            return [True, False]
        for part in [node, *node.get("allOf", [])]:
            if "enum" in part and part.get("x-rule", node.get("x-rule")) != "OPEN":
                return list(part["enum"])
        return []


def _variants(
    schema: _Schema, node: Mapping[str, Any], seen: list[Any]
) -> Iterator[tuple[str, Any]]:
    """(label suffix, value): each value the seed shows, then each closed value; objects also
    with each closed value of one of their properties swapped in."""
    values: dict[str, Any] = {}
    for value in [*seen, *schema.closed_values(node)]:
        values.setdefault(json.dumps(value, sort_keys=True, ensure_ascii=False), value)
    for key, value in values.items():
        yield ("" if isinstance(value, dict) else f"={key}"), value
    if node.get("type") == "object":
        for value in [v for v in seen if isinstance(v, dict)][:1]:
            for name, sub in node.get("properties", {}).items():
                for choice in schema.closed_values(schema.resolve(sub)):
                    if value.get(name) != choice:
                        yield f".{name}={json.dumps(choice)}", {**value, name: choice}


def _checked(case: RequestCase) -> RequestCase:
    verdict = judge_request(case.document)
    if not verdict.is_clean:
        raise ValueError(
            f"coverage case {case.name} is not a clean request: "
            f"{verdict.violations or verdict.open_cases}"
        )
    return case


@functools.cache
def optional_field_requests() -> tuple[RequestCase, ...]:
    """One valid request per optional field of the schema and each value the seed (or a closed
    enum or boolean) gives it, on top of the bare minimum, and the bare minimum itself."""
    schema = _Schema()
    seed = seed_request()
    messages = seed["messages"]
    destinations = [d for m in messages for d in m["destinations"]]
    cases = [RequestCase("required_fields_only", _baseline())]
    for name, node in schema.optional(schema.request).items():
        seen = [seed[name]] if name in seed else []
        for suffix, value in _variants(schema, node, seen):
            document = _baseline()
            document[name] = value
            cases.append(RequestCase(f"{name}{suffix}", document))
    for name, node in schema.optional(schema.message).items():
        seen = [m[name] for m in messages if name in m]
        for suffix, value in _variants(schema, node, seen):
            document = _baseline()
            document["messages"][0][name] = value
            cases.append(RequestCase(f"messages.{name}{suffix}", document))
    for name, node in schema.optional(schema.destination).items():
        seen = [d[name] for d in destinations if name in d]
        for suffix, value in _variants(schema, node, seen):
            document = _baseline()
            for index, destination in enumerate(document["messages"][0]["destinations"]):
                # Distinct per destination: a duplicate client messageId is OPEN.
                destination[name] = value if index == 0 else f"{value}-{index + 1}"
            cases.append(RequestCase(f"destinations.{name}{suffix}", document))
    return tuple(_checked(case) for case in cases)


@functools.cache
def concatenated_text_requests() -> tuple[RequestCase, ...]:
    """Per alphabet family (and, for national ones, with and without `languageCode`), the boundary
    text with the most parts: every family is sent at least once as a concatenated message."""
    cases: list[RequestCase] = []
    for family in TEXT_FAMILIES:
        by_code: dict[str | None, tuple[int, str]] = {}
        for sample in boundary_texts(family):
            parts = segment_count(sample.text, language_code=sample.language_code).fewest
            best = by_code.get(sample.language_code)
            if parts > 1 and (best is None or parts > best[0]):
                by_code[sample.language_code] = (parts, sample.text)
        for code, (parts, text) in by_code.items():
            document = _baseline(text)
            if code is not None:
                document["messages"][0]["language"] = {"languageCode": code}
            label = f"{family}-{len(text)}chars-{parts}parts" + (f"-{code}" if code else "")
            cases.append(RequestCase(label, document))
    return tuple(_checked(case) for case in cases)


@functools.cache
def longest_text_requests() -> tuple[RequestCase, ...]:
    """The top of the text range: per alphabet family (national ones with and without their
    `languageCode`), the longest text that is at most 25 segments however it is counted."""
    cases = []
    for family in TEXT_FAMILIES:
        for sample in longest_texts(family):
            document = _baseline(sample.text)
            if sample.language_code is not None:
                document["messages"][0]["language"] = {"languageCode": sample.language_code}
            parts = segment_count(sample.text, language_code=sample.language_code).most
            label = f"{family}-{len(sample.text)}chars-{parts}parts" + (
                f"-{sample.language_code}" if sample.language_code else ""
            )
            cases.append(RequestCase(label, document))
    return tuple(_checked(case) for case in cases)


#: The documented maximum lengths (provider-facts §2.2, §6): anything longer is OPEN.
LONGEST_BULK_ID = 100
LONGEST_MESSAGE_ID = 200
LONGEST_CALLBACK_DATA = 4000


def _of_length(length: int, tag: str) -> str:
    return (tag + "-" + "0123456789abcdefghij" * (length // 20 + 1))[:length]


@functools.cache
def longest_value_requests() -> tuple[RequestCase, ...]:
    """The top of each documented length: `bulkId` 100, `messageId` 200, `callbackData` 4000
    characters, a sender of 11 characters and of 14 digits."""
    bulk = _baseline()
    bulk["bulkId"] = _of_length(LONGEST_BULK_ID, "bulk")
    message_ids = _baseline()
    for index, destination in enumerate(message_ids["messages"][0]["destinations"]):
        destination["messageId"] = _of_length(LONGEST_MESSAGE_ID, f"m{index}")
    callback = _baseline()
    callback["messages"][0]["callbackData"] = _of_length(LONGEST_CALLBACK_DATA, "cb")
    alphanumeric = _baseline()
    alphanumeric["messages"][0]["from"] = "InfoSMS1234"
    numeric = _baseline()
    numeric["messages"][0]["from"] = "41793026700123"
    cases = [
        RequestCase(f"bulkId-{LONGEST_BULK_ID}chars", bulk),
        RequestCase(f"messageId-{LONGEST_MESSAGE_ID}chars", message_ids),
        RequestCase(f"callbackData-{LONGEST_CALLBACK_DATA}chars", callback),
        RequestCase("from-11chars", alphanumeric),
        RequestCase("from-14digits", numeric),
    ]
    return tuple(_checked(case) for case in cases)
