"""Reproducing the seed (rules.md): its curl example, sent as written, is answered right."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sms_acceptance import schema_violations

from .conftest import CREDENTIAL, ENDPOINT, seed_curl_body, seed_curl_headers


@pytest.fixture(scope="module")
def seed_answer(client: httpx.Client) -> httpx.Response:
    """The answer to the seed's curl: its headers, its `--data-raw` bytes, our credential."""
    headers = seed_curl_headers(CREDENTIAL)
    assert set(headers) == {"Authorization", "Content-Type", "Accept"}
    return client.post(ENDPOINT, content=seed_curl_body().encode("utf-8"), headers=headers)


def test_R10_seed_request_as_it_stands_is_accepted(seed_answer: httpx.Response) -> None:
    assert seed_answer.status_code == 200, seed_answer.text


def test_seed_answer_validates_against_the_response_schema(seed_answer: httpx.Response) -> None:
    assert schema_violations("response", seed_answer.json()) == []


def test_seed_answer_sms_counts_are_1_1_and_2(seed_answer: httpx.Response) -> None:
    entries: list[dict[str, Any]] = seed_answer.json()["messages"]
    assert [(e["to"], e["smsCount"]) for e in entries] == [
        ("41793026727", 1),  # Turkish text, languageCode TR (and TURKISH transliteration)
        ("41793026834", 1),
        ("41793026700", 2),  # 184 GSM-7 characters
    ]


def test_seed_answer_echoes_the_client_ids(seed_answer: httpx.Response) -> None:
    body = seed_answer.json()
    assert body["bulkId"] == "BULK-ID-123-xyz"
    assert body["messages"][0]["messageId"] == "MESSAGE-ID-123-xyz"
    assert isinstance(body["trackingProcessKey"], str)
