"""Keeping the user's Authorization value out of everything the kit writes.

A vendor's credential sends real, billable SMS. It must never reach a report, a log line, a JUnit
file or a reproduction command, so every writer passes its text through here. The scheme word stays
visible (`App ***`): it tells a reader *which* kind of credential was used without revealing it.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

__all__ = ["MASK", "Redactor", "redact_authorization"]

MASK = "***"

# Only scheme words we know are kept in clear. A value such as "abc def" may be a bare secret that
# happens to contain a space; keeping "abc" would leak a third of it.
_KNOWN_SCHEMES = frozenset({"basic", "app", "ibsso", "bearer", "digest", "token"})


def _split_scheme(value: str) -> tuple[str, str] | None:
    """`("App", "KEY")` for `"App KEY"`, None when the value has no known scheme word."""
    scheme, _, credential = value.strip().partition(" ")
    credential = credential.strip()
    if scheme.lower() in _KNOWN_SCHEMES and credential:
        return scheme, credential
    return None


def redact_authorization(value: str) -> str:
    """The Authorization value as it may be shown: `"App KEY"` → `"App ***"`.

    The scheme word is kept when it is a known one; anything else (a bare key, an unknown scheme, an
    empty value) is hidden entirely, so no part of a secret can leak through a typo.
    """
    parts = _split_scheme(value)
    if parts is None:
        return MASK
    return f"{parts[0]} {MASK}"


def _secret_variants(secret: str) -> set[str]:
    """Every spelling in which a secret can show up in text we write.

    The whole header value, the credential alone, and the forms it takes inside a URL, a JSON
    string, or (for Basic) the decoded `user:password` and its password.
    """
    variants = {secret, secret.strip()}
    parts = _split_scheme(secret)
    if parts is not None:
        credential = parts[1]
        variants.add(credential)
        if parts[0].lower() == "basic":
            try:
                decoded = base64.b64decode(credential, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            if decoded:
                variants.add(decoded)
                password = decoded.partition(":")[2]
                if password:
                    variants.add(password)
    for variant in list(variants):
        variants.add(quote(variant, safe=""))
        variants.add(json.dumps(variant)[1:-1])
    variants.discard("")
    return variants


@dataclass(frozen=True)
class Redactor:
    """Scrubs one secret (in all its spellings) out of any text.

    `Redactor("App KEY").scrub("curl -H 'Authorization: App KEY'")` gives
    `"curl -H 'Authorization: App ***'"`. A `Redactor(None)` passes text through unchanged, so
    callers need no special case for runs without a credential.
    """

    secret: str | None = field(repr=False)
    _pattern: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pattern = None
        if self.secret:
            # Longest first, so "App KEY" becomes "App ***" rather than "App " + "***" of "KEY"
            # followed by a second pass; both give the same text, but one pass is cheaper.
            variants = sorted(_secret_variants(self.secret), key=len, reverse=True)
            pattern = re.compile("|".join(re.escape(v) for v in variants))
        object.__setattr__(self, "_pattern", pattern)

    def _replacement(self, match: re.Match[str]) -> str:
        return redact_authorization(match.group(0)) if " " in match.group(0) else MASK

    def scrub(self, text: str) -> str:
        """`text` with every occurrence of the secret replaced by `***` (scheme word kept)."""
        if self._pattern is None:
            return text
        return self._pattern.sub(self._replacement, text)

    __call__ = scrub

    def scrub_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """Headers as they may be shown: Authorization always redacted, the others scrubbed."""
        return {
            name: redact_authorization(value)
            if name.lower() in {"authorization", "proxy-authorization"}
            else self.scrub(value)
            for name, value in headers.items()
        }

    def logging_filter(self) -> logging.Filter:
        """A filter for a log handler that scrubs the secret from every record it formats."""
        return _RedactingFilter(self)


class _RedactingFilter(logging.Filter):
    """Renders each record's message once, scrubbed, so no argument can smuggle the secret out."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self._redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        scrub = self._redactor.scrub
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info:
            # A traceback can quote the secret (an exception's message, a repr): render it now.
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


_TRACEBACKS = logging.Formatter()
