"""The provider's date-time form in delivery reports: `yyyy-MM-ddTHH:mm:ss.SSS±hhmm` (D7).

`2019-11-09T16:00:00.000+0000`: milliseconds and an offset without a colon. It is not RFC 3339
(JSON Schema's `date-time` format rejects it), and real consumers parse exactly this layout
(nyaruka/courier's Go layout `2006-01-02T15:04:05.000-0700`, provider-facts §11.1), so the
sandbox writes it and the kit reads it with this module, nothing looser.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from ._schema_store import load_schema

__all__ = ["PROVIDER_DATE_TIME", "ProviderTimeError", "format_provider_time", "parse_provider_time"]

#: The form as a regular expression: the pattern of `provider-date-time.schema.json`, so the
#: schema stays the one place that says what the form is.
PROVIDER_DATE_TIME = re.compile(load_schema("provider-date-time")["pattern"])


class ProviderTimeError(ValueError):
    """A text that is not a date-time in the provider's form; the message is one line."""


def format_provider_time(moment: datetime, *, colon_in_offset: bool = False) -> str:
    """`moment` in the provider's form (naive moments are taken as UTC).

    `colon_in_offset` writes `+00:00` instead of `+0000`: the sandbox's report fault that a D7
    check must catch, never its normal output.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    separator = ":" if colon_in_offset else ""
    milliseconds = moment.microsecond // 1000
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{milliseconds:03d}{sign}{hours:02d}{separator}{minutes:02d}"


def parse_provider_time(text: str) -> datetime:
    """The aware datetime a provider-form text names; `ProviderTimeError` for any other form."""
    if not isinstance(text, str) or PROVIDER_DATE_TIME.fullmatch(text) is None:
        raise ProviderTimeError(
            f"expected a date-time like 2019-11-09T16:00:00.000+0000, got {text!r}"
        )
    # The form has a fixed width: yyyy-MM-ddTHH:mm:ss.SSS±hhmm.
    offset = timedelta(hours=int(text[24:26]), minutes=int(text[26:28]))
    try:
        return datetime(
            int(text[0:4]),
            int(text[5:7]),
            int(text[8:10]),
            int(text[11:13]),
            int(text[14:16]),
            int(text[17:19]),
            int(text[20:23]) * 1000,
            tzinfo=timezone(-offset if text[23] == "-" else offset),
        )
    except ValueError as error:  # 2021-02-30 and friends
        raise ProviderTimeError(f"{text!r} is not a calendar date-time: {error}") from None
