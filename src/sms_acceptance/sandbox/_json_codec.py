"""Reading request bodies and writing answers as JSON: orjson's speed, the standard's edges.

orjson is several times faster than the `json` module, which matters on the sandbox's hot path, but
it differs from the JSON standard (RFC 8259) at three edges, where we fall back to `json`:
- it refuses `\\ud800`-style lone surrogate escapes, which the grammar allows;
- it cannot write a string holding one (the `json` module escapes it again);
- it reads integers beyond 64 bits as floats, which would turn a valid `validityPeriod` into a
  non-integer; `reparse_exactly` reads such a body again, exactly, when it matters.
Both refuse what is not JSON: NaN and Infinity, invalid UTF-8, a byte-order mark, trailing data.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

__all__ = ["NotJson", "dump_json", "has_long_integer", "parse_json", "reparse_exactly"]

# 20 digits or more may exceed 64 bits; only then can orjson's reading differ from the exact one.
_LONG_DIGIT_RUN = re.compile(rb"[0-9]{20}")


class NotJson(ValueError):
    """The body is not a JSON text; the message is one line saying where it went wrong (R1)."""


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _parse_exactly(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError as error:
        raise NotJson(f"the body is not UTF-8 (byte {error.start})") from None
    except (ValueError, RecursionError) as error:
        # ValueError covers json.JSONDecodeError and integers too long to convert.
        raise NotJson(str(error).split("\n")[0]) from None


def parse_json(raw: bytes) -> Any:
    """The JSON value of `raw`, or `NotJson`."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _parse_exactly(raw)


def has_long_integer(raw: bytes) -> bool:
    """Whether `raw` may hold an integer orjson read as a float."""
    return _LONG_DIGIT_RUN.search(raw) is not None


def reparse_exactly(raw: bytes) -> Any:
    """`raw` read by the `json` module: integers of any size stay integers."""
    return _parse_exactly(raw)


def dump_json(value: Any) -> bytes:
    """`value` as compact UTF-8 JSON."""
    try:
        return orjson.dumps(value)
    except TypeError:
        # A lone surrogate a client sent (and we echo), or an integer beyond 64 bits.
        return json.dumps(value, separators=(",", ":")).encode("utf-8")
