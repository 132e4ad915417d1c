"""Reading a request's ``sendAt`` (R8, R11): a real date, in which form, at which moment.

What a ``sendAt`` string says does not depend on the clock, so the reading is cached: a load run
repeats a few values on every request, and the request oracle (``_request_rules``) only compares
the cached moment with its clock for the 180-day horizon. The patterns are the request schema's
own (one source of truth); the schema reports a failing pattern, this module what a pattern
cannot say (month 13, February 30th).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cache, lru_cache

from sms_acceptance._schema_store import load_schema


@dataclass(frozen=True)
class _SendAtPatterns:
    any_date: re.Pattern[str]  # the R8 pattern: a date, with an optional time and offset
    documented: re.Pattern[str]  # the OPEN pattern: the R11 forms


@cache
def _send_at_patterns() -> _SendAtPatterns:
    """The two sendAt patterns, read from the request schema so there is one source of truth."""
    send_at = load_schema("request")["$defs"]["message"]["properties"]["sendAt"]
    by_rule = {branch["x-rule"]: branch["pattern"] for branch in send_at["allOf"]}
    return _SendAtPatterns(re.compile(by_rule["R8"]), re.compile(by_rule["OPEN"]))


_DATE_TIME_PARTS = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[Tt ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?)?"
    r"(?P<z>[Zz]|(?P<sign>[+-])(?P<oh>\d{2})(?::?(?P<om>\d{2}))?)?"
)


_EXAMPLE = "2021-08-25T16:00:00.000+0000"


@dataclass(frozen=True)
class SendAtReading:
    """What a ``sendAt`` string says, whatever the clock: an R8 violation, or the moment to
    measure against the 180-day horizon (None: an undocumented form, the schema's OPEN case)."""

    violation: str | None
    moment: datetime | None


#: Distinct sendAt strings remembered: a load run repeats a few values, a conformance run draws
#: many; reading one costs ~4 µs (a lookup ~0.05 µs), and the bound keeps a long fuzzing run's
#: memory flat (a few MiB at most).
_SEND_AT_CACHE_SIZE = 4096


@lru_cache(maxsize=_SEND_AT_CACHE_SIZE)
def read_send_at(value: str) -> SendAtReading:
    """R8 beyond the schema's pattern (a real calendar date) and the R11 forms, for any clock."""
    patterns = _send_at_patterns()
    parts = _DATE_TIME_PARTS.fullmatch(value)
    if parts is None or patterns.any_date.fullmatch(value) is None:
        return SendAtReading(
            f"must be a date-time such as {_EXAMPLE}; got {json.dumps(value)}", None
        )
    offset: timezone | None = None
    if parts["z"]:
        if parts["sign"]:
            minutes = int(parts["oh"]) * 60 + int(parts["om"] or 0)
            offset = timezone(timedelta(minutes=-minutes if parts["sign"] == "-" else minutes))
        else:
            offset = UTC
    try:
        moment = datetime(
            int(parts["y"]),
            int(parts["mo"]),
            int(parts["d"]),
            int(parts["h"] or 0),
            int(parts["mi"] or 0),
            int(parts["s"] or 0),
            tzinfo=offset or UTC,
        )
    except ValueError:
        return SendAtReading(f"is an impossible date: {json.dumps(value)}", None)
    if patterns.documented.fullmatch(value) is None or offset is None:
        return SendAtReading(None, None)  # undocumented: the schema's OPEN pattern reported it
    return SendAtReading(None, moment)
