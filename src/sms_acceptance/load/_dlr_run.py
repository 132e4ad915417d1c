"""One process's delivery-report state for a Locust run, kept on Locust's `Environment`.

Free of Locust imports (like `_run`), so the summary can read it in a plain process; the event
wiring that fills it is `_dlr_plugin`.
"""

from __future__ import annotations

from typing import Any

from ._dlr_metrics import DeliveryReportBook, ReportMetrics, report_metrics
from ._dlr_options import ReportOptions
from ._dlr_receiver import NOTIFY_PLACEHOLDER, ReportReceiver, localise
from ._payloads import PreparedRequest

ATTRIBUTE = "sms_acceptance_delivery_reports"


class ReportRun:
    """One process's delivery-report state for the current run, kept on Locust's Environment."""

    def __init__(self, options: ReportOptions) -> None:
        self.options = options
        self.book = DeliveryReportBook(options.slow_after_seconds)
        self.receiver: ReportReceiver | None = None
        self.tracked_scenarios: set[str] = set()
        self.not_measured: str | None = None
        self.final_from: set[str] = set()
        self.workers_expected = 0
        self.settled_wall: float | None = None

    def reset(self) -> None:
        self.book = DeliveryReportBook(self.options.slow_after_seconds)
        self.final_from = set()
        self.settled_wall = None

    @property
    def notify_origin(self) -> str | None:
        if self.options.notify_url is not None:
            return self.options.notify_url
        return None if self.receiver is None else self.receiver.url

    def metrics(self) -> ReportMetrics:
        return report_metrics(self.book)


def reports_of(environment: Any) -> ReportRun | None:
    """The run's delivery-report state (None before the plugin's `init`)."""
    found = getattr(environment, ATTRIBUTE, None)
    return found if isinstance(found, ReportRun) else None


def localise_payloads(
    environment: Any, scenario: str, payloads: tuple[PreparedRequest, ...], target_url: str
) -> tuple[tuple[PreparedRequest, ...], DeliveryReportBook | None]:
    """A user's payloads with its process's notify URL, and the book to expect answers in (None
    when the scenario asks for no reports or they cannot be measured)."""
    reports = reports_of(environment)
    placeholder = NOTIFY_PLACEHOLDER.encode()
    if reports is None or not any(placeholder in p.body for p in payloads):
        return payloads, None
    from sms_acceptance._live_guard import is_loopback_url

    origin = reports.notify_origin
    if origin is None:
        reports.not_measured = "no report receiver runs in this process"
        return payloads, None
    if reports.options.notify_url is None and target_url and not is_loopback_url(target_url):
        # Keep the unresolvable placeholder: the target could not reach a loopback receiver.
        reports.not_measured = (
            "the target is not on loopback: give --dlr-notify-url (a URL it can reach) and "
            "--dlr-receiver-listen to measure delivery reports"
        )
        return payloads, None
    reports.tracked_scenarios.add(scenario)
    return localise(payloads, origin), reports.book
