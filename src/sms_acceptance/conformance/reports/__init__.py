"""The run's results: one verdict per check, `summary.json`, and its renderings (`report.html`,
`junit.xml`). Reads the checks' catalogue; never imports the plugin.

This is the part's face: the suite, the tests and the benchmarks import these names from here
(or from `sms_acceptance.conformance`); the modules behind it are private.
"""

from __future__ import annotations

from sms_acceptance.conformance.reports._results import (
    PROPERTY_NAME,
    SUMMARY_FORMAT,
    CheckTally,
    RunResults,
)
from sms_acceptance.conformance.reports._report_html import (
    render_html_report,
    write_html_report,
)
from sms_acceptance.conformance.reports._report_junit import (
    write_junit_report,
)

__all__ = [
    "CheckTally",
    "PROPERTY_NAME",
    "RunResults",
    "SUMMARY_FORMAT",
    "render_html_report",
    "write_html_report",
    "write_junit_report",
]
