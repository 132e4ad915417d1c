"""Load testing with Locust: `locust -f loadtests` with true latency, error envelopes and CI gates.

What Locust lacks for an acceptance run, added through its event hooks: HDR latency from actual and
intended start (open model), failure classification by error envelope, response validation under
load, thresholds that set the exit code, reports, and exact merging across workers. Scenario files
import `SmsSendUser`; importing it registers the kit's options and listeners with Locust.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._exit_codes import THRESHOLD_FAILED_EXIT_CODE, USAGE_ERROR_EXIT_CODE
from ._options import LoadOptions
from ._payloads import PreparedRequest
from ._run import LoadRun
from ._scenario_payloads import (
    bulk_payloads,
    invalid_payloads,
    notify_and_tracking_payloads,
    scheduled_payloads,
    single_destination_payloads,
    unicode_and_long_payloads,
)
from ._thresholds import (
    DEFAULT_THRESHOLD_EXPRESSIONS,
    Threshold,
    ThresholdSyntaxError,
    ThresholdVerdict,
    evaluate_thresholds,
    parse_threshold,
)

if TYPE_CHECKING:
    from ._user import SmsSendUser

__all__ = [
    "DEFAULT_THRESHOLD_EXPRESSIONS",
    "THRESHOLD_FAILED_EXIT_CODE",
    "USAGE_ERROR_EXIT_CODE",
    "LoadOptions",
    "LoadRun",
    "PreparedRequest",
    "SmsSendUser",
    "Threshold",
    "ThresholdSyntaxError",
    "ThresholdVerdict",
    "bulk_payloads",
    "evaluate_thresholds",
    "invalid_payloads",
    "notify_and_tracking_payloads",
    "parse_threshold",
    "scheduled_payloads",
    "single_destination_payloads",
    "unicode_and_long_payloads",
]


def __getattr__(name: str) -> object:
    # `SmsSendUser` is imported on first use: importing it registers listeners with Locust, which
    # a user of the threshold parser alone (tests, tools) should not trigger.
    if name == "SmsSendUser":
        from ._user import SmsSendUser

        return SmsSendUser
    raise AttributeError(name)
