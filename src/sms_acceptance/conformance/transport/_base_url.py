"""The server under test's base URL, parsed once into the one value every part of the suite reads.

`--base-url` (or the embedded sandbox's address) is split into scheme, host, port and path prefix
here, once; the options' endpoint URL, whether the run is live, the client-compatibility replays'
Host header and path prefix, and the delivery-report reads' request targets all come from this
value instead of each splitting the string again (where a different reading of an odd URL would
send a request somewhere the user did not name). Malformed values are a one-line `BaseUrlError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sms_acceptance._live_guard import is_loopback_url

__all__ = ["BaseUrl", "BaseUrlError"]


class BaseUrlError(ValueError):
    """The base URL cannot be used; the message is one line naming the value and why."""


@dataclass(frozen=True)
class BaseUrl:
    """An http(s) base URL with a host and no query or fragment, without a trailing `/`."""

    text: str
    """The URL as given, stripped, without a trailing `/` (what reports and commands show)."""
    scheme: str
    netloc: str
    """`host[:port]` as given: the Host header of the requests the suite writes itself."""
    path: str
    """The path prefix below which the API lives, without a trailing `/` (usually empty)."""
    loopback: bool
    """Whether the host is a loopback address (no live-traffic opt-in needed)."""

    @classmethod
    def parse(cls, value: str) -> BaseUrl:
        value = value.strip()
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018  (raises ValueError on a malformed port)
        except ValueError as error:
            raise BaseUrlError(f"{value!r} is not a valid URL ({error})") from None
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise BaseUrlError(f"{value!r} must be an http:// or https:// URL with a host")
        if parts.query or parts.fragment:
            raise BaseUrlError(f"{value!r} must not have a query or fragment")
        text = value.rstrip("/")
        return cls(
            text=text,
            scheme=parts.scheme,
            netloc=parts.netloc,
            path=parts.path.rstrip("/"),
            loopback=is_loopback_url(text),
        )

    def url(self, path: str) -> str:
        """The absolute URL of `path` (`/...`, optionally with a query) below the base."""
        return self.text + path
