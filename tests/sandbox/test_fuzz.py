"""E2 under fuzzing: whatever the body or the headers, the sandbox never answers 5xx (faults off).

Hypothesis sends arbitrary JSON values, arbitrary bytes, the seed request with any part replaced by
arbitrary JSON, and arbitrary header values. Every answer must be below 500, and every non-2xx
answer the envelope (E1). Example counts are bounded so the file runs in seconds.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import CREDENTIAL, ENDPOINT, Post

Envelope = Callable[[httpx.Response], dict[str, Any]]

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=20), children, max_size=5)
    ),
    max_leaves=30,
)

# Field names the request schema knows, so replaced parts land where the sandbox looks.
KNOWN_KEYS = st.sampled_from(
    [
        "messages", "destinations", "to", "messageId", "bulkId", "text", "from", "flash",
        "language", "languageCode", "transliteration", "validityPeriod", "sendAt",
        "deliveryTimeWindow", "days", "hour", "minute", "tracking", "track", "processKey",
        "notifyContentType", "callbackData", "sendingSpeedLimit", "timeUnit",
    ]
)  # fmt: skip


def assert_not_a_server_error(response: httpx.Response, envelope: Envelope) -> None:
    assert response.status_code < 500, response.text[:500]
    if response.status_code != 200:
        envelope(response)
    else:
        assert isinstance(response.json()["messages"], list)


@FUZZ
@given(document=json_values)
def test_E2_arbitrary_json_never_gets_a_5xx(
    post: Post, service_exception: Envelope, document: object
) -> None:
    assert_not_a_server_error(post(document), service_exception)


@FUZZ
@given(raw=st.binary(max_size=2000))
def test_E2_arbitrary_bytes_never_get_a_5xx(
    post: Post, service_exception: Envelope, raw: bytes
) -> None:
    assert_not_a_server_error(post(raw=raw), service_exception)


def _paths(value: object, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


@FUZZ
@given(data=st.data())
def test_E2_seed_request_with_any_part_replaced_never_gets_a_5xx(
    post: Post, service_exception: Envelope, seed_request: dict[str, Any], data: st.DataObject
) -> None:
    document: Any = copy.deepcopy(seed_request)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(document)))
        replacement = data.draw(json_values | KNOWN_KEYS)
        if not path:
            document = replacement
            continue
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        if isinstance(parent, dict) and data.draw(st.booleans()):
            parent[data.draw(KNOWN_KEYS)] = replacement  # add or overwrite a known field
        else:
            parent[path[-1]] = replacement
    assert_not_a_server_error(post(document), service_exception)


header_values = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=80
).map(str.strip)


@FUZZ
@given(authorization=header_values, content_type=header_values, accept=header_values)
def test_E2_arbitrary_header_values_never_get_a_5xx(
    client: httpx.Client,
    service_exception: Envelope,
    seed_request: dict[str, Any],
    authorization: str,
    content_type: str,
    accept: str,
) -> None:
    headers = {  # as bytes: httpx encodes str header values as ASCII only
        b"Authorization": authorization.encode("latin-1"),
        b"Content-Type": content_type.encode("latin-1"),
        b"Accept": accept.encode("latin-1"),
    }
    response = client.post(ENDPOINT, content=json.dumps(seed_request), headers=headers)
    assert_not_a_server_error(response, service_exception)


@FUZZ
@given(suffix=st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20))
def test_E2_the_right_credential_with_anything_appended_is_401_not_5xx(
    post: Post, service_exception: Envelope, seed_request: dict[str, Any], suffix: str
) -> None:
    response = post(seed_request, authorization=f"{CREDENTIAL}{suffix}".strip())
    assert_not_a_server_error(response, service_exception)
    assert response.status_code == (200 if not suffix.strip() else 401)
