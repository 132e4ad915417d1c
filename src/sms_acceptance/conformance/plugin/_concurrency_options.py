"""`--concurrency` and `--rate-limit`: how many requests the suite has in flight, and how often
one may start.

Kept apart from `_options.py` (as `_network_options.py` is); `_options` adds these to its group and
reads them into `SuiteOptions.sending`. The default concurrency depends on the target: a loopback
server (the sandbox, a vendor's build on the CI machine) takes `LOOPBACK_CONCURRENCY` at once; a
remote gateway gets `REMOTE_CONCURRENCY`, gentle enough for a shared test account. `1` is the
sequential run, and also the default against a server that answers the plugin's probe within
`FAST_ANSWER_SECONDS`: sending together draws every Hypothesis example twice (record, then judge),
which only pays when waiting for the answers costs more than drawing again (benchmarks/README.md:
the sandbox 100 ms away takes 13 s together and 114 s one at a time; the embedded sandbox, which
answers in about a millisecond, is faster one at a time). None of this changes what is sent or
judged (`_prefetch.py` says why), so the reproduction command leaves it out. A bad value is a
one-line usage error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from sms_acceptance.conformance.transport._base_url import BaseUrl

__all__ = [
    "FAST_ANSWER_SECONDS",
    "LOOPBACK_CONCURRENCY",
    "REMOTE_CONCURRENCY",
    "SendingSettings",
    "add_concurrency_options",
    "read_concurrency_options",
]

LOOPBACK_CONCURRENCY = 32
REMOTE_CONCURRENCY = 4
FAST_ANSWER_SECONDS = 0.01
_MAX_CONCURRENCY = 256
_RATE = re.compile(r"\A\s*([0-9]+(?:\.[0-9]+)?)\s*(?:/\s*s)?\s*\Z")


@dataclass(frozen=True)
class SendingSettings:
    """`concurrency` None means the target's default (`for_target`); `rate_limit` is requests per
    second, None for no limit."""

    concurrency: int | None = None
    rate_limit: float | None = None

    def for_target(self, base: BaseUrl | None, answer_seconds: float | None = None) -> int:
        """The requests in flight at once against `base` (None: the embedded sandbox) that
        answered the probe in `answer_seconds` (None: not probed)."""
        if self.concurrency is not None:
            return self.concurrency
        if answer_seconds is not None and answer_seconds < FAST_ANSWER_SECONDS:
            return 1
        return LOOPBACK_CONCURRENCY if base is None or base.loopback else REMOTE_CONCURRENCY


def add_concurrency_options(group: Any) -> None:
    """`--concurrency`, `--rate-limit`."""
    group.addoption(
        "--concurrency",
        dest="sms_concurrency",
        default=None,
        metavar="N",
        help=f"at most N requests in flight at once, each on its own kept-alive connection "
        f"(default {LOOPBACK_CONCURRENCY} for a loopback target, {REMOTE_CONCURRENCY} for any "
        f"other, 1 when the target answers within {FAST_ANSWER_SECONDS * 1000:g} ms; 1: one at "
        f"a time). Same requests, same verdicts, same seed",
    )
    group.addoption(
        "--rate-limit",
        dest="sms_rate_limit",
        default=None,
        metavar="R/s",
        help="start at most R requests per second (e.g. 20 or 20/s; default no limit). A 429 "
        "with Retry-After pauses the run that long and sends the request again",
    )


def read_concurrency_options(config: pytest.Config) -> SendingSettings:
    concurrency: int | None = None
    given = config.getoption("sms_concurrency", None)
    if given is not None:
        try:
            concurrency = int(str(given))
        except ValueError:
            raise pytest.UsageError(
                f"--concurrency must be a whole number of requests, got {given!r}"
            ) from None
        if not 1 <= concurrency <= _MAX_CONCURRENCY:
            raise pytest.UsageError(
                f"--concurrency must be from 1 to {_MAX_CONCURRENCY}, got {concurrency}"
            )
    rate: float | None = None
    text = config.getoption("sms_rate_limit", None)
    if text is not None:
        match = _RATE.match(str(text))
        rate = float(match.group(1)) if match else 0.0
        if rate <= 0:
            raise pytest.UsageError(
                f"--rate-limit must be a positive number of requests per second such as 20 or "
                f"20/s, got {text!r}"
            )
    return SendingSettings(concurrency=concurrency, rate_limit=rate)
