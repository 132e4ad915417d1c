"""`null` for an optional field reads as absent (rules.md, "The sandbox's choices"; K4).

The community SDK `infobip-api-python-sdk` 5.0.1 sends `null` for every optional field it was not
given (provider-facts §12), and the provider accepts it: the SDK could not work otherwise. The
sandbox therefore drops such keys before the request oracle judges the body. A `null` where the
contract needs a value (`messages`, `destinations`, `to`, a window's `days`, `hour`, `minute`) is
kept, so R2, R3, R4 and R6 still answer 400.
"""

from __future__ import annotations

from typing import Any

__all__ = ["REQUIRED_KEYS", "without_optional_nulls"]

REQUIRED_KEYS = frozenset({"messages", "destinations", "to", "days", "hour", "minute"})


def without_optional_nulls(document: Any) -> Any:
    """A copy of `document` without `"key": null` pairs for optional keys, at any depth.

    The document is returned as it is (no copy) when it holds no such pair, which is the common
    case: a load test's bodies pay one walk, not a rebuild.
    """
    return _stripped(document) if _has_optional_null(document) else document


def _has_optional_null(value: Any) -> bool:
    if isinstance(value, dict):
        return any(
            (item is None and key not in REQUIRED_KEYS) or _has_optional_null(item)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return any(_has_optional_null(item) for item in value)
    return False


def _stripped(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: _stripped(item)
            for key, item in value.items()
            if item is not None or key in REQUIRED_KEYS
        }
    if isinstance(value, list):
        return [_stripped(item) for item in value]
    return value
