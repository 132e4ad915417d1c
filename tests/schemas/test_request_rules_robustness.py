"""The oracle judges anything without raising: the sandbox calls it on every request (E2)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_acceptance import (
    RULE_LEVELS,
    RequestVerdict,
    fast_validator,
    judge_request,
    schema_violations,
)

_SETTINGS = settings(
    max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

_leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["MONDAY", "2021-08-25T16:00:00.000+0000", "41793026727", "TR", "SMS"])
)
_json = st.recursive(
    _leaves,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


def _shaped(fields: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with the request's keys (each optional) holding anything at all."""
    return st.fixed_dictionaries({}, optional=fields)


_time_of_day = _shaped({"hour": _json | st.integers(-2, 25), "minute": _json | st.integers(-2, 61)})
_window = _shaped({"days": _json, "from": _json | _time_of_day, "to": _json | _time_of_day})
_destination = _shaped({"to": _json, "messageId": _json})
_message = _shaped(
    {
        "destinations": _json | st.lists(_json | _destination, max_size=3),
        "text": _json,
        "from": _json,
        "sendAt": _json,
        "validityPeriod": _json,
        "language": _json | _shaped({"languageCode": _json}),
        "transliteration": _json,
        "deliveryTimeWindow": _json | _window,
        "flash": _json,
    }
)
_request_shaped = _shaped(
    {"messages": _json | st.lists(_json | _message, max_size=3), "bulkId": _json, "tracking": _json}
)


def _consistent(verdict: RequestVerdict) -> bool:
    return all(
        v.rule_id in RULE_LEVELS and v.level == RULE_LEVELS[v.rule_id] and v.path.startswith("$")
        for v in verdict.violations
    ) and all(case.startswith("$") for case in verdict.open_cases)


@_SETTINGS
@given(body=st.binary(max_size=200))
def test_any_bytes_get_a_verdict(body: bytes) -> None:
    assert _consistent(judge_request(body))


@_SETTINGS
@given(document=_json)
def test_any_json_value_gets_a_verdict_and_non_objects_break_R1(document: object) -> None:
    verdict = judge_request(document)
    assert _consistent(verdict)
    if not isinstance(document, dict):
        assert "R1" in verdict.rule_ids


@_SETTINGS
@given(document=_request_shaped)
def test_any_request_shaped_document_gets_a_verdict_like_its_bytes(
    document: dict[str, Any],
) -> None:
    verdict = judge_request(document)
    assert _consistent(verdict)
    assert judge_request(json.dumps(document).encode()).violations == verdict.violations


@_SETTINGS
@given(document=_request_shaped)
def test_the_fast_validator_never_contradicts_the_reference_one(document: dict[str, Any]) -> None:
    if fast_validator("request").is_valid(document):
        assert schema_violations("request", document) == []
