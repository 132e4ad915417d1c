"""The guard between a test run and a real, billable SMS.

Against the sandbox (or any loopback address) every request is free. Against anything else every
accepted request is a real SMS to a real phone, paid for by the user. So sending there must be a
deliberate choice (`--allow-live-traffic`), limited to numbers the user named as test destinations,
to the origin the user named on the command line (the credential goes nowhere else), and bounded in
total. The guard is consulted before a connection is opened (and before a name is resolved), never
after.

`check_outbound_url` is the same decision for parts of the kit that call out on their own (the
sandbox's delivery-report pushes): loopback, or an origin the user named; nothing else.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

__all__ = [
    "LiveTrafficGuard",
    "LiveTrafficRefused",
    "check_outbound_url",
    "is_loopback_url",
    "url_origin",
]


class LiveTrafficRefused(Exception):
    """A request that would have sent real SMS was not sent; the message is one line saying why."""


def _is_loopback_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        # A name other than "localhost" resolves wherever DNS says: not provably loopback.
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def is_loopback_url(url: str) -> bool:
    """Whether `url` is an http(s) URL whose host is 127.0.0.0/8, ::1 or `localhost`.

    Deliberately strict: shorthand or encoded forms of loopback addresses (`127.1`, `2130706433`,
    `0177.0.0.1`) and names such as `localhost.example.com` count as *not* loopback. Erring this way
    costs a user one flag; erring the other way costs them money.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        parts.port  # noqa: B018  (raises ValueError on a malformed port)
    except ValueError:
        return False
    if parts.scheme.lower() not in {"http", "https"} or not host:
        return False
    return _is_loopback_host(host)


def _one_line(text: str) -> str:
    return " ".join(text.split())


_DEFAULT_PORTS = {"http": 80, "https": 443}


def url_origin(url: str) -> str | None:
    """`scheme://host:port` of an http(s) URL (lower case, default port made explicit), the unit
    a credential is authorised for; None when `url` is not a usable http(s) URL."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}:{port or _DEFAULT_PORTS[scheme]}"


def check_outbound_url(url: str, *, allowed_origins: Iterable[str] = ()) -> None:
    """Raise `LiveTrafficRefused` (one line) unless `url` is loopback or has one of
    `allowed_origins` (URLs or origins the user named). For calls the kit makes on its own, such as
    the sandbox's delivery-report pushes: call it before resolving or connecting to `url`."""
    if is_loopback_url(url):
        return
    origin = url_origin(url)
    allowed = {url_origin(o) for o in allowed_origins} - {None}
    if origin is None or origin not in allowed:
        raise LiveTrafficRefused(
            f"refusing to call {_one_line(url)}: it is not a loopback address and not an origin "
            "named on the command line"
        )


class LiveTrafficGuard:
    """Decides, before anything is sent, whether a request may go to its target.

    - A loopback target is always allowed and uses no budget.
    - Any other target is refused unless `allow_live_traffic` is set and the target's origin is one
      of `live_origins` (the URL the user named with that permission: the credential goes nowhere
      else, so a different origin needs the same opt-in); then every destination must be one of
      `allowed_destinations`, and at most `max_destinations` are sent over the guard's life (one
      guard per run: the budget is the run's, shared by its threads).
    - `reserve` hands part of the budget to another process (a Locust master granting its workers
      quota), `grant` adds quota so received to a worker's guard: one budget for the whole run.
    """

    def __init__(
        self,
        *,
        allow_live_traffic: bool = False,
        max_destinations: int = 50,
        allowed_destinations: Iterable[str] = (),
        live_origins: Iterable[str] = (),
    ) -> None:
        if max_destinations < 0:
            raise ValueError(f"max_destinations must be >= 0, got {max_destinations}")
        self.allow_live_traffic = allow_live_traffic
        self.max_destinations = max_destinations
        self.allowed_destinations = frozenset(allowed_destinations)
        self.live_origins = frozenset(
            origin for origin in map(url_origin, live_origins) if origin is not None
        )
        self._sent = 0
        self._lock = threading.Lock()

    @property
    def destinations_sent(self) -> int:
        """Destinations admitted to non-loopback targets so far."""
        return self._sent

    @property
    def remaining(self) -> int:
        """Destinations that may still be sent to non-loopback targets."""
        return max(0, self.max_destinations - self._sent)

    def check_target(self, url: str) -> None:
        """Raise `LiveTrafficRefused` unless requests to `url` may be sent at all."""
        if is_loopback_url(url):
            return
        shown = _one_line(url)
        if not self.allow_live_traffic:
            raise LiveTrafficRefused(
                f"refusing to send to {shown}: it is not a loopback address, so every request "
                "is a real, billable SMS; pass --allow-live-traffic (with --test-destination "
                "and --max-messages) to send deliberately"
            )
        if not self.allowed_destinations:
            raise LiveTrafficRefused(
                f"refusing to send to {shown}: --allow-live-traffic needs at least one "
                "--test-destination (the only numbers live messages may go to)"
            )
        if url_origin(url) not in self.live_origins:
            named = ", ".join(sorted(self.live_origins)) or "no live target"
            raise LiveTrafficRefused(
                f"refusing to send to {shown}: live traffic (and the credential) was allowed "
                f"only for {named}; a different target needs the same opt-in on the command line"
            )

    def reserve(self, count: int) -> int:
        """Take `count` destinations from the budget for another process: `count`, or 0 (nothing
        taken) when live traffic is not allowed or fewer than `count` remain."""
        if count <= 0 or not self.allow_live_traffic or not self.allowed_destinations:
            return 0
        with self._lock:
            if self._sent + count > self.max_destinations:
                return 0
            self._sent += count
            return count

    def grant(self, count: int) -> None:
        """Add `count` destinations of quota (reserved for this process by the run's owner)."""
        if count < 0:
            raise ValueError(f"a grant must be >= 0, got {count}")
        with self._lock:
            self.max_destinations += count

    def release(self, url: str, count: int) -> None:
        """Give back `count` destinations admitted for `url` whose request was never sent (the
        suite fetches a test's requests together and stops when the target stops answering)."""
        if count <= 0 or is_loopback_url(url):
            return
        with self._lock:
            self._sent = max(0, self._sent - count)

    def admit(self, url: str, destinations: Sequence[str]) -> None:
        """Count `destinations` against the budget for `url`, or raise `LiveTrafficRefused`.

        Call it once per request, just before sending; a refused request consumes nothing.
        """
        if is_loopback_url(url):
            return
        self.check_target(url)
        strangers = sorted({d for d in destinations if d not in self.allowed_destinations})
        if strangers:
            raise LiveTrafficRefused(
                f"refusing to send to {_one_line(strangers[0])!r}: live messages may only go "
                "to the --test-destination numbers"
            )
        with self._lock:
            if self._sent + len(destinations) > self.max_destinations:
                raise LiveTrafficRefused(
                    f"refusing to send {len(destinations)} more live message(s): the run's "
                    f"budget of {self.max_destinations} (--max-messages) would be exceeded "
                    f"({self._sent} already sent)"
                )
            self._sent += len(destinations)
