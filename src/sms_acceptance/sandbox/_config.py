"""What a sandbox is told at start: the credentials it accepts and the faults it injects.

Both are frozen values, checked when built, so a bad option fails once, at start, with one line,
rather than on the first request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from ._report_config import ReportConfig
from ._value_checks import check_finite_at_least, check_fraction

__all__ = [
    "ACCEPTED_SCHEMES",
    "DEFAULT_ENDPOINT_PATH",
    "FAULT_STATUSES",
    "V1_ENDPOINT_SUFFIX",
    "V2_ENDPOINT_SUFFIX",
    "FaultConfig",
    "LatencyDistribution",
    "SandboxConfig",
]

DEFAULT_ENDPOINT_PATH = "/sms/1/text/advanced"
# rules.md "Paths": the same body and rules on both; every current client posts to /sms/2.
V1_ENDPOINT_SUFFIX = "/sms/1/text/advanced"
V2_ENDPOINT_SUFFIX = "/sms/2/text/advanced"

# provider-facts §4: the four schemes the provider accepts in the Authorization header.
ACCEPTED_SCHEMES = ("Basic", "App", "IBSSO", "Bearer")

# Injectable error statuses and the envelope each answers with (provider-facts §3.2 where the
# provider documents one; 502/504 follow the same naming for gateways in front of it).
FAULT_STATUSES: Mapping[int, tuple[str, str]] = MappingProxyType(
    {
        429: ("TOO_MANY_REQUESTS", "Too many requests"),
        500: ("GENERAL_ERROR", "Something went wrong. Please contact support."),
        502: ("BAD_GATEWAY", "Bad gateway"),
        503: ("SERVICE_UNAVAILABLE", "Service unavailable"),
        504: ("GATEWAY_TIMEOUT", "Gateway timeout"),
    }
)

LatencyDistribution = Literal["fixed", "exponential", "lognormal"]
_DISTRIBUTIONS: tuple[LatencyDistribution, ...] = ("fixed", "exponential", "lognormal")


@dataclass(frozen=True)
class FaultConfig:
    """Faults the sandbox injects for load tests and demos; all off by default.

    - `latency_ms`: added to every answer; exactly that with `fixed`, else the *mean* of an
      `exponential` or `lognormal` draw (lognormal shape `latency_sigma`). Draws are capped at
      `latency_cap_factor` x the mean so one unlucky draw cannot hang a bounded test.
    - `error_fractions`: `{503: 0.05}` answers 5 % of requests with a 503 and its envelope
      (statuses in `FAULT_STATUSES`); the fractions together at most 1.
    - `stall_fraction` of requests hang `stall_seconds` before answering (an `asyncio.sleep`, so
      other connections carry on).
    - `seed` makes the sequence of faults reproducible: the n-th request to arrive gets the same
      faults on every run. Without a seed each sandbox draws its own.
    """

    latency_ms: float = 0.0
    latency_distribution: LatencyDistribution = "fixed"
    latency_sigma: float = 0.5
    latency_cap_factor: float = 20.0
    error_fractions: Mapping[int, float] = field(default_factory=dict)
    stall_fraction: float = 0.0
    stall_seconds: float = 0.0
    seed: int | None = None

    def __post_init__(self) -> None:
        check_finite_at_least("latency_ms", self.latency_ms, 0.0)
        if self.latency_distribution not in _DISTRIBUTIONS:
            raise ValueError(
                f"latency distribution must be one of {', '.join(_DISTRIBUTIONS)}, "
                f"got {self.latency_distribution!r}"
            )
        check_finite_at_least("latency_sigma", self.latency_sigma, 0.0)
        check_finite_at_least("latency_cap_factor", self.latency_cap_factor, 1.0)
        fractions = dict(self.error_fractions)
        for status, fraction in fractions.items():
            if status not in FAULT_STATUSES:
                known = ", ".join(str(s) for s in FAULT_STATUSES)
                raise ValueError(f"cannot inject status {status!r}: choose one of {known}")
            check_fraction(f"the fraction for {status}", fraction)
        if sum(fractions.values()) > 1.0 + 1e-9:
            raise ValueError("the error fractions add up to more than 1")
        object.__setattr__(self, "error_fractions", MappingProxyType(fractions))
        check_fraction("stall_fraction", self.stall_fraction)
        check_finite_at_least("stall_seconds", self.stall_seconds, 0.0)
        if self.stall_fraction > 0 and self.stall_seconds == 0:
            raise ValueError("a stall fraction needs stall_seconds > 0")

    @property
    def enabled(self) -> bool:
        """Whether any fault is injected at all (the sandbox skips the fault step otherwise)."""
        return bool(
            self.latency_ms > 0
            or any(f > 0 for f in self.error_fractions.values())
            or (self.stall_fraction > 0 and self.stall_seconds > 0)
        )


def _check_authorization(value: str) -> None:
    """One-line error for an Authorization value the sandbox could never match.

    The message never repeats the value: it is a secret even when it is malformed.
    """
    if not isinstance(value, str):
        raise ValueError("an authorization must be a string such as 'App KEY'")
    scheme, _, credential = value.strip().partition(" ")
    if scheme.lower() not in {s.lower() for s in ACCEPTED_SCHEMES} or not credential.strip():
        raise ValueError(
            "an authorization must be '<scheme> <credential>' with scheme one of "
            f"{', '.join(ACCEPTED_SCHEMES)} (e.g. 'App 003026bbc1...')"
        )
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise ValueError("an authorization must not contain control characters")


@dataclass(frozen=True)
class SandboxConfig:
    """Everything a sandbox needs: the accepted credential(s) and the faults to inject.

    `authorization` is one header value (`"App KEY"`) or several, any of which is accepted, each
    in the scheme it is written with (A5). It is left out of `repr` so a config can be logged.
    """

    authorization: str | Sequence[str] = field(repr=False)
    faults: FaultConfig = field(default_factory=FaultConfig)
    endpoint_path: str = DEFAULT_ENDPOINT_PATH
    max_body_bytes: int = 4 * 1024 * 1024
    max_destinations: int = 1000
    # Delivery reports (rules.md D1-D14): on by default, pushing only to loopback notifyUrls.
    reports: ReportConfig = field(default_factory=ReportConfig)

    def __post_init__(self) -> None:
        values = self.accepted_authorizations
        if not values:
            raise ValueError("the sandbox needs at least one accepted authorization")
        for value in values:
            _check_authorization(value)
        if not self.endpoint_path.startswith("/"):
            raise ValueError(f"the endpoint path must start with '/', got {self.endpoint_path!r}")
        if not self.endpoint_path.endswith((V1_ENDPOINT_SUFFIX, V2_ENDPOINT_SUFFIX)):
            raise ValueError(
                f"the sandbox cannot emulate POST {self.endpoint_path}: it serves "
                f"{V1_ENDPOINT_SUFFIX} and {V2_ENDPOINT_SUFFIX} (under an optional prefix), "
                "not another contract such as /sms/3/messages"
            )
        if self.max_body_bytes < 1024:
            raise ValueError(f"max_body_bytes must be at least 1024, got {self.max_body_bytes}")
        if self.max_destinations < 1:
            raise ValueError(f"max_destinations must be at least 1, got {self.max_destinations}")

    @property
    def endpoint_paths(self) -> tuple[str, str]:
        """The two paths served together: `endpoint_path` and its other version (v1, v2).

        A prefix before `/sms/N/text/advanced` (a gateway mounted under `/api`, say) is kept.
        """
        for suffix in (V1_ENDPOINT_SUFFIX, V2_ENDPOINT_SUFFIX):
            if self.endpoint_path.endswith(suffix):
                prefix = self.endpoint_path[: -len(suffix)]
                return (prefix + V1_ENDPOINT_SUFFIX, prefix + V2_ENDPOINT_SUFFIX)
        raise AssertionError("endpoint_path was checked in __post_init__")

    @property
    def accepted_authorizations(self) -> tuple[str, ...]:
        """The accepted Authorization values, whitespace-trimmed, as a tuple."""
        if isinstance(self.authorization, str):
            return (self.authorization.strip(),)
        return tuple(
            value.strip() if isinstance(value, str) else value for value in self.authorization
        )
