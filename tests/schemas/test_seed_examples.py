"""Every JSON example of the seed document validates against its schema.

The examples are found in the seed text by the fixtures (``conftest.py``), in each of the ten forms
the document shows them (plain, curl, Node, Ruby, Python, PHP, C#, Java, jQuery, Go).
"""

from __future__ import annotations

from collections import Counter

import pytest

from sms_acceptance import SchemaName, fast_validator, schema_violations

from .conftest import SeedExample

_SCHEMA_OF: dict[str, SchemaName] = {"request": "request", "response": "response", "error": "error"}


def test_the_seed_shows_every_example_in_ten_forms(seed_examples: list[SeedExample]) -> None:
    counts = Counter(example.kind for example in seed_examples)
    assert counts["request"] >= 10, counts
    assert counts["response"] >= 10, counts
    assert counts["error"] >= 10, counts


def test_every_form_of_the_seed_request_is_the_same_document(
    seed_examples: list[SeedExample],
) -> None:
    requests = [e.document for e in seed_examples if e.kind == "request"]
    assert all(document == requests[0] for document in requests)


def test_every_seed_example_validates_against_its_schema(
    seed_examples: list[SeedExample],
) -> None:
    failures = {
        example.label: schema_violations(_SCHEMA_OF[example.kind], example.document)
        for example in seed_examples
    }
    assert {label: found for label, found in failures.items() if found} == {}


@pytest.mark.parametrize("kind", ["request", "response", "error"])
def test_the_fast_validator_accepts_every_seed_example(
    seed_examples: list[SeedExample], kind: str
) -> None:
    validator = fast_validator(_SCHEMA_OF[kind])
    documents = [e.document for e in seed_examples if e.kind == kind]
    assert documents
    assert all(validator.is_valid(document) for document in documents)


def test_the_seed_response_with_tracking_has_a_tracking_process_key_S13(
    seed_examples: list[SeedExample],
) -> None:
    keys = [e.document.get("trackingProcessKey") for e in seed_examples if e.kind == "response"]
    assert "9243E3F4BEDC719D83C2A38A483E6CB3" in keys


def test_the_seed_400_examples_are_bad_request_envelopes_E3(
    seed_examples: list[SeedExample],
) -> None:
    errors = [e.document for e in seed_examples if e.kind == "error"]
    assert {e["requestError"]["serviceException"]["messageId"] for e in errors} == {"BAD_REQUEST"}
