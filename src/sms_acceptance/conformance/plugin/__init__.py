"""The pytest side of the suite: options, the target, the `sms` fixture, prefetching, the
delivery-report session fixture, Hypothesis profiles. The only part that drives the others.

This is the part's face: the suite, the tests and the benchmarks import these names from here
(or from `sms_acceptance.conformance`); the modules behind it are private. The two pytest
plugin modules (`_plugin`, `_dlr_plugin`) are deliberately not imported here: pytest must import
them first (`conformance/conftest.py`) to rewrite their asserts.
"""

from __future__ import annotations

from sms_acceptance.conformance.plugin._hypothesis_profiles import (
    DEFAULT_PROFILE,
    PROFILES,
    examples,
    register_profiles,
)
from sms_acceptance.conformance.plugin._options import (
    DEFAULT_ENDPOINT_PATH,
    SuiteOptions,
    add_options,
    read_options,
)
from sms_acceptance.conformance.plugin._requests import (
    SEED_SMS_COUNTS,
    addressed_request,
    destinations_for,
    few_destinations,
    plain_request,
    scheme_of,
    seed_request_for,
    text_request,
    texts_request,
)
from sms_acceptance.conformance.plugin._sms_fixture import (
    UNRESPONSIVE,
    ConformanceClient,
    Target,
)

__all__ = [
    "DEFAULT_ENDPOINT_PATH",
    "DEFAULT_PROFILE",
    "PROFILES",
    "SEED_SMS_COUNTS",
    "UNRESPONSIVE",
    "ConformanceClient",
    "SuiteOptions",
    "Target",
    "add_options",
    "addressed_request",
    "destinations_for",
    "examples",
    "few_destinations",
    "plain_request",
    "read_options",
    "register_profiles",
    "scheme_of",
    "seed_request_for",
    "text_request",
    "texts_request",
]
