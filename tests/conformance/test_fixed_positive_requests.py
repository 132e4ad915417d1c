"""The fixed valid requests every profile sends cover what the seed shows, deterministically (R13).

A few Hypothesis examples may or may not carry `flash: true` or a two-part text; these cases make
the positive verdict independent of the draw (zoo FINDINGS 6). They are checked here against the
seed's own example, not against the schema walk that built them.
"""

from __future__ import annotations

from typing import Any

import pytest

from sms_acceptance import judge_request, segment_count
from sms_acceptance.conformance import (
    TEXT_FAMILIES,
    concatenated_text_requests,
    optional_field_requests,
    seed_request,
)

_STRUCTURE = {"messages", "destinations", "text", "to"}


def _messages(document: Any) -> list[dict[str, Any]]:
    return list(document["messages"])


def _values(level: str) -> list[tuple[str, Any]]:
    """(field, value) of every case at `level`: request, message or destination."""
    found: list[tuple[str, Any]] = []
    for case in optional_field_requests():
        document = case.request()
        if level == "request":
            found += [(k, v) for k, v in document.items() if k != "messages"]
        for message in _messages(document):
            if level == "message":
                found += [(k, v) for k, v in message.items() if k not in _STRUCTURE]
            for destination in message["destinations"]:
                if level == "destination":
                    found += [(k, v) for k, v in destination.items() if k != "to"]
    return found


def _seed_fields(level: str) -> list[tuple[str, Any]]:
    seed = seed_request()
    if level == "request":
        return [(k, v) for k, v in seed.items() if k != "messages"]
    if level == "message":
        return [(k, v) for m in seed["messages"] for k, v in m.items() if k not in _STRUCTURE]
    return [
        (k, v)
        for m in seed["messages"]
        for d in m["destinations"]
        for k, v in d.items()
        if k != "to"
    ]


@pytest.mark.parametrize("level", ["request", "message", "destination"])
def test_R13_every_field_value_the_seed_shows_is_sent_by_a_fixed_case(level: str) -> None:
    sent = _values(level)
    missing = [(k, v) for k, v in _seed_fields(level) if (k, v) not in sent]
    assert missing == []


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("flash", [True, False]),
        ("intermediateReport", [True, False]),
        ("notifyContentType", ["application/json", "application/xml"]),
    ],
)
def test_R13_every_boolean_and_closed_enum_value_is_sent(field: str, values: list[Any]) -> None:
    sent = [value for name, value in _values("message") if name == field]
    assert sorted(map(str, sent)) == sorted(map(str, values))


def test_R13_both_tracking_track_values_are_sent() -> None:
    tracks = {value["track"] for name, value in _values("request") if name == "tracking"}
    assert tracks == {"SMS", "URL"}


def test_S7_a_bulk_without_a_client_bulk_id_is_among_the_fixed_cases() -> None:
    bulks = [
        case
        for case in optional_field_requests()
        if "bulkId" not in case.document
        and sum(len(m["destinations"]) for m in _messages(case.document)) > 1
    ]
    assert bulks


def test_R13_every_fixed_case_is_clean_for_the_request_oracle() -> None:
    for case in (*optional_field_requests(), *concatenated_text_requests()):
        verdict = judge_request(case.request())
        assert verdict.is_clean, (case.name, verdict)


def test_R13_case_names_are_unique_pytest_ids() -> None:
    names = [case.name for case in (*optional_field_requests(), *concatenated_text_requests())]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("family", TEXT_FAMILIES)
def test_R13_every_alphabet_family_is_sent_as_a_concatenated_text(family: str) -> None:
    longest = [
        message
        for case in concatenated_text_requests()
        if case.name.startswith(f"{family}-")
        for message in _messages(case.document)
    ]
    assert longest
    for message in longest:
        code = message.get("language", {}).get("languageCode")
        assert segment_count(message["text"], language_code=code).fewest > 1
        assert len(message["text"]) > 160


def test_R13_fixed_cases_are_the_same_on_every_call() -> None:
    assert [c.request() for c in optional_field_requests()] == [
        c.request() for c in optional_field_requests.__wrapped__()
    ]
