"""How long the suite waits for a server and how much of its answer it reads: one frozen object.

A conformance run must end with a verdict even against a server that hangs, drips bytes or answers
with gigabytes, so every wait and every read is bounded. The bounds used to be spelled in several
places (the option's default and help text, the reproduction line's "is it the default?", the
exchanger's connect cap, two copies of the body cap); they are read from here, so changing one
changes all of them. `--request-timeout` sets `request_timeout`; the rest are fixed.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LIMITS", "Limits"]


@dataclass(frozen=True)
class Limits:
    """The suite's bounds on one request and on what it reads back."""

    request_timeout: float = 10.0
    """Overall deadline per request: connect, send and every byte of the answer (seconds)."""
    longest_request_timeout: float = 600.0
    """The largest `--request-timeout` accepted: a run must end."""
    connect_timeout_cap: float = 10.0
    """A connection attempt waits at most this (and never longer than `request_timeout`)."""
    max_body_bytes: int = 2 * 1024 * 1024
    """An answer's body cap: 1000 destinations' worth (~250 bytes each) fit, and a misbehaving
    server cannot exhaust the run's memory."""
    max_push_bytes: int = 4 * 1024 * 1024
    """A delivery-report push's cap: 100 reports with 4000-character callbackData stay well under
    it; larger is answered 413."""

    @property
    def connect_timeout(self) -> float:
        """How long one connection attempt may take."""
        return min(self.request_timeout, self.connect_timeout_cap)


DEFAULT_LIMITS = Limits()
