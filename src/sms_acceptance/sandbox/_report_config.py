"""What the sandbox does with delivery reports (rules.md D1-D14): outcomes, delays, pushes, memory.

Frozen values checked when built, like `FaultConfig`: a bad option fails once, at start, with one
line. Defaults follow the provider (provider-facts §11): every message DELIVERED, pushes in batches
of up to 100, retries 1 min + n² min apart, reports kept 48 hours; plus what a reference server
needs that the provider never had to say: a bounded memory and a push allow-list (loopback only
unless told), because a server that POSTs to any URL it is given is a request-forgery tool.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from ._value_checks import check_finite_at_least, check_fraction

__all__ = ["DelayDistribution", "OutcomeMode", "ReportConfig", "ReportFaultConfig", "ReportWorker"]

OutcomeMode = Literal["mix", "by-destination"]
_MODES: tuple[OutcomeMode, ...] = ("mix", "by-destination")
# The send latency's distributions (`_config.LatencyDistribution`), for the report delay.
DelayDistribution = Literal["fixed", "exponential", "lognormal"]
_DISTRIBUTIONS: tuple[DelayDistribution, ...] = ("fixed", "exponential", "lognormal")
# Where the lifecycle runs: in the serving process's event loop, or in a process of its own.
ReportWorker = Literal["inline", "process"]
_WORKERS: tuple[ReportWorker, ...] = ("inline", "process")


def _is_bare_host(host: object) -> bool:
    """A host name or address without scheme, port, path or user (`dlr.example.com`, `::1`)."""
    if not isinstance(host, str) or not host.strip() or any(c in host for c in "/@ []"):
        return False
    if ":" in host:  # only an IPv6 address may hold one
        try:
            ipaddress.IPv6Address(host.strip())
        except ValueError:
            return False
    return True


_FAULT_FRACTIONS = (
    "lost",
    "duplicated",
    "late",
    "wrong_message_id",
    "without_callback_data",
    "colon_offset",
)
"""The fields of `ReportFaultConfig` that are shares of reports (each in [0, 1])."""


@dataclass(frozen=True)
class ReportFaultConfig:
    """Report faults for testing report checkers (part 2 of the D work); all off by default.

    Each fraction is drawn per report: `lost` (never pushed nor pullable), `duplicated` (pushed
    once more after the receiver's 2xx, D1), `late` (arrives `late_seconds` after its normal
    delay, past any bound the delay distribution keeps), `wrong_message_id` (D3),
    `without_callback_data` (D4), `colon_offset` (`+00:00` in `sentAt`/`doneAt`, D7).
    `no_retry` sends every batch once, whatever the receiver answers (D11).
    """

    lost: float = 0.0
    duplicated: float = 0.0
    late: float = 0.0
    late_seconds: float = 0.0
    wrong_message_id: float = 0.0
    without_callback_data: float = 0.0
    colon_offset: float = 0.0
    no_retry: bool = False

    def __post_init__(self) -> None:
        for name in _FAULT_FRACTIONS:
            check_fraction(f"the report fault fraction {name}", getattr(self, name))
        check_finite_at_least("late_seconds", self.late_seconds, 0.0)
        if self.late > 0 and self.late_seconds == 0:
            raise ValueError("a late-report fraction needs late_seconds > 0")

    @property
    def enabled(self) -> bool:
        """Whether any report fault is drawn at all."""
        return self.no_retry or any(getattr(self, name) > 0 for name in _FAULT_FRACTIONS)


@dataclass(frozen=True)
class ReportConfig:
    """The report lifecycle of a sandbox.

    - `enabled`: track accepted destinations at all (off: no reports, `GET /sms/1/reports` empty).
    - Outcome: `mode="mix"` draws each final status with the shares `undeliverable`, `expired`,
      `rejected` (the rest DELIVERED); `mode="by-destination"` lets the last digit of `to` pick
      it (docs/sandbox.md's table), for repeatable results.
    - Delay to the final status: `delay_ms`, exactly with `fixed`, else the mean of an
      `exponential` or `lognormal` (shape `delay_sigma`) draw capped at `delay_cap_factor` x mean.
    - `time_scale` multiplies the provider's clock where it counts in minutes: the retry
      schedule (1 min + n² min before retry n, D11) and `validityPeriod` (a message whose delay
      exceeds it ends EXPIRED). 0.001 turns a minute into 60 ms.
    - Pushes: batches of up to `batch_size` (100, D2), sent once full or `batch_wait_ms` after the
      first report queued; at most `max_concurrent_pushes` in flight, each given
      `push_timeout_seconds`; `max_retries` after a 5xx or no answer; a 4xx is not retried.
    - `allowed_push_hosts`: host names besides loopback addresses that may be pushed to.
    - Memory: at most `max_reports` messages are tracked; a message is forgotten
      `retention_seconds` after it was sent (48 h at the provider); counters say what was dropped.
    - `seed` makes outcomes, delays and report faults reproducible in arrival order.
    - `worker`: `inline` runs the lifecycle in the serving process's event loop (one process, the
      embedded sandbox's default); `process` runs it in a process of its own, fed a compact record
      of each accepted request over a socket pair (the command line's default: the send path
      then pays ~1 µs a request for reports instead of ~70, benchmarks/README.md).
    """

    enabled: bool = True
    mode: OutcomeMode = "mix"
    undeliverable: float = 0.0
    expired: float = 0.0
    rejected: float = 0.0
    delay_ms: float = 1000.0
    delay_distribution: DelayDistribution = "fixed"
    delay_sigma: float = 0.5
    delay_cap_factor: float = 20.0
    time_scale: float = 1.0
    batch_size: int = 100
    batch_wait_ms: float = 100.0
    max_concurrent_pushes: int = 16
    push_timeout_seconds: float = 10.0
    max_retries: int = 5
    allowed_push_hosts: Sequence[str] = ()
    max_reports: int = 100_000
    retention_seconds: float = 48 * 3600.0
    price_per_message: float = 0.01
    currency: str = "EUR"
    faults: ReportFaultConfig = field(default_factory=ReportFaultConfig)
    seed: int | None = None
    worker: ReportWorker = "inline"

    def __post_init__(self) -> None:
        if self.worker not in _WORKERS:
            raise ValueError(
                f"report worker must be one of {', '.join(_WORKERS)}, got {self.worker!r}"
            )
        if self.mode not in _MODES:
            raise ValueError(f"report mode must be one of {', '.join(_MODES)}, got {self.mode!r}")
        for name in ("undeliverable", "expired", "rejected"):
            check_fraction(f"the {name} share", getattr(self, name))
        if self.undeliverable + self.expired + self.rejected > 1.0 + 1e-9:
            raise ValueError("the undeliverable, expired and rejected shares add up to more than 1")
        check_finite_at_least("delay_ms", self.delay_ms, 0.0)
        if self.delay_distribution not in _DISTRIBUTIONS:
            raise ValueError(
                f"report delay distribution must be one of {', '.join(_DISTRIBUTIONS)}, "
                f"got {self.delay_distribution!r}"
            )
        check_finite_at_least("delay_sigma", self.delay_sigma, 0.0)
        check_finite_at_least("delay_cap_factor", self.delay_cap_factor, 1.0)
        check_finite_at_least("time_scale", self.time_scale, 0.0)
        if self.time_scale == 0:
            raise ValueError("time_scale must be greater than 0")
        if not isinstance(self.batch_size, int) or not 1 <= self.batch_size <= 100:
            raise ValueError(f"batch_size must be 1-100 (D2), got {self.batch_size!r}")
        check_finite_at_least("batch_wait_ms", self.batch_wait_ms, 0.0)
        if not isinstance(self.max_concurrent_pushes, int) or self.max_concurrent_pushes < 1:
            raise ValueError(
                f"max_concurrent_pushes must be at least 1, got {self.max_concurrent_pushes!r}"
            )
        check_finite_at_least("push_timeout_seconds", self.push_timeout_seconds, 0.001)
        if not isinstance(self.max_retries, int) or self.max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, got {self.max_retries!r}")
        hosts = tuple(self.allowed_push_hosts)
        for host in hosts:
            if not _is_bare_host(host):
                raise ValueError(
                    f"an allowed push host is a bare host name or address, got {host!r}"
                )
        object.__setattr__(self, "allowed_push_hosts", tuple(h.strip().lower() for h in hosts))
        if not isinstance(self.max_reports, int) or self.max_reports < 1:
            raise ValueError(f"max_reports must be at least 1, got {self.max_reports!r}")
        check_finite_at_least("retention_seconds", self.retention_seconds, 1.0)
        check_finite_at_least("price_per_message", self.price_per_message, 0.0)
        if not self.currency.strip():
            raise ValueError("currency must not be empty")
