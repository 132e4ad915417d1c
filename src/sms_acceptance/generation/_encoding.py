"""The bytes a request is sent as: one encoder for the suite, the load tests and the benchmarks.

Compact UTF-8 JSON with non-ASCII kept as is, which is what client libraries send; a segmentation
check reads the text the server received, so every part of the kit must send the same bytes.
"""

from __future__ import annotations

import json

__all__ = ["encode_json"]


def encode_json(document: object) -> bytes:
    """The bytes a client library would send: compact UTF-8 JSON, non-ASCII kept as is."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
