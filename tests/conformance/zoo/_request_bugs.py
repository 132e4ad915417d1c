"""Vendor bugs in reading requests: validation that is too lax (R1-R9) or too strict (R10-R13).

Too lax is usually not a missing `if` but a "helpful" repair: the vendor's binder wraps an hour
around, drops a field it cannot parse, treats a missing list as empty. So most lax bugs here let the
sandbox judge first and, where it answers 400 for the rule in question, forward a repaired request
instead, exactly as such a vendor would end up sending the message anyway. The credential is always
judged first (the sandbox answers 401 before reading the body), so no lax bug leaks into
`ignored_auth`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ._exchange import (
    CapturedRequest,
    CapturedResponse,
    Forward,
    destinations_in_order,
    json_response,
)

_DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


def _bad_request(text: str) -> CapturedResponse:
    return json_response(
        400, {"requestError": {"serviceException": {"messageId": "BAD_REQUEST", "text": text}}}
    )


def _messages(document: dict[str, Any]) -> list[dict[str, Any]]:
    messages = document.get("messages")
    if not isinstance(messages, list):
        return []
    return [message for message in messages if isinstance(message, dict)]


async def _repair_when_rejected(
    request: CapturedRequest,
    forward: Forward,
    repair: Callable[[dict[str, Any]], dict[str, Any] | None],
) -> CapturedResponse:
    """The sandbox's answer, unless it is a 400 and `repair` makes the request acceptable.

    `repair` gets a deep copy and returns the request the vendor effectively processes, or None
    when it has nothing to repair; an empty repaired request stands for "200 with no messages".
    """
    answer = await forward(request)
    if answer.status != 400:
        return answer
    document = request.json_object()
    if document is None:
        return answer
    repaired = repair(copy.deepcopy(document))
    if repaired is None:
        return answer
    if not _messages(repaired) or not any(True for _ in destinations_in_order(repaired)):
        return json_response(200, {"bulkId": "2034072219640523073", "messages": []})
    return await forward(request.with_json(repaired))


# --- negative_data_rejection (R1-R6, MUST) ---------------------------------------------------


async def missing_messages_is_empty_bulk(
    request: CapturedRequest, forward: Forward
) -> CapturedResponse:
    """R2: `messages` missing, not a list, or empty reads as "nothing to send": 200, no entries.

    A binder with a default of `[]` does this. Caught by `negative_data_rejection`
    (`messages_missing`, `messages_empty`, `messages_not_array`).
    """

    def repair(document: dict[str, Any]) -> dict[str, Any] | None:
        messages = document.get("messages")
        if isinstance(messages, list) and messages:
            return None
        return {}

    return await _repair_when_rejected(request, forward, repair)


async def skips_messages_without_destinations(
    request: CapturedRequest, forward: Forward
) -> CapturedResponse:
    """R3: a message whose `destinations` is empty (or missing) is skipped instead of rejected.

    Caught by `negative_data_rejection` (`destinations_empty`, `destinations_missing`).
    """

    def repair(document: dict[str, Any]) -> dict[str, Any] | None:
        messages = _messages(document)
        kept = [
            m for m in messages if isinstance(m.get("destinations"), list) and m["destinations"]
        ]
        if len(kept) == len(messages):
            return None
        document["messages"] = kept
        return document

    return await _repair_when_rejected(request, forward, repair)


async def wraps_window_times_around(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """R6: a window hour of 24 becomes 0, minute 60 becomes 0 (`hour % 24`, `minute % 60`).

    Caught by `negative_data_rejection` (`hour_out_of_range`, `minute_out_of_range`).
    """

    def repair(document: dict[str, Any]) -> dict[str, Any] | None:
        changed = False
        for message in _messages(document):
            window = message.get("deliveryTimeWindow")
            if not isinstance(window, dict):
                continue
            for end in ("from", "to"):
                time = window.get(end)
                if not isinstance(time, dict):
                    continue
                for field, modulus in (("hour", 24), ("minute", 60)):
                    value = time.get(field)
                    if type(value) is int and not 0 <= value < modulus:
                        time[field] = value % modulus
                        changed = True
        return document if changed else None

    return await _repair_when_rejected(request, forward, repair)


async def ignores_unknown_days(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """R6: days outside MONDAY…SUNDAY are dropped; no day left (or none given) means every day.

    Caught by `negative_data_rejection` (`day_not_in_enum`, `days_empty`, `days_missing`).
    """

    def repair(document: dict[str, Any]) -> dict[str, Any] | None:
        changed = False
        for message in _messages(document):
            window = message.get("deliveryTimeWindow")
            if not isinstance(window, dict):
                continue
            days = window.get("days")
            known = [d for d in days if d in _DAYS] if isinstance(days, list) else []
            if not isinstance(days, list) or len(known) != len(days) or not known:
                window["days"] = known or list(_DAYS)
                changed = True
        return document if changed else None

    return await _repair_when_rejected(request, forward, repair)


# Known fields and their JSON types (rules.md R5); what a lenient binder silently drops.
_MESSAGE_FIELD_TYPES: dict[str, type | tuple[type, ...]] = {
    "flash": bool,
    "intermediateReport": bool,
    "validityPeriod": int,
    "from": str,
    "text": str,
    "callbackData": str,
    "notifyUrl": str,
    "notifyContentType": str,
    "transliteration": str,
    "sendAt": str,
    "language": dict,
    "deliveryTimeWindow": dict,
}


def _has_type(value: object, expected: type | tuple[type, ...]) -> bool:
    if expected is int:
        return type(value) is int
    if expected is bool:
        return type(value) is bool
    return isinstance(value, expected)


async def drops_fields_of_wrong_type(
    request: CapturedRequest, forward: Forward
) -> CapturedResponse:
    """R5: a known field with the wrong JSON type is silently ignored, as if it were absent.

    The classic lenient binder (unknown-or-unbindable → skip). Caught by `negative_data_rejection`
    (`wrong_type:<field>`).
    """

    def repair(document: dict[str, Any]) -> dict[str, Any] | None:
        changed = False
        if "bulkId" in document and not isinstance(document["bulkId"], str):
            del document["bulkId"]
            changed = True
        if "tracking" in document and not isinstance(document["tracking"], dict):
            del document["tracking"]
            changed = True
        tracking = document.get("tracking")
        if isinstance(tracking, dict):
            for key in [k for k, v in tracking.items() if not isinstance(v, str)]:
                del tracking[key]
                changed = True
        for message in _messages(document):
            for field, expected in _MESSAGE_FIELD_TYPES.items():
                if field in message and not _has_type(message[field], expected):
                    del message[field]
                    changed = True
            language = message.get("language")
            if isinstance(language, dict) and not isinstance(language.get("languageCode", ""), str):
                del message["language"]
                changed = True
            destinations = message.get("destinations")
            for destination in destinations if isinstance(destinations, list) else []:
                if isinstance(destination, dict) and not isinstance(
                    destination.get("messageId", ""), str
                ):
                    del destination["messageId"]
                    changed = True
        return document if changed else None

    return await _repair_when_rejected(request, forward, repair)


async def accepts_numeric_to(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """R4: a `to` sent as a JSON number is taken as its digits (a JavaScript-style coercion).

    Caught by `negative_data_rejection` (`to_as_number`).
    """

    def repair(document: dict[str, Any]) -> dict[str, Any] | None:
        changed = False
        for _, destination in destinations_in_order(document):
            to = destination.get("to")
            if isinstance(to, int | float) and not isinstance(to, bool):
                destination["to"] = str(to)
                changed = True
        return document if changed else None

    return await _repair_when_rejected(request, forward, repair)


# --- semantic_data_rejection (R7-R9, SHOULD) -------------------------------------------------


async def ignores_send_at(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """R8: no scheduling: `sendAt` is dropped and the message sent now, whatever it says.

    Caught by `semantic_data_rejection` (`send_at_not_a_date`, `send_at_beyond_180_days`…).
    """

    def repair(document: dict[str, Any]) -> dict[str, Any] | None:
        changed = False
        for message in _messages(document):
            if "sendAt" in message:
                del message["sendAt"]
                changed = True
        return document if changed else None

    return await _repair_when_rejected(request, forward, repair)


async def defaults_unknown_enum_values(
    request: CapturedRequest, forward: Forward
) -> CapturedResponse:
    """R9: an unknown `notifyContentType`, `tracking.track` or `timeUnit` falls back to the default.

    Caught by `semantic_data_rejection` (`notify_content_type_not_in_enum`, …).
    """

    def repair(document: dict[str, Any]) -> dict[str, Any] | None:
        changed = False
        for message in _messages(document):
            value = message.get("notifyContentType")
            if isinstance(value, str) and value not in ("application/json", "application/xml"):
                message["notifyContentType"] = "application/json"
                changed = True
        tracking = document.get("tracking")
        if isinstance(tracking, dict) and tracking.get("track", "SMS") not in ("SMS", "URL"):
            tracking["track"] = "SMS"
            changed = True
        limit = document.get("sendingSpeedLimit")
        if isinstance(limit, dict) and limit.get("timeUnit", "MINUTE") not in (
            "MINUTE",
            "HOUR",
            "DAY",
        ):
            limit["timeUnit"] = "MINUTE"
            changed = True
        return document if changed else None

    return await _repair_when_rejected(request, forward, repair)


async def window_days_only(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """R7: only the window's days are honoured; `from`/`to` are dropped, so a one-sided window or
    one shorter than an hour is accepted. Caught by `semantic_data_rejection`
    (`window_from_only`, `window_shorter_than_hour`).
    """

    def repair(document: dict[str, Any]) -> dict[str, Any] | None:
        changed = False
        for message in _messages(document):
            window = message.get("deliveryTimeWindow")
            if isinstance(window, dict) and ("from" in window or "to" in window):
                window.pop("from", None)
                window.pop("to", None)
                changed = True
        return document if changed else None

    return await _repair_when_rejected(request, forward, repair)


# --- positive families: valid requests rejected (R10-R13) -------------------------------------


def _any_message(request: CapturedRequest, predicate: Callable[[dict[str, Any]], bool]) -> bool:
    document = request.json_object()
    return document is not None and any(predicate(m) for m in _messages(document))


async def rejects_flash(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """R13: "flash SMS is not supported on this route": 400 for `flash: true`.

    Caught by `positive_data_acceptance`.
    """
    answer = await forward(request)
    if answer.status == 200 and _any_message(request, lambda m: m.get("flash") is True):
        return _bad_request("Flash messages are not supported")
    return answer


async def rejects_concatenated_texts(
    request: CapturedRequest, forward: Forward
) -> CapturedResponse:
    """R13: no concatenation support: a text over 160 characters is 400 instead of several parts.

    Caught by `positive_data_acceptance` (and, the seed's 184-character message,
    `seed_reproduction`).
    """
    answer = await forward(request)
    too_long = _any_message(
        request, lambda m: isinstance(m.get("text"), str) and len(m["text"]) > 160
    )
    if answer.status == 200 and too_long:
        return _bad_request("Text too long")
    return answer


async def rejects_language_with_transliteration(
    request: CapturedRequest, forward: Forward
) -> CapturedResponse:
    """R10: "conflicting options": 400 when a message has both `language` and `transliteration`,
    which is exactly what the seed's first message does. Caught by `seed_reproduction`.
    """
    answer = await forward(request)
    both = _any_message(request, lambda m: "language" in m and "transliteration" in m)
    if answer.status == 200 and both:
        return _bad_request("language and transliteration cannot be combined")
    return answer


async def rejects_send_at_with_z(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """R11: a Java `yyyy-MM-dd'T'HH:mm:ss.SSSZ` parser: `+0000` parses, a trailing `Z` does not.

    Caught by `send_at_forms_accepted`.
    """
    answer = await forward(request)
    zulu = _any_message(
        request, lambda m: isinstance(m.get("sendAt"), str) and m["sendAt"].upper().endswith("Z")
    )
    if answer.status == 200 and zulu:
        return _bad_request("Invalid sendAt")
    return answer


async def rejects_long_validity(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """R12: `validityPeriod` above 2880 minutes is 400 instead of being clamped to 2880.

    Caught by `validity_period_clamped`.
    """
    answer = await forward(request)
    too_long = _any_message(
        request, lambda m: type(m.get("validityPeriod")) is int and m["validityPeriod"] > 2880
    )
    if answer.status == 200 and too_long:
        return _bad_request("validityPeriod must be at most 2880")
    return answer


async def caps_destinations_at_100(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """R13: an undeclared limit of 100 destinations per request (1000 must be accepted).

    Caught by `bulk_size_accepted` (a vendor profile declaring `max_destinations = 100` would make
    it DECLARED instead).
    """
    document = request.json_object()
    if document is not None and sum(1 for _ in destinations_in_order(document)) > 100:
        answer = await forward(request)
        if answer.status == 200:
            return _bad_request("Too many destinations")
        return answer
    return await forward(request)
