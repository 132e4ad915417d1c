"""The schema compiler generates only valid documents, from Hypothesis's own strategies.

Generation is most of what `pytest conformance` costs, so each schema is compiled once into
Hypothesis primitives (patterns through `st.from_regex`, `anyOf` one branch at a time). These tests
pin that every document drawn from each of our schemas is valid, that the pattern and `anyOf`
leaves hold, and that a keyword the compiler does not know is a clear error, not a guess.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_acceptance import SchemaName, bundled_schema, schema_violations
from sms_acceptance.generation import UnsupportedSchemaError, compile_schema

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


@pytest.mark.parametrize("name", ["request", "response", "status", "error"])
def test_compiled_schema_generates_schema_valid_documents(name: SchemaName) -> None:
    @_FEW
    @given(document=compile_schema(bundled_schema(name)))
    def check(document: Any) -> None:
        assert schema_violations(name, document) == []

    check()


_SENDER: dict[str, Any] = {
    "type": "string",
    "allOf": [{"anyOf": [{"pattern": "^[0-9]{3,14}$"}, {"minLength": 3, "maxLength": 11}]}],
}


@_FEW
@given(sender=compile_schema(_SENDER))
def test_anyOf_of_a_pattern_and_lengths_gives_a_string_one_branch_accepts(sender: str) -> None:
    assert re.fullmatch("[0-9]{3,14}", sender) or 3 <= len(sender) <= 11


@_FEW
@given(
    stamp=compile_schema({"type": "string", "allOf": [{"pattern": "^[0-9]{2}$"}, {"pattern": "7"}]})
)
def test_every_pattern_of_an_allOf_holds_and_anchors_leave_no_trailing_newline(stamp: str) -> None:
    assert re.fullmatch("[0-9]{2}", stamp) and "7" in stamp


@pytest.mark.parametrize(
    "schema",
    [{"type": "string", "format": "email"}, {"not": {"type": "string"}}, False],
    ids=["format", "not", "false"],
)
def test_a_keyword_the_compiler_does_not_know_is_a_clear_error(schema: Any) -> None:
    with pytest.raises(UnsupportedSchemaError, match=r"^#/properties/x: "):
        compile_schema(
            {"type": "object", "properties": {"x": schema}, "required": ["x"]}
        ).validate()


@_FEW
@given(window=compile_schema(_WINDOW))
def test_R7_if_then_pairs_give_both_ends_of_a_window_or_neither(window: dict[str, Any]) -> None:
    assert ("from" in window) == ("to" in window)
    assert window["days"]


def test_one_way_if_then_still_holds() -> None:
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
