"""The 200 body for a request the oracle found valid (S1-S13), with the provider's OPEN choices.

Where rules.md leaves the server a choice, the sandbox answers as the provider documents it
(provider-facts §5.2, §6), so a suite run against it sees the provider's behaviour:

- empty `to` → 200, that destination gets status 51 MISSING_TO (group 5 REJECTED);
- a `to` that is not a phone number (digits, optionally after one `+`) → status 52
  REJECTED_DESTINATION;
- a text over 25 segments → status 25 REJECTED_MESSAGE_TOO_LONG for each of its destinations;
- a client `messageId` already used earlier in the same request → status 23
  REJECTED_DUPLICATE_MESSAGE_ID for the repeat (the first use is accepted), id still echoed;
- `bulkId` over 100 and `messageId` over 200 characters are clipped, as the v2 spec says;
- a missing `text` is an empty message (1 segment); undocumented `languageCode` and
  `transliteration` values are ignored (the segmentation module's calibrated count);
- `bulkId` in every answer, whatever the number of destinations (§8 item 1; K2);
- `validityPeriod` above 2880 is clamped (it changes nothing in the answer), at or below 0 it is
  ignored; unknown properties are ignored.
The one OPEN choice answered with 400 (more than 1000 destinations) is made by the app.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from sms_acceptance._segmentation import segment_count

from ._ids import IdGenerator
from ._statuses import (
    DUPLICATE_MESSAGE_ID,
    MESSAGE_TOO_LONG,
    MISSING_TO,
    PENDING_ACCEPTED,
    REJECTED_DESTINATION,
)

__all__ = ["MAX_SEGMENTS", "AcceptedResponseBuilder"]

# provider-facts §6: "more than 25 parts … REJECTED_MESSAGE_TOO_LONG".
MAX_SEGMENTS = 25
BULK_ID_LIMIT = 100
MESSAGE_ID_LIMIT = 200
_PHONE_NUMBER = re.compile(r"\+?[0-9]+")
# Distinct (text, language, transliteration) triples remembered: load tests repeat a bounded set
# of payloads, and a bounded cache of bounded texts keeps memory flat whatever they send.
_SEGMENT_CACHE_SIZE = 2048
_CACHED_TEXT_LENGTH = 1000


def _segments(text: str, language_code: str | None, transliteration: str | None) -> int:
    # The calibrated count ignores undocumented language and transliteration values itself.
    return segment_count(
        text, language_code=language_code, transliteration=transliteration
    ).calibrated


class AcceptedResponseBuilder:
    """Builds `SMSResponse` bodies; one per sandbox, holding only constant, shared pieces."""

    def __init__(self, ids: IdGenerator) -> None:
        self._ids = ids
        self._pending = PENDING_ACCEPTED.as_json()
        self._missing_to = MISSING_TO.as_json()
        self._rejected_destination = REJECTED_DESTINATION.as_json()
        self._too_long = MESSAGE_TOO_LONG.as_json()
        self._duplicate = DUPLICATE_MESSAGE_ID.as_json()
        self._cached_segments: Callable[[str, str | None, str | None], int] = functools.lru_cache(
            maxsize=_SEGMENT_CACHE_SIZE
        )(_segments)

    def _message_segments(self, message: dict[str, Any]) -> int:
        text = message.get("text")
        if not isinstance(text, str):
            text = ""
        language = message.get("language")
        code = language.get("languageCode") if isinstance(language, dict) else None
        transliteration = message.get("transliteration")
        count = self._cached_segments if len(text) <= _CACHED_TEXT_LENGTH else _segments
        return count(
            text,
            code if isinstance(code, str) else None,
            transliteration if isinstance(transliteration, str) else None,
        )

    def build(self, document: dict[str, Any], destination_count: int) -> dict[str, Any]:
        """The 200 body: one entry per destination, in request order (S2, S3)."""
        next_id = self._ids.next_id
        entries: list[dict[str, Any]] = []
        seen_message_ids: set[str] = set()
        for message in document["messages"]:
            segments = self._message_segments(message)
            too_long = segments > MAX_SEGMENTS
            for destination in message["destinations"]:
                to = destination["to"]
                client_id = destination.get("messageId")
                if isinstance(client_id, str):
                    message_id = client_id[:MESSAGE_ID_LIMIT]  # S4 (clipped only when OPEN)
                    duplicate = message_id in seen_message_ids
                    seen_message_ids.add(message_id)
                else:
                    message_id = next_id()  # S6
                    duplicate = False
                if not to:
                    status = self._missing_to
                elif _PHONE_NUMBER.fullmatch(to) is None:
                    status = self._rejected_destination
                elif too_long:
                    status = self._too_long
                elif duplicate:
                    status = self._duplicate
                else:
                    status = self._pending  # S10
                entries.append(
                    {"to": to, "status": status, "smsCount": segments, "messageId": message_id}
                )
        body: dict[str, Any] = {}
        bulk_id = document.get("bulkId")
        if isinstance(bulk_id, str):
            body["bulkId"] = bulk_id[:BULK_ID_LIMIT]  # S5
        else:
            # S7 leaves it optional with one destination; the provider sends one anyway
            # (provider-facts §8 item 1) and the 3.x client raises on reading a missing one (K2).
            body["bulkId"] = next_id()
        tracking = document.get("tracking")
        if isinstance(tracking, dict):
            process_key = tracking.get("processKey")
            body["trackingProcessKey"] = (
                process_key
                if isinstance(process_key, str) and process_key
                else self._ids.tracking_process_key()
            )  # S13
        body["messages"] = entries
        return body
