"""The recorded bytes of every client are served as that client needs (K1-K5), and the judge that
reads them tells a broken server from a working one.

Where no Python 2.7 interpreter exists, this is how the v1 client (2.3.0) is checked: its recorded
requests, absolute-form request line and all, sent byte for byte to `sms-acceptance sandbox`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from sms_acceptance.conformance.checks import (
    RecordedRequest,
    judge_client,
    load_recordings,
    replay,
)
from sms_acceptance.conformance.transport import BaseUrl, Exchange, ReceivedResponse
from sms_acceptance.sandbox import SandboxConfig, running_sandbox

from .conftest import API_KEY, environments

RECORDINGS = {r.client: r for r in load_recordings()}
CREDENTIAL = f"App {API_KEY}"


@pytest.fixture(scope="module")
def sandbox_base_url() -> Iterator[str]:
    with running_sandbox(SandboxConfig(authorization=CREDENTIAL)) as sandbox:
        yield sandbox.base_url


def test_there_is_a_recording_for_every_client_build() -> None:
    assert sorted(RECORDINGS) == sorted(c.id for c in environments.CLIENTS)
    for build in environments.CLIENTS:
        recording = RECORDINGS[build.id]
        assert (recording.version, recording.rule, recording.path) == (
            build.version, build.rule, build.path,
        )  # fmt: skip


def test_recordings_hold_no_credential_and_placeholders_for_what_varies() -> None:
    for recording in RECORDINGS.values():
        for request in recording.requests:
            headers = dict(request.headers)
            authorization = next(v for k, v in headers.items() if k.lower() == "authorization")
            assert authorization == "{authorization}"
            assert "{host}" in request.request_line or "{host}" in json.dumps(headers)


def test_K5_the_v1_client_sends_an_absolute_form_request_line() -> None:
    v1 = RECORDINGS["infobip-api-python-client-2"]
    assert all(r.absolute_form for r in v1.requests)
    assert v1.requests[0].request_line == "POST http://{host}/sms/1/text/advanced HTTP/1.1"


def test_K4_the_community_sdk_sends_null_optional_fields() -> None:
    seed = json.loads(RECORDINGS["infobip-api-python-sdk-5"].requests[0].body)
    assert "null" in RECORDINGS["infobip-api-python-sdk-5"].requests[0].body
    assert seed["messages"][1]["destinations"][0]["messageId"] is None


def test_K3_the_npm_sdk_sends_a_top_level_type() -> None:
    assert all(
        json.loads(r.body)["type"] == "text" for r in RECORDINGS["infobip-api-sdk-npm"].requests
    )


@pytest.mark.parametrize("client", sorted(RECORDINGS))
def test_recorded_requests_work_against_the_sandbox(sandbox_base_url: str, client: str) -> None:
    recording = RECORDINGS[client]
    replies = replay(recording, BaseUrl.parse(sandbox_base_url), CREDENTIAL, 10.0)
    verdict = judge_client(recording, replies)
    assert verdict.works, verdict.reasons
    statuses = [
        exchange.outcome.status
        for _, exchange in replies
        if isinstance(exchange.outcome, ReceivedResponse)
    ]
    expected = {"accepted": 200, "unauthorized": 401, "bad_request": 400}
    assert statuses == [expected[r.expect] for r, _ in replies]


def _with_answer(
    replies: list[tuple[RecordedRequest, Exchange]], scenario: str, body: dict[str, Any]
) -> list[tuple[RecordedRequest, Exchange]]:
    """`replies` with the answer to `scenario` replaced by `body` (same status and headers)."""
    changed = []
    for recorded, exchange in replies:
        if recorded.scenario == scenario:
            outcome = exchange.outcome
            assert isinstance(outcome, ReceivedResponse)
            answer = ReceivedResponse(
                outcome.status, outcome.headers, json.dumps(body).encode(), outcome.elapsed
            )
            exchange = Exchange(exchange.request, answer)
        changed.append((recorded, exchange))
    return changed


def test_K2_judge_breaks_3x_on_a_single_destination_answer_without_bulk_id(
    sandbox_base_url: str,
) -> None:
    recording = RECORDINGS["infobip-api-python-client-3"]
    replies = replay(recording, BaseUrl.parse(sandbox_base_url), CREDENTIAL, 10.0)
    unicode_reply = next(e for r, e in replies if r.scenario == "unicode_text")
    assert isinstance(unicode_reply.outcome, ReceivedResponse)
    body = json.loads(unicode_reply.outcome.body)
    del body["bulkId"]
    verdict = judge_client(recording, _with_answer(replies, "unicode_text", body))
    assert not verdict.works and verdict.open_choice
    assert verdict.reasons[0].startswith("leaves `bulkId` out of a single-destination answer")


def test_K5_judge_breaks_the_v1_client_on_validation_errors(sandbox_base_url: str) -> None:
    recording = RECORDINGS["infobip-api-python-client-2"]
    replies = replay(recording, BaseUrl.parse(sandbox_base_url), CREDENTIAL, 10.0)
    envelope = {
        "requestError": {
            "serviceException": {
                "messageId": "BAD_REQUEST",
                "text": "Bad request",
                "validationErrors": {"$.messages[0].destinations": ["must not be empty"]},
            }
        }
    }
    changed = _with_answer(replies, "invalid_empty_destinations", envelope)
    verdict = judge_client(recording, changed)
    assert not verdict.works and verdict.open_choice
    assert "raises TypeError instead of its ApiException" in verdict.reasons[0]
