"""Checking the Authorization header (rules A1-A5) without leaking timing.

The sandbox answers 401 before it reads the body (a server must not do work for strangers), and it
compares credentials with `hmac.compare_digest` against *every* accepted value, so the time taken
says nothing about how close a guess was, nor which of several credentials it resembled.
"""

from __future__ import annotations

import enum
import hmac
from collections.abc import Sequence

from ._config import ACCEPTED_SCHEMES

__all__ = ["AuthOutcome", "CredentialCheck"]

_SCHEMES = frozenset(s.lower().encode("ascii") for s in ACCEPTED_SCHEMES)


class AuthOutcome(enum.Enum):
    """What the header amounted to; each failure has its own 401 text (the messageId is shared)."""

    ACCEPTED = "accepted"
    MISSING = "Missing Authorization header"  # A1
    MALFORMED = "Invalid Authorization header"  # A2
    WRONG = "Invalid login details"  # A3 (the provider's own words, provider-facts §3.2)


def _split(value: bytes) -> tuple[bytes, bytes] | None:
    parts = value.strip().split(None, 1)
    if len(parts) != 2 or not parts[1].strip():
        return None
    return parts[0].lower(), parts[1].strip()


class CredentialCheck:
    """Accepts the configured Authorization values, each in the scheme it was given (A5).

    OPEN (rules.md: the case of the scheme word): the scheme is matched case-insensitively, as
    RFC 9110 §11.1 says auth schemes are; the credential itself is matched exactly.
    """

    def __init__(self, accepted: Sequence[str]) -> None:
        pairs = []
        for value in accepted:
            split = _split(value.encode("utf-8"))
            if split is None or split[0] not in _SCHEMES:
                raise ValueError("an accepted authorization must be '<scheme> <credential>'")
            pairs.append(split)
        self._accepted = tuple(pairs)

    def judge(self, header: bytes | None) -> AuthOutcome:
        """The outcome for one request's raw Authorization header value (None when absent)."""
        if header is None:
            return AuthOutcome.MISSING
        split = _split(header)
        if split is None or split[0] not in _SCHEMES:
            return AuthOutcome.MALFORMED
        scheme, credential = split
        matched = False
        for accepted_scheme, accepted_credential in self._accepted:
            # No short-circuit: every accepted credential is compared, whatever came before.
            same = hmac.compare_digest(credential, accepted_credential)
            matched |= same and scheme == accepted_scheme
        return AuthOutcome.ACCEPTED if matched else AuthOutcome.WRONG
