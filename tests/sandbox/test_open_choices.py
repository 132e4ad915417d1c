"""The sandbox's answers where rules.md leaves a server the choice (OPEN): the provider's own.

Each of these inputs is OPEN for the oracle (a test checks that too, so the sandbox never claims a
choice for an input that is really a violation); the sandbox answers as provider-facts documents.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sms_acceptance import judge_request

from .conftest import Post

Request = dict[str, Any]
MakeRequest = Callable[..., Request]


def status_of(entry: dict[str, Any]) -> tuple[int, int]:
    return entry["status"]["groupId"], entry["status"]["id"]


def accepted_entries(post: Post, request: Request) -> list[dict[str, Any]]:
    """The entries of the sandbox's 200 for an input the oracle calls OPEN, not a violation."""
    verdict = judge_request(request)
    assert verdict.is_valid and verdict.open_cases, verdict
    response = post(request)
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()["messages"]
    return entries


def test_open_empty_to_gets_status_51_missing_to(post: Post, minimal_request: MakeRequest) -> None:
    entries = accepted_entries(post, minimal_request("41793026727", ""))
    assert [status_of(e) for e in entries] == [(1, 26), (5, 51)]
    assert entries[1]["to"] == ""


@pytest.mark.parametrize("to", ["not-a-number", "+41 79 302 67 27", "4179302672a", "٤١٧٩"])
def test_open_non_numeric_to_gets_status_52_rejected_destination(
    post: Post, minimal_request: MakeRequest, to: str
) -> None:
    entries = accepted_entries(post, minimal_request(to))
    assert [status_of(e) for e in entries] == [(5, 52)]
    assert entries[0]["to"] == to


def test_open_text_over_25_segments_gets_status_25_message_too_long(
    post: Post, minimal_request: MakeRequest
) -> None:
    entries = accepted_entries(post, minimal_request("41793026727", "1", text="a" * (153 * 25 + 1)))
    assert [status_of(e) for e in entries] == [(5, 25), (5, 25)]
    assert entries[0]["smsCount"] == 26


def test_text_of_exactly_25_segments_is_pending(post: Post, minimal_request: MakeRequest) -> None:
    entry = post(minimal_request("41793026727", text="a" * (153 * 25))).json()["messages"][0]
    assert (status_of(entry), entry["smsCount"]) == ((1, 26), 25)


def test_open_duplicate_client_message_id_gets_status_23_for_the_repeat(post: Post) -> None:
    request = {
        "messages": [
            {"destinations": [{"to": "41793026727", "messageId": "SAME"}, {"to": "41793026834"}]},
            {"destinations": [{"to": "41793026700", "messageId": "SAME"}]},
        ]
    }
    entries = accepted_entries(post, request)
    assert [status_of(e) for e in entries] == [(1, 26), (1, 26), (5, 23)]
    assert [e["messageId"] for e in entries][::2] == ["SAME", "SAME"]


def test_open_bulk_id_over_100_characters_is_clipped(
    post: Post, minimal_request: MakeRequest
) -> None:
    request = {**minimal_request("41793026727"), "bulkId": "B" * 150}
    assert judge_request(request).open_cases
    assert post(request).json()["bulkId"] == "B" * 100


def test_open_message_id_over_200_characters_is_clipped(post: Post) -> None:
    request = {"messages": [{"destinations": [{"to": "41793026727", "messageId": "M" * 250}]}]}
    assert accepted_entries(post, request)[0]["messageId"] == "M" * 200


@pytest.mark.parametrize("minutes", [0, -5])
def test_open_validity_period_at_or_below_zero_is_accepted(
    post: Post, minimal_request: MakeRequest, minutes: int
) -> None:
    request = minimal_request("41793026727")
    request["messages"][0]["validityPeriod"] = minutes
    assert [status_of(e) for e in accepted_entries(post, request)] == [(1, 26)]


def test_open_integer_written_with_a_zero_fraction_is_accepted(
    post: Post, minimal_request: MakeRequest
) -> None:
    request = minimal_request("41793026727")
    request["messages"][0]["validityPeriod"] = 6.0
    assert [status_of(e) for e in accepted_entries(post, request)] == [(1, 26)]


def test_open_unknown_properties_are_ignored(post: Post, minimal_request: MakeRequest) -> None:
    request = {**minimal_request("41793026727"), "campaign": {"x": [1, 2]}}
    request["messages"][0]["shortenUrl"] = True
    request["messages"][0]["destinations"][0]["networkId"] = 7
    assert [status_of(e) for e in accepted_entries(post, request)] == [(1, 26)]


def test_open_missing_text_is_an_empty_message_of_one_segment(post: Post) -> None:
    entries = accepted_entries(post, {"messages": [{"destinations": [{"to": "41793026727"}]}]})
    assert [(status_of(e), e["smsCount"]) for e in entries] == [((1, 26), 1)]


@pytest.mark.parametrize(
    ("field", "value"), [("language", {"languageCode": "XX"}), ("transliteration", "KLINGON")]
)
def test_open_undocumented_language_or_transliteration_is_ignored(
    post: Post, minimal_request: MakeRequest, field: str, value: object
) -> None:
    request = minimal_request("41793026727", text="a" * 161)
    request["messages"][0][field] = value
    entries = accepted_entries(post, request)
    assert [(status_of(e), e["smsCount"]) for e in entries] == [((1, 26), 2)]


def test_one_thousand_destinations_are_accepted(post: Post, minimal_request: MakeRequest) -> None:
    request = minimal_request(*[f"41793{n:06d}" for n in range(1000)])
    response = post(request)
    assert response.status_code == 200
    assert len(response.json()["messages"]) == 1000


def test_open_more_than_one_thousand_destinations_is_400(post: Post) -> None:
    request = {
        "messages": [
            {"destinations": [{"to": f"41793{n:06d}"} for n in range(600)]},
            {"destinations": [{"to": f"41794{n:06d}"} for n in range(401)]},
        ]
    }
    response = post(request)
    assert response.status_code == 400
    errors = response.json()["requestError"]["serviceException"]["validationErrors"]
    assert "1001" in errors["$.messages"][0]
