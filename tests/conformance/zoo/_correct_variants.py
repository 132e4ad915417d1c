"""Conforming servers that choose differently from the sandbox wherever the contract lets them.

A suite that fails a conforming vendor is worse than none, so each variant takes the *other* side
of OPEN and optional choices (rules.md) from the sandbox, and must pass with zero failures:

- `minimal`: says as little as allowed: no `smsCount`, no `trackingProcessKey`, the legacy
  ACCEPTED status (0, 0 `MESSAGE_ACCEPTED`, BLOG15), UUID message ids.
- `strict`: answers `400` to every OPEN input (unknown properties, empty or non-numeric `to`,
  `validityPeriod` ≤ 0, over-long ids, texts over 25 segments, duplicate client ids, …) and refuses
  the lower-case `app` scheme word; its 400s carry `validationErrors`.
- `decorated`: says as much as allowed: extra properties at every level, `action` in statuses, the
  seed's drifted status name (`MESSAGE_ACCEPTED` for 1/26), a `bulkId` even for one destination,
  `application/json; charset=utf-8`, and `smsCount` at the *top* of the range C gives where the
  count is a range.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from sms_acceptance import segment_count

from ._exchange import (
    CapturedRequest,
    CapturedResponse,
    Forward,
    destinations_in_order,
    json_response,
)


def _success_body(answer: CapturedResponse) -> dict[str, Any] | None:
    body = answer.json_value()
    return copy.deepcopy(body) if answer.status == 200 and isinstance(body, dict) else None


def _entries(body: dict[str, Any]) -> list[dict[str, Any]]:
    messages = body.get("messages")
    return [e for e in messages if isinstance(e, dict)] if isinstance(messages, list) else []


_LEGACY_ACCEPTED = {
    "groupId": 0,
    "groupName": "ACCEPTED",
    "id": 0,
    "name": "MESSAGE_ACCEPTED",
    "description": "Message accepted",
}


async def minimal(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """No smsCount (S11 optional), no trackingProcessKey (S13 optional), legacy ACCEPTED group 0
    (S9/S10 allow it), UUIDs for the ids it generates (S6: opaque strings)."""
    answer = await forward(request)
    body = _success_body(answer)
    document = request.json_object()
    if body is None or document is None:
        return answer
    body.pop("trackingProcessKey", None)
    if "bulkId" in body and "bulkId" not in document:
        body["bulkId"] = str(uuid.uuid4())
    pairs = list(destinations_in_order(document))
    for (_, destination), entry in zip(pairs, _entries(body), strict=False):
        entry.pop("smsCount", None)
        if "messageId" not in destination:
            entry["messageId"] = str(uuid.uuid4())
        status = entry.get("status")
        if isinstance(status, dict) and status.get("groupId") == 1:
            entry["status"] = dict(_LEGACY_ACCEPTED)
    return answer.with_json(body)


def _strict_bad_request(reasons: dict[str, list[str]]) -> CapturedResponse:
    return json_response(
        400,
        {
            "requestError": {
                "serviceException": {
                    "messageId": "BAD_REQUEST",
                    "text": "Bad request",
                    "validationErrors": reasons,
                }
            }
        },
    )


async def strict(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """400 for every input rules.md leaves OPEN (the oracle's `open_cases`), 401 for `app KEY`
    (the case of the scheme word is OPEN), and 400 for any REJECTED-group answer the sandbox would
    have given instead (those are OPEN inputs too)."""
    from sms_acceptance import judge_request

    header = request.header("authorization")
    if header is not None and header.strip().split(" ", 1)[0] in {
        "app",
        "basic",
        "bearer",
        "ibsso",
    }:
        return json_response(
            401,
            {
                "requestError": {
                    "serviceException": {"messageId": "UNAUTHORIZED", "text": "Unknown scheme"}
                }
            },
        )
    answer = await forward(request)
    if answer.status != 200:
        return answer
    verdict = judge_request(request.body)
    if verdict.open_cases:
        return _strict_bad_request({"$": [str(case) for case in verdict.open_cases]})
    body = answer.json_value()
    rejected = [
        e
        for e in _entries(body if isinstance(body, dict) else {})
        if isinstance(e.get("status"), dict) and e["status"].get("groupId") == 5
    ]
    if rejected:
        return _strict_bad_request({"$.messages": [f"{e['status'].get('name')}" for e in rejected]})
    return answer


def _most_segments(message: dict[str, Any]) -> int | None:
    text = message.get("text")
    if not isinstance(text, str):
        return None
    language = message.get("language")
    code = language.get("languageCode") if isinstance(language, dict) else None
    transliteration = message.get("transliteration")
    try:
        count = segment_count(
            text,
            language_code=code if code in {"TR", "ES", "PT", "AUTODETECT"} else None,
            transliteration=transliteration
            if isinstance(transliteration, str) and transliteration != "NONE"
            else None,
        )
    except (ValueError, KeyError):
        return None
    return max(1, count.most)


async def decorated(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """Extra properties everywhere (S2 allows them), `action` in each status (S8 optional), the
    seed's drifted name for 1/26 (S9 compares no names), a bulkId for one destination (S7),
    `charset` in the content type (S1), and the largest allowed smsCount (S12 ranges)."""
    answer = await forward(request)
    body = _success_body(answer)
    document = request.json_object()
    if body is None or document is None:
        return answer
    body.setdefault("bulkId", str(uuid.uuid4()))
    body["requestId"] = "req-" + uuid.uuid4().hex
    body["region"] = "eu-1"
    pairs = list(destinations_in_order(document))
    for (message, _), entry in zip(pairs, _entries(body), strict=False):
        entry["price"] = {"pricePerMessage": 0.01, "currency": "EUR"}
        entry["network"] = {"mcc": "228", "mnc": "01"}
        status = entry.get("status")
        if isinstance(status, dict):
            status["action"] = "none"
            status["vendorCode"] = "Q1"
            if (status.get("groupId"), status.get("id")) == (1, 26):
                status["name"] = "MESSAGE_ACCEPTED"
                status["description"] = "Message sent to next instance"
        if "smsCount" in entry:
            most = _most_segments(message)
            if most is not None and most <= 25:
                entry["smsCount"] = most
    return answer.with_json(body).with_header("content-type", "application/json; charset=utf-8")


def _null_paths(value: object, path: str = "$") -> list[str]:
    required = {"messages", "destinations", "to", "days", "hour", "minute"}
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if item is None and key not in required:
                found.append(f"{path}.{key}")
            else:
                found.extend(_null_paths(item, f"{path}.{key}"))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_null_paths(item, f"{path}[{index}]"))
    return found


async def rejects_null_optional_fields(
    request: CapturedRequest, forward: Forward
) -> CapturedResponse:
    """400 for `null` as the value of an optional field (`"bulkId": null`), a choice rules.md
    leaves OPEN, as a strictly typed binder makes it: the suite must pass it, and its client
    table must show that every call from infobip-api-python-sdk 5.0.1 (which sends such nulls,
    K4) fails."""
    answer = await forward(request)  # the credential is judged first, as everywhere
    document = request.json_object()
    nulls = _null_paths(document) if document is not None else []
    if answer.status == 200 and nulls:
        return _strict_bad_request({path: ["must not be null"] for path in nulls})
    return answer
