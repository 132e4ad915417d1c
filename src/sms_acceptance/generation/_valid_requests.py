"""Valid requests, generated from the request schema, with chosen texts and numbers overlaid.

A pipeline in stages, like hypothesis-jsonschema's own: take the bundled request schema (the single
source of truth), bound its arrays so a run sends a bounded number of messages, compile it into a
strategy (`_schema_strategy`), then overlay what a schema cannot say well: texts chosen for
segmentation (`_texts`), plausible phone numbers (or the live run's `--test-destination` numbers),
`sendAt` values in the documented forms and within the horizon, delivery windows at least an hour
long. Finally the request oracle judges the exact document: only clean requests (valid, no OPEN
case) are positive data, so no positive test can blame a server for an OPEN choice.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import string
from collections.abc import Sequence
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from sms_acceptance._request_rules import judge_request
from sms_acceptance._schema_store import bundled_schema
from sms_acceptance.generation._clock import generation_now
from sms_acceptance.generation._schema_strategy import compile_schema
from sms_acceptance.generation._texts import TEXT_FAMILIES, SmsText, sms_texts

__all__ = [
    "delivery_windows",
    "drop_open_properties",
    "phone_numbers",
    "send_at_values",
    "valid_requests",
]

# Fields of a message whose generated values are replaced by overlays.
_WINDOW_KEYS = ("from", "to")


def _bound_arrays(node: Any, limits: dict[str, int]) -> None:
    """Add `maxItems` to the named array properties wherever the schema declares them."""
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            for name, limit in limits.items():
                if isinstance(properties.get(name), dict):
                    properties[name]["maxItems"] = limit
        for value in node.values():
            _bound_arrays(value, limits)
    elif isinstance(node, list):
        for value in node:
            _bound_arrays(value, limits)


def drop_open_properties(node: Any) -> None:
    """Leave out optional properties the schema tags `x-rule: OPEN` (R13 covers the seed's fields;
    whether a server takes the others, e.g. `sendingSpeedLimit`, is its choice)."""
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            required = set(node.get("required", []))
            for name in [n for n, p in properties.items() if isinstance(p, dict)]:
                if properties[name].get("x-rule") == "OPEN" and name not in required:
                    del properties[name]
        for value in node.values():
            drop_open_properties(value)
    elif isinstance(node, list):
        for value in node:
            drop_open_properties(value)


_MESSAGE = "#/$defs/message/properties"
#: The longest validityPeriod (minutes) a server must take as it stands (rules.md R12, R13).
MAX_VALIDITY_PERIOD = 2880


@functools.cache
def _documents(
    max_messages: int,
    max_destinations: int,
    destinations: tuple[str, ...],
    families: tuple[str, ...],
) -> st.SearchStrategy[Any]:
    """The request strategy, compiled once per set of arguments (compiling costs ~50 ms)."""
    schema = copy.deepcopy(bundled_schema("request"))
    drop_open_properties(schema)
    _bound_arrays(schema, {"messages": max_messages, "destinations": max_destinations})
    # Values the schema cannot choose well are drawn in place, not drawn and overwritten: the
    # text as an `SmsText` (unpacked by `_overlay_text`), numbers and `sendAt` as R11 wants them.
    return compile_schema(
        schema,
        overrides={
            "#/$defs/destination/properties/to": phone_numbers(destinations),
            f"{_MESSAGE}/text": sms_texts(families),
            f"{_MESSAGE}/sendAt": send_at_values(),
            f"{_MESSAGE}/from": _SENDERS,
            f"{_MESSAGE}/notifyUrl": _NOTIFY_URLS,
            # R13 positive data: up to 2880. Above it is R12's case (clamped, SHOULD), and
            # beyond 2^53-1 OPEN: neither may be blamed on R13 (rules.md).
            f"{_MESSAGE}/validityPeriod": st.integers(1, MAX_VALIDITY_PERIOD),
        },
    )


def _number(digits: int, offset: int) -> str:
    low = 10 ** (digits - 1)
    return str(low + offset % (9 * low))


# 10 to 14 digits, the first not 0: what `[1-9][0-9]{9,13}` matches, drawn as two integers
# (Hypothesis's `from_regex` cost more than the rest of a request document together).
_PHONE_NUMBERS = st.builds(_number, st.integers(10, 14), st.integers(0, 9 * 10**13 - 1))


# `from`: 3 to 14 digits, or 3 to 11 characters of any kind (the schema's `anyOf`); `notifyUrl`:
# an http(s) URL without spaces. Drawn directly for the same reason as the phone numbers.
_SENDERS = st.builds(_number, st.integers(3, 14), st.integers(0, 9 * 10**13 - 1)) | st.text(
    min_size=3, max_size=11
)
_NOTIFY_URLS = st.builds(
    "{}://{}".format,
    st.sampled_from(("http", "https")),
    st.text(alphabet=string.ascii_letters + string.digits + "-._~/?=&%:", min_size=1, max_size=60),
)


def phone_numbers(fixed: Sequence[str] = ()) -> st.SearchStrategy[str]:
    """International numbers without `+` (the seed's form), or only the given test numbers."""
    if fixed:
        return st.sampled_from(tuple(fixed))
    return _PHONE_NUMBERS


@st.composite
def send_at_values(draw: st.DrawFn, now: dt.datetime | None = None) -> str:
    """`sendAt` in a form R11 says must be accepted: past, or up to 170 days ahead."""
    now = now or generation_now()
    offset = draw(st.integers(min_value=-365 * 24 * 60, max_value=170 * 24 * 60))
    moment = (now + dt.timedelta(minutes=offset)).replace(second=0, microsecond=0)
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.000")
    return stamp + draw(st.sampled_from(("+0000", "+00:00", "Z")))


@st.composite
def _time_window(draw: st.DrawFn) -> tuple[dict[str, int], dict[str, int]]:
    """`from`/`to` on the same day, at least 60 minutes apart (R7)."""
    start = draw(st.integers(0, 22 * 60 + 59))
    end = draw(st.integers(start + 60, 23 * 60 + 59))
    return (
        {"hour": start // 60, "minute": start % 60},
        {"hour": end // 60, "minute": end % 60},
    )


_DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


@st.composite
def delivery_windows(draw: st.DrawFn) -> dict[str, Any]:
    """A whole `deliveryTimeWindow`: days from the enum, `from`/`to` as `_time_window` (R6, R7)."""
    start, end = draw(_time_window())
    days = draw(st.lists(st.sampled_from(_DAYS), min_size=1, max_size=7, unique=True))
    return {"days": days, "from": start, "to": end}


def _overlay_text(message: dict[str, Any], sample: SmsText) -> None:
    message["text"] = sample.text
    if sample.language_code is not None:
        message["language"] = {"languageCode": sample.language_code}
    elif sample.family in {"turkish", "spanish", "portuguese"}:
        message.pop("language", None)


@st.composite
def valid_requests(
    draw: st.DrawFn,
    *,
    max_messages: int = 2,
    max_destinations: int = 3,
    destinations: Sequence[str] = (),
    families: Sequence[str] = TEXT_FAMILIES,
) -> dict[str, Any]:
    """A clean request (the oracle finds no violation and no OPEN case)."""
    strategy = _documents(max_messages, max_destinations, tuple(destinations), tuple(families))
    document: dict[str, Any] = draw(strategy)
    seen_ids: set[str] = set()
    for message in document["messages"]:
        _overlay_text(message, message["text"])
        for index, destination in enumerate(message["destinations"]):
            message_id = destination.get("messageId")
            if message_id is not None:
                # A duplicate client messageId is OPEN: keep generated ids, made distinct.
                while message_id in seen_ids:
                    message_id = f"{message_id}-{index}"
                destination["messageId"] = message_id
                seen_ids.add(message_id)
        window = message.get("deliveryTimeWindow")
        if isinstance(window, dict) and any(k in window for k in _WINDOW_KEYS):
            window["from"], window["to"] = draw(_time_window())
    verdict = judge_request(document)
    assume(verdict.is_clean)
    return document


def single_message(
    sample: SmsText, destinations: Sequence[str], *, message_id: str | None = None
) -> dict[str, Any]:
    """The plainest valid request around one text (for segmentation-focused tests)."""
    message: dict[str, Any] = {
        "destinations": [{"to": to} for to in destinations],
        "text": sample.text,
    }
    if message_id is not None:
        message["destinations"][0]["messageId"] = message_id
    if sample.language_code is not None:
        message["language"] = {"languageCode": sample.language_code}
    return {"messages": [message]}
