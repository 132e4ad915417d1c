# ruff: noqa: RUF001
# (Turkish dotless i is the subject here, not a look-alike typo.)
"""Success response rules S1-S13: what a 200 from the sandbox holds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sms_acceptance import STATUS_GROUPS, is_known_status, schema_violations, segment_count
from sms_acceptance.sandbox import _statuses

from .conftest import Post

Request = dict[str, Any]
MakeRequest = Callable[..., Request]

BULK: Request = {
    "messages": [
        {"destinations": [{"to": "41793026727"}, {"to": "41793026834"}], "text": "First"},
        {"destinations": [{"to": "41793026700"}], "text": "Second"},
        {
            "destinations": [{"to": "385911111111"}, {"to": "41793026727"}, {"to": "4479"}],
            "text": "Third",
        },
    ]
}
BULK_TO = ["41793026727", "41793026834", "41793026700", "385911111111", "41793026727", "4479"]


@pytest.fixture(scope="module")
def bulk_answer(post: Post) -> dict[str, Any]:
    response = post(BULK)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_S1_body_is_a_json_object_with_content_type_application_json(
    post: Post, minimal_request: MakeRequest
) -> None:
    response = post(minimal_request("41793026727"))
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == "application/json"
    assert isinstance(response.json(), dict)


def test_S2_one_entry_per_destination_over_all_messages(bulk_answer: dict[str, Any]) -> None:
    entries = bulk_answer["messages"]
    assert len(entries) == len(BULK_TO)
    for entry in entries:
        assert isinstance(entry["to"], str)
        assert isinstance(entry["messageId"], str)
        assert isinstance(entry["status"], dict)


def test_S3_entries_echo_to_in_request_order(bulk_answer: dict[str, Any]) -> None:
    assert [entry["to"] for entry in bulk_answer["messages"]] == BULK_TO


def test_S4_client_message_id_is_returned_unchanged_for_its_destination(post: Post) -> None:
    request = {
        "messages": [
            {"destinations": [{"to": "41793026727"}, {"to": "41793026834", "messageId": "M é ✓"}]}
        ]
    }
    entries = post(request).json()["messages"]
    assert entries[1]["messageId"] == "M é ✓"
    assert entries[0]["messageId"] != "M é ✓"


def test_S5_client_bulk_id_is_returned_unchanged(post: Post, minimal_request: MakeRequest) -> None:
    request = {**minimal_request("41793026727"), "bulkId": "BULK-ID-123-xyz"}
    assert post(request).json()["bulkId"] == "BULK-ID-123-xyz"


def test_S6_generated_message_ids_are_unique_within_a_response_and_across_responses(
    post: Post, minimal_request: MakeRequest
) -> None:
    many = minimal_request(*[f"4179302{n:04d}" for n in range(300)])
    first = [entry["messageId"] for entry in post(many).json()["messages"]]
    second = [entry["messageId"] for entry in post(many).json()["messages"]]
    assert len(set(first)) == len(first) == 300
    assert not set(first) & set(second)


def test_S7_bulk_id_is_present_for_more_than_one_destination(
    bulk_answer: dict[str, Any], post: Post
) -> None:
    assert isinstance(bulk_answer["bulkId"], str)
    two_messages_one_destination_each = {
        "messages": [{"destinations": [{"to": "41793026727"}]}, {"destinations": [{"to": "1"}]}]
    }
    assert isinstance(post(two_messages_one_destination_each).json()["bulkId"], str)


def test_S8_status_has_the_five_typed_fields(bulk_answer: dict[str, Any]) -> None:
    for entry in bulk_answer["messages"]:
        status = entry["status"]
        assert isinstance(status["groupId"], int)
        assert isinstance(status["groupName"], str)
        assert isinstance(status["id"], int)
        assert isinstance(status["name"], str)
        assert isinstance(status["description"], str)


@pytest.mark.parametrize(
    "status",
    [
        _statuses.PENDING_ACCEPTED,
        _statuses.MISSING_TO,
        _statuses.REJECTED_DESTINATION,
        _statuses.MESSAGE_TOO_LONG,
        _statuses.DUPLICATE_MESSAGE_ID,
    ],
    ids=lambda status: status.name,
)
def test_S9_every_status_the_sandbox_answers_is_in_the_provider_tables(
    status: _statuses.DestinationStatus,
) -> None:
    assert is_known_status(status.group_id, status.id)
    assert status.group_name in STATUS_GROUPS[status.group_id]


def test_S10_clean_request_gets_the_pending_group(bulk_answer: dict[str, Any]) -> None:
    assert {entry["status"]["groupId"] for entry in bulk_answer["messages"]} == {1}


def test_S11_sms_count_is_an_integer_of_at_least_one(bulk_answer: dict[str, Any]) -> None:
    for entry in bulk_answer["messages"]:
        assert isinstance(entry["smsCount"], int)
        assert entry["smsCount"] >= 1


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("a" * 160, None),
        ("a" * 161, None),
        ("€" * 80, None),  # extension characters, 2 septets each: 160 septets
        ("€" * 81, None),
        ("ı" * 70, None),  # UCS-2
        ("ı" * 71, None),
        ("😀" * 35, None),  # surrogate pairs
        ("Artık Türkçe karakterli " * 6, "TR"),
        ("Canción ÁÍÓÚ " * 12, "ES"),
        ("Informação " * 15, "PT"),
        ("Artık Türkçe " * 10, "AUTODETECT"),
    ],
)
def test_S12_sms_count_is_the_calibrated_segment_count(
    post: Post, text: str, language: str | None
) -> None:
    message: Request = {"destinations": [{"to": "41793026727"}], "text": text}
    if language is not None:
        message["language"] = {"languageCode": language}
    entry = post({"messages": [message]}).json()["messages"][0]
    expected = segment_count(text, language_code=language)
    assert entry["smsCount"] == expected.calibrated
    assert expected.contains(entry["smsCount"])


def test_S13_tracking_process_key_is_a_string_when_tracking_is_sent(
    post: Post, minimal_request: MakeRequest
) -> None:
    tracked = post({**minimal_request("41793026727"), "tracking": {"track": "SMS"}}).json()
    assert isinstance(tracked["trackingProcessKey"], str)
    untracked = post(minimal_request("41793026727")).json()
    assert "trackingProcessKey" not in untracked


def test_S13_a_client_tracking_process_key_is_echoed(
    post: Post, minimal_request: MakeRequest
) -> None:
    request = {**minimal_request("41793026727"), "tracking": {"track": "SMS", "processKey": "PK-1"}}
    assert post(request).json()["trackingProcessKey"] == "PK-1"


def test_every_200_validates_against_the_response_schema(bulk_answer: dict[str, Any]) -> None:
    assert schema_violations("response", bulk_answer) == []
