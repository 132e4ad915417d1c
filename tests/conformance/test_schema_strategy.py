"""The schema compiler generates only valid documents, natively, and honours overrides.

Generation is most of what `pytest conformance` costs, so the request schema is compiled once into
Hypothesis primitives; whatever it cannot express goes to hypothesis-jsonschema as a leaf. These
tests pin both halves: the documents are valid, and no object of the request schema is left to
hypothesis-jsonschema (which re-canonicalises an object on every draw).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_acceptance._schema_store import bundled_schema
from sms_acceptance._validation import schema_violations
from sms_acceptance.conformance import _schema_strategy
from sms_acceptance.conformance._schema_strategy import _leaf_strategy, compile_schema

_FEW = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
_WINDOW: dict[str, Any] = {
    "type": "object",
    "properties": {
        "days": {"type": "array", "minItems": 1, "items": {"enum": ["MONDAY", "FRIDAY"]}},
        "from": {"type": "integer", "minimum": 0, "maximum": 23},
        "to": {"type": "integer", "minimum": 0, "maximum": 23},
    },
    "allOf": [
        {"required": ["days"]},
        {
            "allOf": [
                {"if": {"required": ["from"]}, "then": {"required": ["to"]}},
                {"if": {"required": ["to"]}, "then": {"required": ["from"]}},
            ]
        },
    ],
    "additionalProperties": {"not": {}},
}


@_FEW
@given(document=compile_schema(bundled_schema("request")))
def test_compiled_request_schema_generates_schema_valid_documents(document: Any) -> None:
    assert schema_violations("request", document) == []


def test_no_object_of_the_request_schema_falls_back_to_hypothesis_jsonschema(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    handed_over: list[dict[str, Any]] = []

    def record(schema_json: str) -> st.SearchStrategy[Any]:
        handed_over.append(json.loads(schema_json))
        return _leaf_strategy(schema_json)

    monkeypatch.setattr(_schema_strategy, "_leaf_strategy", record)
    strategy = compile_schema(copy.deepcopy(bundled_schema("request")))
    strategy.validate()  # resolves every deferred $ref: the whole tree is compiled
    # Only strings the compiler cannot express (patterns, anyOf) are handed over.
    assert handed_over
    assert {leaf.get("type") for leaf in handed_over} == {"string"}


@_FEW
@given(window=compile_schema(_WINDOW))
def test_R7_if_then_pairs_give_both_ends_of_a_window_or_neither(window: dict[str, Any]) -> None:
    assert ("from" in window) == ("to" in window)
    assert window["days"]


def test_one_way_if_then_is_handed_to_hypothesis_jsonschema_and_still_holds() -> None:
    schema = copy.deepcopy(_WINDOW)
    schema["allOf"][1]["allOf"].pop()  # only "from requires to" is left

    @_FEW
    @given(window=compile_schema(schema))
    def check(window: dict[str, Any]) -> None:
        assert "from" not in window or "to" in window

    check()


@_FEW
@given(data=st.data())
def test_overrides_supply_the_values_of_the_named_property(data: st.DataObject) -> None:
    strategy = compile_schema(
        bundled_schema("request"),
        overrides={"#/$defs/destination/properties/to": st.just("41790000001")},
    )
    document = data.draw(strategy)
    numbers = {d["to"] for m in document["messages"] for d in m["destinations"]}
    assert numbers == {"41790000001"}
