"""The suite's command-line options, read once into a frozen `SuiteOptions`.

Every problem with them is a usage error with one line of text (pytest prints `ERROR: ...` and exits
with 4) before any test runs: a vendor's CI log should say what to fix, not show a traceback. The
credential is validated without ever being repeated in a message.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pytest

from sms_acceptance._live_guard import LiveTrafficGuard, LiveTrafficRefused
from sms_acceptance._network import NetworkSettings
from sms_acceptance.conformance.checks._client_compat import load_recordings, matches_client
from sms_acceptance.conformance.checks._profile import (
    VendorProfile,
    VendorProfileError,
    load_profile,
)
from sms_acceptance.conformance.plugin._concurrency_options import (
    SendingSettings,
    add_concurrency_options,
    read_concurrency_options,
)
from sms_acceptance.conformance.plugin._network_options import (
    add_network_options,
    read_network_options,
)
from sms_acceptance.conformance.transport._auth_header import AUTH_ENV_VAR
from sms_acceptance.conformance.transport._base_url import BaseUrl, BaseUrlError
from sms_acceptance.conformance.transport._limits import DEFAULT_LIMITS, Limits

__all__ = ["DEFAULT_ENDPOINT_PATH", "SuiteOptions", "add_options", "read_options"]

DEFAULT_ENDPOINT_PATH = "/sms/1/text/advanced"
DEFAULT_REPORT_DIR = "reports/conformance"
_GROUP = "sms-acceptance conformance"
_MSISDN = re.compile(r"\A\+?[0-9]{3,20}\Z")
_SCHEME = re.compile(r"\A[A-Za-z][A-Za-z0-9._-]*\Z")


@dataclass(frozen=True)
class SuiteOptions:
    """The run's settings, validated. `base` (the parsed base URL) and `authorization` are None
    until the embedded sandbox provides them."""

    base: BaseUrl | None
    endpoint_path: str
    authorization: str | None = field(repr=False)
    level: Literal["must", "should"]
    vendor_profile: VendorProfile
    allow_live_traffic: bool
    max_messages: int
    test_destinations: tuple[str, ...]
    report_dir: Path
    # K1-K5: clients whose breakage fails the run (--require-client and the vendor profile).
    required_clients: tuple[str, ...] = ()
    network: NetworkSettings = field(default_factory=NetworkSettings)
    sending: SendingSettings = field(default_factory=SendingSettings)
    # The bounds on each request; `--request-timeout` sets its deadline.
    limits: Limits = DEFAULT_LIMITS

    @property
    def request_timeout(self) -> float:
        """`--request-timeout`: each request's overall deadline (`limits.request_timeout`)."""
        return self.limits.request_timeout

    @property
    def base_url(self) -> str | None:
        """The base URL as shown in reports and commands (no trailing `/`)."""
        return None if self.base is None else self.base.text

    @property
    def endpoint_url(self) -> str:
        assert self.base is not None
        return self.base.url(self.endpoint_path)

    @property
    def live(self) -> bool:
        """Whether requests go to a non-loopback target (real, billable SMS)."""
        return self.base is not None and not self.base.loopback

    def live_traffic_guard(self) -> LiveTrafficGuard:
        """The run's guard over these options (the one place options become a guard): the
        target check before any test, an xdist worker's check of its handed-over target, and
        the session's budget all use it."""
        return _guard(self.allow_live_traffic, self.max_messages, self.test_destinations, self.base)


def _guard(
    allow_live: bool, max_messages: int, destinations: tuple[str, ...], base: BaseUrl | None
) -> LiveTrafficGuard:
    return LiveTrafficGuard(
        allow_live_traffic=allow_live,
        max_destinations=max_messages,
        allowed_destinations=destinations,
        live_origins=() if base is None else (base.text,),
    )


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup(_GROUP, "sms-acceptance conformance suite")
    group.addoption(
        "--authorization",
        dest="sms_authorization",
        default=None,
        metavar="VALUE",
        help=f"the whole Authorization header value, e.g. 'App KEY' (default: ${AUTH_ENV_VAR}; "
        "never shown, reports say 'App ***')",
    )
    group.addoption(
        "--endpoint-path",
        dest="sms_endpoint_path",
        default=DEFAULT_ENDPOINT_PATH,
        metavar="PATH",
        help=f"path of the send endpoint below --base-url (default {DEFAULT_ENDPOINT_PATH})",
    )
    group.addoption(
        "--request-timeout",
        dest="sms_request_timeout",
        default=f"{DEFAULT_LIMITS.request_timeout:g}",
        metavar="SECONDS",
        help="overall deadline per request: connect, send and the whole answer (default "
        f"{DEFAULT_LIMITS.request_timeout:g})",
    )
    group.addoption(
        "--level",
        dest="sms_level",
        default="should",
        metavar="{must,should}",
        help="'must': only what the document states outright; 'should' (default): everything",
    )
    group.addoption(
        "--vendor-profile",
        dest="sms_vendor_profile",
        default=None,
        metavar="FILE",
        help="TOML file declaring the vendor's documented deviations (shown as DECLARED)",
    )
    group.addoption(
        "--allow-live-traffic",
        dest="sms_allow_live_traffic",
        action="store_true",
        default=False,
        help="allow sending to a base URL that is not loopback: every request there is a real, "
        "billable SMS",
    )
    group.addoption(
        "--max-messages",
        dest="sms_max_messages",
        default="50",
        metavar="N",
        help="live runs: at most N destinations in total over the run (default 50)",
    )
    group.addoption(
        "--test-destination",
        dest="sms_test_destinations",
        action="append",
        default=[],
        metavar="MSISDN",
        help="live runs: a number messages may be sent to (repeatable; required for live runs)",
    )
    group.addoption(
        "--require-client",
        dest="sms_require_clients",
        action="append",
        default=[],
        metavar="NAME",
        help="fail the run if this Infobip client breaks against the target (repeatable; a "
        "client id such as infobip-api-python-sdk-5, or a package name); otherwise the client "
        "table is informational",
    )
    group.addoption(
        "--report-dir",
        dest="sms_report_dir",
        default=DEFAULT_REPORT_DIR,
        metavar="DIR",
        help=f"where summary.json, report.html and junit.xml are written (default "
        f"{DEFAULT_REPORT_DIR})",
    )
    add_network_options(group)
    add_concurrency_options(group)


