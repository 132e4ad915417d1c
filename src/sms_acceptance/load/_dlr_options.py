"""The load test's delivery-report options, beside the kit's others (`add_load_options` calls
`add_report_options`), read into one frozen value.

Kept in their own module so the report measurement reads at a glance and the shared option list
grows by one line. Like the others they come from the command line, `locust.conf` or `LOCUST_…`
variables, and are checked when parsed (one line, exit code 2).
"""

from __future__ import annotations

import argparse
import math
import re
import shlex
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ._dlr_metrics import DEFAULT_SLOW_AFTER_SECONDS

DEFAULT_GRACE_SECONDS = 30.0
_DURATION = re.compile(r"^(?P<value>\d+(?:\.\d*)?|\.\d+)(?P<unit>ms|s|m)?$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, None: 1.0}


def _duration(text: str) -> float:
    match = _DURATION.match(text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(f"not a duration (e.g. 30, 30s, 4m): {text!r}")
    value = float(match["value"]) * _UNIT_SECONDS[match["unit"]]
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a finite duration: {text!r}")
    return value


def _notify_url(text: str) -> str:
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise argparse.ArgumentTypeError(
            f"--dlr-notify-url needs an http(s) URL without a query, e.g. "
            f"https://dlr.example.net/hook: {text!r}"
        )
    return text.strip().rstrip("/")


def _listen_address(text: str) -> str:
    host, sep, port = text.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT (PORT 0 for any): {text!r}")
    return f"{host}:{port}"


def _sandbox_arguments(text: str) -> str:
    try:
        shlex.split(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"--sandbox-args: {error}") from None
    return text


def add_report_options(parser: Any) -> None:
    """Add the delivery-report options to Locust's parser (a `LocustArgumentParser`)."""
    parser.add_argument(
        "--dlr-grace",
        env_var="LOCUST_DLR_GRACE",
        type=_duration,
        default=DEFAULT_GRACE_SECONDS,
        metavar="DURATION",
        help="How long after the run final delivery reports are still awaited (default 30s); "
        "the wait ends early once every accepted message has one.",
        include_in_web_ui=False,
    )
    parser.add_argument(
        "--dlr-slow-after",
        env_var="LOCUST_DLR_SLOW_AFTER",
        type=_duration,
        default=DEFAULT_SLOW_AFTER_SECONDS,
        metavar="DURATION",
        help="A message whose final report comes later than this (or never) is slow "
        "(default 4m, as GOV.UK Notify counts).",
        include_in_web_ui=False,
    )
    parser.add_argument(
        "--dlr-notify-url",
        env_var="LOCUST_DLR_NOTIFY_URL",
        type=_notify_url,
        default=None,
        metavar="URL",
        help="The URL a remote gateway should push reports to (e.g. a tunnel to "
        "--dlr-receiver-listen); default: the receiver's own loopback URL.",
        include_in_web_ui=False,
    )
    parser.add_argument(
        "--dlr-receiver-listen",
        env_var="LOCUST_DLR_RECEIVER_LISTEN",
        type=_listen_address,
        default="127.0.0.1:0",
        metavar="HOST:PORT",
        help="Where each load process's report receiver listens (default 127.0.0.1:0, a free "
        "loopback port).",
        include_in_web_ui=False,
    )
    parser.add_argument(
        "--sandbox-args",
        env_var="LOCUST_SANDBOX_ARGS",
        type=_sandbox_arguments,
        default="",
        metavar="'OPTIONS'",
        help="Options for the embedded sandbox (no --host), as `sms-acceptance sandbox` takes "
        "them, e.g. '--report-share undeliverable=0.1 --report-fault lost=0.05'.",
        include_in_web_ui=False,
    )


@dataclass(frozen=True)
class ReportOptions:
    """The delivery-report options of one run (types already checked by the parser)."""

    grace_seconds: float
    slow_after_seconds: float
    notify_url: str | None
    receiver_host: str
    receiver_port: int
    sandbox_arguments: tuple[str, ...]

    @staticmethod
    def from_parsed(parsed: Any) -> ReportOptions:
        def get(name: str, default: Any) -> Any:
            value = getattr(parsed, name, default)
            return default if value is None else value

        host, _, port = str(get("dlr_receiver_listen", "127.0.0.1:0")).rpartition(":")
        return ReportOptions(
            grace_seconds=float(get("dlr_grace", DEFAULT_GRACE_SECONDS)),
            slow_after_seconds=float(get("dlr_slow_after", DEFAULT_SLOW_AFTER_SECONDS)),
            notify_url=get("dlr_notify_url", None),
            receiver_host=host,
            receiver_port=int(port),
            sandbox_arguments=tuple(shlex.split(str(get("sandbox_args", "")))),
        )
