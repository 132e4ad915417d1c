"""The `sms-acceptance sandbox` options for delivery reports, mapped one to one onto `ReportConfig`.

Kept apart from `_command.py` so the send options and the report options each read at a glance.
A bad value is a one-line usage error (`argparse` types here, `ReportConfig` checks the rest).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from ._report_config import ReportConfig, ReportFaultConfig
from ._value_checks import number_argument

__all__ = ["add_report_arguments", "report_config_from_arguments"]

_SHARES = ("undeliverable", "expired", "rejected")
_FAULTS = (
    "lost",
    "duplicated",
    "late",
    "wrong-message-id",
    "without-callback-data",
    "colon-offset",
)


def _named_fraction(choices: tuple[str, ...]) -> Callable[[str], tuple[str, float]]:
    def parse(text: str) -> tuple[str, float]:
        name, sep, value = text.partition("=")
        name = name.strip().lower()
        try:
            if not sep or name not in choices:
                raise ValueError
            return name, float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected NAME=FRACTION with NAME one of {', '.join(choices)}, got {text!r}"
            ) from None

    return parse


def _count(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """The delivery-report option group."""
    group = parser.add_argument_group(
        "delivery reports (rules.md D1-D14; pushed only to loopback notifyUrls unless allowed)"
    )
    group.add_argument(
        "--no-reports", action="store_true", help="track no messages: no pushes, empty pulls"
    )
    group.add_argument(
        "--report-mode",
        choices=("mix", "by-destination"),
        default="mix",
        help="mix: draw outcomes with --report-share; by-destination: the last digit of `to` "
        "picks it (7 undeliverable, 8 expired, 9 rejected, else delivered)",
    )
    group.add_argument(
        "--report-share",
        type=_named_fraction(_SHARES),
        action="append",
        default=[],
        metavar="OUTCOME=FRACTION",
        help="share of final reports UNDELIVERABLE, EXPIRED or REJECTED (rest DELIVERED); "
        "repeatable, e.g. undeliverable=0.06",
    )
    group.add_argument(
        "--report-delay-ms",
        type=number_argument,
        default=1000.0,
        help="delay from acceptance to the final status (the mean for a distribution)",
    )
    group.add_argument(
        "--report-delay-distribution",
        choices=("fixed", "exponential", "lognormal"),
        default="fixed",
    )
    group.add_argument(
        "--report-delay-sigma", type=number_argument, default=0.5, help="shape of the lognormal"
    )
    group.add_argument(
        "--report-time-scale",
        type=number_argument,
        default=1.0,
        help="multiplies the provider's minutes: retries 1+n^2 min apart and validityPeriod "
        "(0.001: a minute is 60 ms)",
    )
    group.add_argument(
        "--report-max-retries", type=_count, default=5, help="retries after a 5xx or no answer"
    )
    group.add_argument(
        "--report-push-timeout", type=number_argument, default=10.0, help="seconds a receiver gets"
    )
    group.add_argument(
        "--report-batch-wait-ms",
        type=number_argument,
        default=100.0,
        help="how long a report waits for others to the same URL (batches of up to 100)",
    )
    group.add_argument(
        "--report-max-concurrent-pushes", type=_count, default=16, help="pushes in flight"
    )
    group.add_argument(
        "--report-push-allow-host",
        action="append",
        default=[],
        metavar="HOST",
        help="a non-loopback notifyUrl host the sandbox may POST reports to (repeatable)",
    )
    group.add_argument(
        "--report-max-count",
        type=_count,
        default=100_000,
        help="messages remembered at most (the oldest are forgotten first)",
    )
    group.add_argument(
        "--report-retention-seconds",
        type=number_argument,
        default=48 * 3600.0,
        help="how long a message is remembered after it was sent",
    )
    group.add_argument(
        "--report-seed", type=int, default=None, help="makes outcomes and delays reproducible"
    )
    group.add_argument(
        "--report-fault",
        type=_named_fraction(_FAULTS),
        action="append",
        default=[],
        metavar="FAULT=FRACTION",
        help=f"inject a report fault into FRACTION of reports: {', '.join(_FAULTS)}; repeatable",
    )
    group.add_argument(
        "--report-late-seconds", type=number_argument, default=0.0, help="how late a late report is"
    )
    group.add_argument(
        "--report-no-retry", action="store_true", help="fault: never resend a failed push"
    )
    group.add_argument(
        "--report-worker",
        choices=("process", "inline"),
        default="process",
        help="run the report lifecycle in a process of its own (default: the send path stays "
        "fast) or inline in the serving process",
    )


def _unique(pairs: list[tuple[str, float]], option: str) -> dict[str, float]:
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names):
        raise ValueError(f"{option} names the same outcome twice")
    return dict(pairs)


def report_config_from_arguments(args: argparse.Namespace) -> ReportConfig:
    """The `ReportConfig` the options describe; `ValueError` (one line) if inconsistent."""
    shares = _unique(args.report_share, "--report-share")
    faults = {
        k.replace("-", "_"): v for k, v in _unique(args.report_fault, "--report-fault").items()
    }
    return ReportConfig(
        enabled=not args.no_reports,
        mode=args.report_mode,
        undeliverable=shares.get("undeliverable", 0.0),
        expired=shares.get("expired", 0.0),
        rejected=shares.get("rejected", 0.0),
        delay_ms=args.report_delay_ms,
        delay_distribution=args.report_delay_distribution,
        delay_sigma=args.report_delay_sigma,
        time_scale=args.report_time_scale,
        max_retries=args.report_max_retries,
        push_timeout_seconds=args.report_push_timeout,
        batch_wait_ms=args.report_batch_wait_ms,
        max_concurrent_pushes=args.report_max_concurrent_pushes,
        allowed_push_hosts=tuple(args.report_push_allow_host),
        max_reports=args.report_max_count,
        retention_seconds=args.report_retention_seconds,
        seed=args.report_seed,
        worker=args.report_worker,
        faults=ReportFaultConfig(
            **faults, late_seconds=args.report_late_seconds, no_retry=args.report_no_retry
        ),
    )