def _usage(message: str) -> pytest.UsageError:
    return pytest.UsageError(" ".join(message.split()))


def validate_authorization(value: str, source: str) -> str:
    """The value, stripped; a one-line usage error (never echoing it) when unusable."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise _usage(f"{source}: the Authorization value contains control characters")
    stripped = value.strip()
    scheme, _, credential = stripped.partition(" ")
    if not stripped or not credential.strip() or not _SCHEME.match(scheme):
        raise _usage(
            f"{source}: the Authorization value must be '<scheme> <credential>', e.g. 'App KEY' "
            "(the whole header value)"
        )
    return stripped


def _base_url(config: pytest.Config) -> BaseUrl | None:
    value = config.getoption("base_url", None) or config.getini("base_url") or None
    if value is None:
        return None
    try:
        return BaseUrl.parse(str(value))
    except BaseUrlError as error:
        raise _usage(f"--base-url {error}") from None


def _float(text: str, name: str, low: float, high: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _usage(f"{name} must be a number of seconds, got {text!r}") from None
    if not low < value <= high:
        raise _usage(f"{name} must be more than {low:g} and at most {high:g}, got {text!r}")
    return value


def _int(text: str, name: str, low: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise _usage(f"{name} must be an integer, got {text!r}") from None
    if value < low:
        raise _usage(f"{name} must be at least {low}, got {value}")
    return value


def read_options(config: pytest.Config) -> SuiteOptions:
    """Validate everything; `pytest.UsageError` with one line on the first problem."""
    base = _base_url(config)
    path = str(config.getoption("sms_endpoint_path"))
    if not path.startswith("/") or any(c in path for c in " ?#\n\r\t"):
        raise _usage(f"--endpoint-path {path!r} must start with '/' and hold no spaces, ? or #")
    timeout = _float(
        str(config.getoption("sms_request_timeout")),
        "--request-timeout",
        0,
        DEFAULT_LIMITS.longest_request_timeout,
    )
    level = str(config.getoption("sms_level")).strip().lower()
    if level not in {"must", "should"}:
        raise _usage(f"--level must be 'must' or 'should', got {level!r}")
    max_messages = _int(str(config.getoption("sms_max_messages")), "--max-messages", 1)
    destinations = tuple(str(d).strip() for d in config.getoption("sms_test_destinations"))
    for destination in destinations:
        if not _MSISDN.match(destination):
            raise _usage(
                f"--test-destination {destination!r} must be a phone number (digits, "
                "international format, optional leading +)"
            )
    authorization: str | None = config.getoption("sms_authorization")
    source = "--authorization"
    if authorization is None and os.environ.get(AUTH_ENV_VAR):
        authorization, source = os.environ[AUTH_ENV_VAR], f"${AUTH_ENV_VAR}"
    if authorization is not None:
        authorization = validate_authorization(authorization, source)
    if base is not None and authorization is None:
        raise _usage(
            f"--base-url needs a credential: pass --authorization 'App KEY' or set ${AUTH_ENV_VAR}"
        )
    profile_path = config.getoption("sms_vendor_profile")
    try:
        profile = load_profile(Path(profile_path)) if profile_path else VendorProfile()
    except VendorProfileError as error:
        raise _usage(str(error)) from None
    allow_live = bool(config.getoption("sms_allow_live_traffic"))
    if base is not None:  # before any test: a refused target is a usage error, not a failed run
        try:
            _guard(allow_live, max_messages, destinations, base).check_target(base.url(path))
        except LiveTrafficRefused as error:
            raise _usage(str(error)) from None
    required = _required_clients(
        [str(n) for n in config.getoption("sms_require_clients")], profile.required_clients
    )
    return SuiteOptions(
        base=base,
        endpoint_path=path,
        authorization=authorization,
        limits=dataclasses.replace(DEFAULT_LIMITS, request_timeout=timeout),
        level=level,  # type: ignore[arg-type]
        vendor_profile=profile,
        allow_live_traffic=allow_live,
        max_messages=max_messages,
        test_destinations=destinations,
        report_dir=Path(str(config.getoption("sms_report_dir"))),
        required_clients=required,
        network=read_network_options(config, None if base is None else base.url(path)),
        sending=read_concurrency_options(config),
    )


def _required_clients(given: list[str], from_profile: tuple[str, ...]) -> tuple[str, ...]:
    """The required client names, each one a known client (else a one-line usage error)."""
    recordings = load_recordings()
    names: list[str] = []
    for name in [*given, *from_profile]:
        name = name.strip()
        if not any(matches_client(name, r) for r in recordings):
            known = ", ".join(r.client for r in recordings)
            raise _usage(f"--require-client {name!r} names no known client (known: {known})")
        if name not in names:
            names.append(name)
    return tuple(names)
