"""Positive data is valid and OPEN-free; each negative mutation really breaks its rule.

The suite's verdicts are only as good as its data: a "valid" request the oracle would reject, or a
mutation that does not break what it claims, would blame a conforming server.
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_acceptance import judge_request, schema_violations
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
