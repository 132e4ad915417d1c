"""Values and bodies as a vendor reads them in a message: JSON, never Python.

A vendor's developer reads `true`, `null` and `{"requestError": …}`, not `True`, `None` and
`{'requestError': …}`; an empty body says so instead of leaving a dangling "body".
"""

from __future__ import annotations

import json

__all__ = ["EMPTY_BODY", "body_text", "json_text"]

EMPTY_BODY = "(empty body)"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def json_text(value: object, limit: int = 200) -> str:
    """`value` spelled as compact JSON (non-ASCII kept), clipped to `limit` characters."""
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    except (TypeError, ValueError):  # not JSON data (never expected): say what it is
        text = str(value)
    return _clip(text, limit)


def body_text(body: bytes, limit: int = 300) -> str:
    """The bytes a server sent, as text (undecodable bytes replaced), or "(empty body)"."""
    if not body.strip():
        return EMPTY_BODY
    return _clip(body.decode("utf-8", errors="replace"), limit)
