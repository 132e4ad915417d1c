"""Generated requests: the sandbox's 200s follow the success rules, whatever the request holds.

For every generated request the oracle finds valid, the sandbox answers 200 with a body that
validates against the response schema and follows S2-S13; for every clean one (no OPEN case at
all) each destination gets the PENDING group (S10). Bounded example counts.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_acceptance import bundled_schema, judge_request, schema_violations, segment_count
from sms_acceptance.generation import compile_schema

from .conftest import Post

# Every request the schema allows (optional and OPEN properties included), drawn from the schema
# compiler; each one is a real exchange with the sandbox: a handful of examples, marked slow.

GENERATED = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
    database=None,
)

requests = compile_schema(bundled_schema("request"))


def destinations(request: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for message in request["messages"] for d in message["destinations"]]


@GENERATED
@given(request=requests)
@pytest.mark.slow
def test_generated_valid_request_gets_a_200_that_follows_the_success_rules(
    post: Post, request: dict[str, Any]
) -> None:
    verdict = judge_request(request)
    response = post(request)
    if not verdict.is_valid:
        assert response.status_code == 400
        return
    assert response.status_code == 200, response.text
    body = response.json()
    assert schema_violations("response", body) == []  # S1, S2, S8, S11, S13
    sent = destinations(request)
    entries = body["messages"]
    assert [e["to"] for e in entries] == [d["to"] for d in sent]  # S2, S3
    for destination, entry in zip(sent, entries, strict=True):
        if "messageId" in destination and len(destination["messageId"]) <= 200:
            assert entry["messageId"] == destination["messageId"]  # S4
    if "bulkId" in request and len(request["bulkId"]) <= 100:
        assert body["bulkId"] == request["bulkId"]  # S5
    if len(sent) > 1:
        assert isinstance(body["bulkId"], str)  # S7
    if verdict.is_clean:
        assert {e["status"]["groupId"] for e in entries} == {1}  # S10
        generated = [
            e["messageId"] for d, e in zip(sent, entries, strict=True) if "messageId" not in d
        ]
        assert len(set(generated)) == len(generated)  # S6


@settings(max_examples=100, deadline=None, database=None)
@given(
    text=st.text(max_size=400),
    language=st.sampled_from([None, "TR", "ES", "PT", "AUTODETECT", "NONE", "XX"]),
    transliteration=st.sampled_from([None, "TURKISH", "GREEK", "NONE", "ALL", "KLINGON"]),
)
def test_any_text_gets_the_calibrated_segment_count(
    post: Post, text: str, language: str | None, transliteration: str | None
) -> None:
    message: dict[str, Any] = {"destinations": [{"to": "41793026727"}], "text": text}
    if language is not None:
        message["language"] = {"languageCode": language}
    if transliteration is not None:
        message["transliteration"] = transliteration
    response = post({"messages": [message]})
    assert response.status_code == 200, response.text
    expected = segment_count(text, language_code=language, transliteration=transliteration)
    assert response.json()["messages"][0]["smsCount"] == expected.calibrated  # S12
