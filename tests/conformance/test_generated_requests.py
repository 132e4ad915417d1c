"""Positive data is valid and OPEN-free; each negative mutation really breaks its rule.

The suite's verdicts are only as good as its data: a "valid" request the oracle would reject, or a
mutation that does not break what it claims, would blame a conforming server.
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_acceptance._request_rules import judge_request
from sms_acceptance._validation import schema_violations
from sms_acceptance.conformance import (
    MUTATIONS,
    TEXT_FAMILIES,
    Mutation,
    encode_json,
    sms_texts,
    valid_requests,
)

_FEW = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


@_FEW
@given(document=valid_requests())
def test_R13_generated_requests_are_schema_valid_and_clean(document: dict[str, object]) -> None:
    assert schema_violations("request", document) == []
    assert judge_request(encode_json(document)).is_clean


@_FEW
@given(document=valid_requests(destinations=("41790000001",)))
def test_generated_requests_only_address_the_given_test_numbers(
    document: dict[str, list[dict[str, list[dict[str, str]]]]],
) -> None:
    numbers = {d["to"] for m in document["messages"] for d in m["destinations"]}
    assert numbers == {"41790000001"}


@pytest.mark.parametrize("mutation", MUTATIONS, ids=str)
def test_each_mutation_breaks_the_rule_it_names(mutation: Mutation) -> None:
    confirmed: list[bool] = []

    @settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
    @given(valid=valid_requests(max_messages=2, max_destinations=2), data=st.data())
    def mutate(valid: dict[str, object], data: st.DataObject) -> None:
        mutated = mutation.mutate(copy.deepcopy(valid), data)
        body = mutated if isinstance(mutated, bytes) else encode_json(mutated)
        confirmed.append(mutation.rule_id in judge_request(body).rule_ids)

    mutate()
    assert sum(confirmed) >= len(confirmed) * 0.75, f"{sum(confirmed)}/{len(confirmed)}"


@pytest.mark.parametrize("family", TEXT_FAMILIES)
def test_text_families_contain_what_they_are_named_after(family: str) -> None:
    @settings(max_examples=20, deadline=None)
    @given(sample=sms_texts([family]))
    def check(sample: object) -> None:
        text = sample.text  # type: ignore[attr-defined]
        if family == "ucs2_surrogates":
            assert any(ord(c) > 0xFFFF for c in text)
        if family in {"turkish", "spanish", "portuguese"}:
            assert any(not c.isascii() for c in text)
            assert sample.language_code in {None, "TR", "ES", "PT", "AUTODETECT"}  # type: ignore[attr-defined]

    check()


def _walk(value: object, key: object = None) -> list[tuple[object, object]]:
    """(key, value) of every node of a JSON document."""
    found: list[tuple[object, object]] = [(key, value)]
    if isinstance(value, dict):
        for name, item in value.items():
            found += _walk(item, name)
    elif isinstance(value, list):
        for item in value:
            found += _walk(item, key)
    return found


@_FEW
@given(document=valid_requests(max_messages=3, max_destinations=3))
def test_positive_data_stays_clear_of_the_open_cases_of_issue_11(
    document: dict[str, object],
) -> None:
    """No integer beyond 2^53-1, no null, no `+` in `to`, and validityPeriod within 2880 (above
    it is R12's case, never R13's)."""
    nodes = _walk(document)
    assert not [v for _, v in nodes if type(v) is int and abs(v) > 2**53 - 1]
    assert not [k for k, v in nodes if v is None]
    assert not [v for k, v in nodes if k == "to" and isinstance(v, str) and v.startswith("+")]
    assert all(v <= 2880 for k, v in nodes if k == "validityPeriod" and isinstance(v, int))


@pytest.mark.parametrize("mutation", MUTATIONS, ids=str)
def test_negative_data_is_never_an_open_case_of_issue_11(mutation: Mutation) -> None:
    """A mutation's bytes hold no unsafe integer and no null for an optional field: those are
    OPEN (rules.md), and a server answering them either way must not be blamed."""

    @settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
    @given(valid=valid_requests(max_messages=2, max_destinations=2), data=st.data())
    def mutate(valid: dict[str, object], data: st.DataObject) -> None:
        mutated = mutation.mutate(copy.deepcopy(valid), data)
        body = mutated if isinstance(mutated, bytes) else encode_json(mutated)
        open_cases = judge_request(body).open_cases
        assert not [c for c in open_cases if "2^53" in c or "null for an optional" in c]

    mutate()
