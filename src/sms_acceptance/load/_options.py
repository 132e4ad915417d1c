"""The kit's options for `locust -f loadtests`, added through Locust's own parser hook.

Registered in `events.init_command_line_parser`, so they appear in `locust --help`, are read from
`locust.conf` (and `[tool.locust]` in pyproject.toml) and from `LOCUST_…` environment variables like
Locust's own. None is shown in the web UI (`include_in_web_ui=False`): the credential must never be
rendered there, and the rest are run-defining, not knobs to change between runs.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from typing import Any

from sms_acceptance._reproduction import AUTHORIZATION_ENV

from ._dlr_options import add_report_options
from ._network import add_network_arguments
from ._thresholds import (
    DEFAULT_THRESHOLD_EXPRESSIONS,
    Threshold,
    ThresholdSyntaxError,
    parse_threshold,
)

DEFAULT_ENDPOINT_PATH = "/sms/1/text/advanced"
DEFAULT_REPORT_DIR = "reports/load"
DEFAULT_MAX_MESSAGES = 50
DEFAULT_PAYLOAD_POOL = 16
KIT_OPTION_DESTS = frozenset(
    {
        "authorization",
        "endpoint_path",
        "arrival_rate",
        "threshold",
        "validate_fraction",
        "report_dir",
        "payload_seed",
        "payload_pool",
        "allow_live_traffic",
        "max_messages",
        "test_destination",
        # The route and TLS choices: a form that could set a proxy could read the credential.
        "proxy",
        "ca_bundle",
        "client_cert",
        "client_key",
        "no_tls_verify",
    }
)
"""Every option `add_load_options` adds: set on the command line only (the web UI may not)."""


def _threshold(text: str) -> str:
    """Checked at parse time (one-line error before the run), kept as text: a master forwards
    parsed options to its workers through msgpack, which carries strings, not dataclasses."""
    try:
        parse_threshold(text)
    except ThresholdSyntaxError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1: {text!r}")
    return value


def _positive_rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of requests/s: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of requests/s: {text!r}")
    return value


def _path(text: str) -> str:
    if not text.startswith("/") or any(c.isspace() for c in text):
        raise argparse.ArgumentTypeError(f"must be a path starting with '/': {text!r}")
    return text


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text!r}")
    return value


def _positive_int(text: str) -> int:
    value = _non_negative_int(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {text!r}")
    return value


def add_load_options(parser: Any) -> None:
    """Add the kit's options to Locust's parser (a `LocustArgumentParser`)."""
    # On the parser itself, not a group: only LocustArgumentParser.add_argument takes
    # include_in_web_ui / is_secret.
    group = parser
    group.add_argument(
        "--authorization",
        env_var=AUTHORIZATION_ENV,
        default=None,
        metavar="VALUE",
        help=f"Authorization header value, e.g. 'App KEY' (or ${AUTHORIZATION_ENV}). Never printed "
        "or written; reports show 'App ***'. Default with no --host: a fresh key for the sandbox.",
        include_in_web_ui=False,
        is_secret=True,
    )
    group.add_argument(
        "--endpoint-path",
        env_var="LOCUST_ENDPOINT_PATH",
        type=_path,
        default=DEFAULT_ENDPOINT_PATH,
        help=f"Path of the send endpoint under --host (default {DEFAULT_ENDPOINT_PATH}).",
        include_in_web_ui=False,
    )
    group.add_argument(
        "--arrival-rate",
        env_var="LOCUST_ARRIVAL_RATE",
        type=_positive_rate,
        default=None,
        metavar="R",
        help="Open model: R requests/s for the whole run, split across users and workers; "
        "latency is also measured from each request's intended start. Default: closed model.",
        include_in_web_ui=False,
    )
    group.add_argument(
        "--threshold",
        env_var="LOCUST_THRESHOLD",
        type=_threshold,
        action="append",
        default=None,
        metavar="EXPR",
        help="Gate the exit code (repeatable): e.g. 'p95<250ms', 'p99.9<1s', "
        "'corrected_p99<500ms', 'error_rate<1%%', 'rps>=400'. Default: error_rate<1%%. "
        "Exit code 3 when one fails.",
        include_in_web_ui=False,
    )
    group.add_argument(
        "--validate-fraction",
        env_var="LOCUST_VALIDATE_FRACTION",
        type=_fraction,
        default=1.0,
        metavar="F",
        help="Share of 200 responses validated against the response schema (default 1.0).",
        include_in_web_ui=False,
    )
    group.add_argument(
        "--report-dir",
        env_var="LOCUST_REPORT_DIR",
        default=DEFAULT_REPORT_DIR,
        metavar="DIR",
        help=f"Where summary.json, report.html and the CSVs go (default {DEFAULT_REPORT_DIR}).",
        include_in_web_ui=False,
    )
    group.add_argument(
        "--payload-seed",
        env_var="LOCUST_PAYLOAD_SEED",
        type=_non_negative_int,
        default=0,
        metavar="N",
        help="Seed of the pre-generated payloads (same seed, same requests; default 0).",
        include_in_web_ui=False,
    )
    group.add_argument(
        "--payload-pool",
        env_var="LOCUST_PAYLOAD_POOL",
        type=_positive_int,
        default=DEFAULT_PAYLOAD_POOL,
        metavar="N",
        help=f"Distinct requests drawn per scenario before the run "
        f"(default {DEFAULT_PAYLOAD_POOL}).",
        include_in_web_ui=False,
    )
    group.add_argument(
        "--allow-live-traffic",
        env_var="LOCUST_ALLOW_LIVE_TRAFFIC",
        action="store_true",
        default=False,
        help="Allow a non-loopback --host: every accepted request there is a real, billable SMS.",
        include_in_web_ui=False,
    )
    group.add_argument(
        "--max-messages",
        env_var="LOCUST_MAX_MESSAGES",
        type=_non_negative_int,
        default=DEFAULT_MAX_MESSAGES,
        metavar="N",
        help=f"Live traffic: at most N destinations in total (default {DEFAULT_MAX_MESSAGES}).",
        include_in_web_ui=False,
    )
    group.add_argument(
        "--test-destination",
        env_var="LOCUST_TEST_DESTINATION",
        action="append",
        default=None,
        metavar="NUMBER",
        help="Live traffic: a number messages may go to (repeatable); the only destinations used.",
        include_in_web_ui=False,
    )
    add_network_arguments(group)
    add_report_options(parser)


@dataclass(frozen=True)
class LoadOptions:
    """The kit's options for one run, read from Locust's parsed options (types already checked)."""

    authorization: str | None
    endpoint_path: str
    arrival_rate: float | None
    thresholds: tuple[Threshold, ...]
    validate_fraction: float
    report_dir: str
    payload_seed: int
    payload_pool: int
    allow_live_traffic: bool
    max_messages: int
    test_destinations: tuple[str, ...]

    @staticmethod
    def from_parsed(parsed: Any) -> LoadOptions:
        """From `environment.parsed_options` (on a worker: as forwarded by the master)."""

        def get(name: str, default: Any) -> Any:
            value = getattr(parsed, name, default)
            return default if value is None else value

        expressions = get("threshold", []) or DEFAULT_THRESHOLD_EXPRESSIONS
        thresholds = [parse_threshold(str(text)) for text in expressions]
        rate = get("arrival_rate", None)
        return LoadOptions(
            authorization=get("authorization", None),
            endpoint_path=str(get("endpoint_path", DEFAULT_ENDPOINT_PATH)),
            arrival_rate=None if rate is None else float(rate),
            thresholds=tuple(thresholds),
            validate_fraction=float(get("validate_fraction", 1.0)),
            report_dir=str(get("report_dir", DEFAULT_REPORT_DIR)),
            payload_seed=int(get("payload_seed", 0)),
            payload_pool=int(get("payload_pool", DEFAULT_PAYLOAD_POOL)),
            allow_live_traffic=bool(get("allow_live_traffic", False)),
            max_messages=int(get("max_messages", DEFAULT_MAX_MESSAGES)),
            test_destinations=tuple(get("test_destination", [])),
        )
