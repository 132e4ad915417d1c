"""Vendor bugs in the `200` answer (S2-S13) and in its `smsCount` (S12, C1-C5).

Each bug takes the sandbox's correct answer to a valid request and gets one thing wrong in it, the
way a vendor's own code would: an off-by-one loop, a normalised number, an id not passed through, a
status mapped from the wrong table, a segment count computed without the encoding. Entries are
matched to the request's destinations by position (the sandbox answers in request order, S3).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

from sms_acceptance import GSM7_BASIC_CHARACTERS, GSM7_EXTENSION_CHARACTERS, segment_count

from ._exchange import Bug, CapturedRequest, CapturedResponse, Forward, destinations_in_order

Entry = dict[str, Any]


def _rewrite_success(
    rewrite: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any] | None], doc: str
) -> Bug:
    """A bug that changes a 200 body: `rewrite(request, body)` returns the new body (or None).

    `doc` becomes the bug's docstring: which vendor bug it imitates and which check catches it.
    """

    async def bug(request: CapturedRequest, forward: Forward) -> CapturedResponse:
        answer = await forward(request)
        body = answer.json_value()
        document = request.json_object()
        if answer.status != 200 or not isinstance(body, dict) or document is None:
            return answer
        changed = rewrite(document, copy.deepcopy(body))
        return answer if changed is None else answer.with_json(changed)

    bug.__doc__ = doc
    return bug


def _entries(body: dict[str, Any]) -> list[Entry]:
    messages = body.get("messages")
    return [e for e in messages if isinstance(e, dict)] if isinstance(messages, list) else []


def _paired(
    document: dict[str, Any], body: dict[str, Any]
) -> list[tuple[dict[str, Any], dict[str, Any], Entry]]:
    """(message, destination, entry) triples, by position."""
    return [
        (message, destination, entry)
        for (message, destination), entry in zip(
            destinations_in_order(document), _entries(body), strict=False
        )
    ]


# --- destination_count_matches / destination_order_preserved (S2, S3) ---------------------------


def _drop_last(document: dict[str, Any], body: dict[str, Any]) -> dict[str, Any] | None:
    entries = body.get("messages")
    if not isinstance(entries, list) or len(entries) < 2:
        return None
    body["messages"] = entries[:-1]
    return body


drops_last_destination = _rewrite_success(
    _drop_last,
    doc=(
        "S2: an off-by-one in the loop over destinations: with two or more, the last one gets no "
        "entry (and, in such a vendor, no message). Caught by `destination_count_matches`."
    ),
)


def _plus_prefix(document: dict[str, Any], body: dict[str, Any]) -> dict[str, Any] | None:
    changed = False
    for entry in _entries(body):
        to = entry.get("to")
        if isinstance(to, str) and to and not to.startswith("+"):
            entry["to"] = "+" + to
            changed = True
    return body if changed else None


normalises_to_e164 = _rewrite_success(
    _plus_prefix,
    doc=(
        "S3: the answer echoes the number normalised to E.164 (`+41793026727`), not as it was "
        "sent, so a client cannot match entries to its destinations. Caught by "
        "`destination_count_matches`."
    ),
)


def _reverse(document: dict[str, Any], body: dict[str, Any]) -> dict[str, Any] | None:
    entries = body.get("messages")
    if not isinstance(entries, list) or len(entries) < 2:
        return None
    body["messages"] = entries[::-1]
    return body


reverses_entries = _rewrite_success(
    _reverse,
    doc=(
        "S3 (SHOULD): entries come back in reverse order (a stack where a queue was meant). "
        "Caught by `destination_order_preserved`."
    ),
)


# --- ids (S4-S7) ---------------------------------------------------------------------------------


async def ignores_client_message_id(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """S4: the client's `messageId` is never read; every destination gets a generated id.

    Caught by `client_message_id_echoed`.
    """
    document = request.json_object()
    if document is None:
        return await forward(request)
    for _, destination in destinations_in_order(document):
        destination.pop("messageId", None)
    return await forward(request.with_json(document))


async def ignores_client_bulk_id(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """S5: the client's `bulkId` is never read; the answer carries a generated one (or none).

    Caught by `bulk_id_echoed`.
    """
    document = request.json_object()
    if document is None or "bulkId" not in document:
        return await forward(request)
    del document["bulkId"]
    return await forward(request.with_json(document))


def _one_generated_id(document: dict[str, Any], body: dict[str, Any]) -> dict[str, Any] | None:
    generated = [
        entry for _, destination, entry in _paired(document, body) if "messageId" not in destination
    ]
    if len(generated) < 2:
        return None
    for entry in generated:
        entry["messageId"] = generated[0]["messageId"]
    return body


reuses_generated_message_id = _rewrite_success(
    _one_generated_id,
    doc=(
        "S6: ids generated once per request (from a timestamp) instead of once per destination: "
        "every destination without a client id shares one. Caught by "
        "`generated_message_ids_unique`."
    ),
)


def _drop_generated_bulk_id(
    document: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any] | None:
    if "bulkId" in document or "bulkId" not in body:
        return None
    del body["bulkId"]
    return body


omits_generated_bulk_id = _rewrite_success(
    _drop_generated_bulk_id,
    doc=(
        "S7: a `bulkId` only ever echoes the client's; a multi-destination request without one "
        "gets none. Caught by `bulk_id_present_for_bulk`."
    ),
)


# --- status (S8-S10) -----------------------------------------------------------------------------


def _statuses(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["status"] for e in _entries(body) if isinstance(e.get("status"), dict)]


def _status_change(
    change: Callable[[dict[str, Any]], None],
    doc: str,
) -> Bug:
    def rewrite(document: dict[str, Any], body: dict[str, Any]) -> dict[str, Any] | None:
        statuses = _statuses(body)
        for status in statuses:
            change(status)
        return body if statuses else None

    return _rewrite_success(rewrite, doc)


status_without_description = _status_change(
    lambda status: status.pop("description", None),
    doc=(
        "S8: the status object lacks `description` (a DTO that never had the field). Caught by "
        "`response_schema_conformance`."
    ),
)


def _stringify_group_id(status: dict[str, Any]) -> None:
    status["groupId"] = str(status.get("groupId"))


group_id_as_string = _status_change(
    _stringify_group_id,
    doc=(
        "S8: `groupId` serialised as a string (`1` in quotes): an enum written through "
        "`toString()`. Caught by `response_schema_conformance`."
    ),
)


def _pending_named_rejected(status: dict[str, Any]) -> None:
    if status.get("groupId") == 1:
        status["groupName"] = "REJECTED"


pending_group_named_rejected = _status_change(
    _pending_named_rejected,
    doc=(
        "S9: group names taken from the wrong table: group 1 is called `REJECTED`. Caught by "
        "`status_in_provider_tables`."
    ),
)


def _unknown_status_id(status: dict[str, Any]) -> None:
    status["id"] = 260


unknown_status_id = _status_change(
    _unknown_status_id,
    doc=(
        "S9: a vendor-internal status id (1, 260) leaks into the answer: no such pair in the "
        "table. Caught by `status_in_provider_tables`."
    ),
)


def _trial_rejection(status: dict[str, Any]) -> None:
    status.update(
        groupId=5,
        groupName="REJECTED",
        id=18,
        name="REJECTED_DESTINATION_NOT_REGISTERED",
        description="Destination not registered",
    )


rejects_every_destination = _status_change(
    _trial_rejection,
    doc=(
        "S10: the gateway is left in trial mode: every valid number is REJECTED 18 "
        "`REJECTED_DESTINATION_NOT_REGISTERED` (provider-facts §8 item 4). Caught by "
        "`status_group_accepting` (a vendor profile declaring status 5/18 would make it "
        "DECLARED)."
    ),
)


# --- smsCount and trackingProcessKey (S11-S13) --------------------------------------------------


def _count_zero(document: dict[str, Any], body: dict[str, Any]) -> dict[str, Any] | None:
    entries = [e for e in _entries(body) if "smsCount" in e]
    for entry in entries:
        entry["smsCount"] = 0
    return body if entries else None


sms_count_zero = _rewrite_success(
    _count_zero,
    doc=(
        "S11: `smsCount` is 0 (not computed yet) instead of absent or at least 1. Caught by "
        "`response_schema_conformance`."
    ),
)


def _numeric_process_key(document: dict[str, Any], body: dict[str, Any]) -> dict[str, Any] | None:
    if "tracking" not in document:
        return None
    body["trackingProcessKey"] = 9243394719836
    return body


tracking_process_key_number = _rewrite_success(
    _numeric_process_key,
    doc=(
        "S13: `trackingProcessKey` is a JSON number (a database sequence written as is). Caught "
        "by `response_schema_conformance`."
    ),
)


def _recount(
    count: Callable[[dict[str, Any]], int | None],
    doc: str,
) -> Bug:
    def rewrite(document: dict[str, Any], body: dict[str, Any]) -> dict[str, Any] | None:
        changed = False
        for message, _, entry in _paired(document, body):
            if "smsCount" not in entry:
                continue
            value = count(message)
            if value is not None:
                entry["smsCount"] = value
                changed = True
        return body if changed else None

    return _rewrite_success(rewrite, doc)


def _text(message: dict[str, Any]) -> str | None:
    text = message.get("text")
    return text if isinstance(text, str) else None


def _as_if_gsm(message: dict[str, Any]) -> int | None:
    """Every character counted as one septet, whatever the alphabet: 160 / 153."""
    text = _text(message)
    if text is None:
        return None
    return 1 if len(text) <= 160 else math.ceil(len(text) / 153)


sms_count_ignores_ucs2 = _recount(
    _as_if_gsm,
    doc=(
        "S12/C1: the count never switches to UCS-2 (70 / 67): a 100-character Cyrillic text is "
        "counted as 1 part. Caught by `sms_count_matches_segmentation`."
    ),
)


_GSM_BASIC = GSM7_BASIC_CHARACTERS
_GSM_EXTENSION = GSM7_EXTENSION_CHARACTERS


def _per_160(message: dict[str, Any]) -> int | None:
    """The single-part capacity used for every part: ⌈septets / 160⌉ for a GSM-7 text."""
    text = _text(message)
    if not text or "language" in message or "transliteration" in message:
        return None
    if not all(c in _GSM_BASIC or c in _GSM_EXTENSION for c in text):
        return None
    septets = sum(2 if c in _GSM_EXTENSION and c not in _GSM_BASIC else 1 for c in text)
    return math.ceil(septets / 160)


sms_count_160_per_part = _recount(
    _per_160,
    doc=(
        "S12/C1: concatenated parts counted at 160 septets instead of 153 (the UDH forgotten): "
        "307 to 320 characters come out as 2 parts instead of 3. Caught by "
        "`sms_count_matches_segmentation`."
    ),
)


def _raw_text(message: dict[str, Any]) -> int | None:
    """The count as if neither `language` nor `transliteration` had been sent (C1 only)."""
    text = _text(message)
    if text is None:
        return None
    return segment_count(text).calibrated


sms_count_of_raw_text = _recount(
    _raw_text,
    doc=(
        "S12/C2/C4: `language` and `transliteration` are applied when sending but the count is "
        "taken on the raw text: the seed's Turkish message is counted as 2 UCS-2 parts, not 1. "
        "Caught by `seed_sms_count` and `sms_count_matches_segmentation`."
    ),
)


def _without_language(message: dict[str, Any]) -> int | None:
    """C1 on the (possibly transliterated) text: the language's shift tables never considered."""
    text = _text(message)
    language = message.get("language")
    if text is None or not isinstance(language, dict) or "languageCode" not in language:
        return None
    transliteration = message.get("transliteration")
    try:
        count = segment_count(
            text,
            transliteration=transliteration if isinstance(transliteration, str) else None,
        )
    except (ValueError, KeyError):
        count = segment_count(text)
    return count.most


sms_count_ignores_language = _recount(
    _without_language,
    doc=(
        "S12/C2: `languageCode` (national language shift tables) ignored when counting: a Turkish "
        "text needing a dotless i counts as UCS-2 instead of fitting one 155-septet part. Caught "
        "by `sms_count_matches_segmentation`."
    ),
)
