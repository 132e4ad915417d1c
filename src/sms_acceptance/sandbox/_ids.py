"""Generated message and bulk ids: unique, provider-shaped, and free of per-request memory.

The provider's ids are long numeric strings (`"2033247207850523791"`, provider-facts §3.1). Ours are
a random 9-digit prefix drawn once per sandbox followed by a 10-digit counter: unique within a
sandbox's life (S6), different between sandboxes, and costing one integer increment each, so memory
stays flat however many requests are served.
"""

from __future__ import annotations

import itertools
import secrets

__all__ = ["IdGenerator"]


class IdGenerator:
    """Hands out ids for one sandbox; cheap enough for every destination of every request."""

    def __init__(self) -> None:
        self._prefix = str(secrets.randbelow(9 * 10**8) + 10**8)
        self._counter = itertools.count(1)
        self._key_prefix = secrets.token_hex(8).upper()
        self._key_counter = itertools.count(1)

    def next_id(self) -> str:
        """A fresh message or bulk id, e.g. `"4821930571000000042"`."""
        return f"{self._prefix}{next(self._counter):010d}"

    def tracking_process_key(self) -> str:
        """A process key shaped like the seed's (`"9243E3F4BEDC719D83C2A38A483E6CB3"`): 32 hex
        digits, a random half fixed per sandbox and a counted half."""
        return f"{self._key_prefix}{next(self._key_counter):016X}"
