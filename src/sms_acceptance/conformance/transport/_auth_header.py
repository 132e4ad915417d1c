"""The Authorization header a request carries, without ever holding the secret itself.

Auth checks (A1-A5) send no header, malformed ones, wrong credentials and the configured one (or its
key under another scheme word). Each variant knows three spellings: the real value (built from the
secret only at send time), the value as shown in reports (`App ***`), and the shell form used in a
reproduction `curl`, which reads the secret from `$SMS_ACCEPTANCE_AUTHORIZATION` so the command
works when the variable is set and never contains the secret.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from typing import Literal

from sms_acceptance._redaction import redact_authorization
from sms_acceptance._reproduction import AUTHORIZATION_ENV, AUTHORIZATION_FROM_ENV

__all__ = ["AUTH_ENV_VAR", "CONFIGURED", "NO_AUTH", "AuthHeader"]

AUTH_ENV_VAR = AUTHORIZATION_ENV

AuthKind = Literal["configured", "none", "literal", "configured_key"]


@dataclass(frozen=True)
class AuthHeader:
    """One way of filling (or leaving out) the Authorization header.

    - `configured`: the user's credential as given.
    - `none`: no header at all (A1).
    - `literal`: a fixed value that is not secret (`""`, `"App"`, `"App wrong-…"`) (A2, A3).
    - `configured_key`: the user's key under the scheme word `scheme` (A2 unknown schemes, the
      letter case of the scheme word, extra schemes a vendor profile declares).
    """

    kind: AuthKind
    literal: str = ""
    scheme: str = ""
    label: str = ""

    def value(self, secret: str | None) -> str | None:
        """The real header value, or None for no header."""
        if self.kind == "none":
            return None
        if self.kind == "literal":
            return self.literal
        if secret is None:
            return None
        if self.kind == "configured":
            return secret
        return f"{self.scheme} {_key_of(secret)}"

    def shown(self, secret: str | None) -> str:
        """The value as reports show it (`App ***`); literal values are the suite's own."""
        if self.kind == "configured":
            return redact_authorization(secret or "")
        if self.kind == "configured_key":
            return f"{self.scheme} ***"
        return self.literal

    def curl_option(self) -> str | None:
        """`-H ...` for a reproduction command, or None when no header is sent."""
        if self.kind == "none":
            return None
        if self.kind == "configured":
            return AUTHORIZATION_FROM_ENV
        if self.kind == "configured_key":
            # POSIX `${VAR#* }` drops the scheme word: the key alone, under another scheme.
            return f'-H "Authorization: {_shell_double(self.scheme)} ${{{AUTH_ENV_VAR}#* }}"'
        if not self.literal.strip():
            return "-H 'Authorization;'"  # curl's spelling of an empty header
        return "-H " + shlex.quote(f"Authorization: {self.literal}")

    def describe(self) -> str:
        """A short phrase for failure messages."""
        if self.label:
            return self.label
        return {
            "configured": "the configured credential",
            "none": "no Authorization header",
            "literal": f"Authorization {json.dumps(self.literal)}",
            "configured_key": f"the configured key under the scheme {json.dumps(self.scheme)}",
        }[self.kind]


def _key_of(secret: str) -> str:
    return secret.strip().partition(" ")[2].strip() or secret.strip()


def _shell_double(text: str) -> str:
    return "".join("\\" + c if c in '"$`\\' else c for c in text)


CONFIGURED = AuthHeader("configured")
NO_AUTH = AuthHeader("none")
