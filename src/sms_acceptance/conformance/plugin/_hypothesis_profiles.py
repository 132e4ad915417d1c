"""Hypothesis profiles for `--hypothesis-profile`: `ci` (the default), `quick`, `thorough`.

Every example is a real HTTP request, so the budgets are counted in requests, not CPU. Shrinking
is off in `ci` and `quick`: against a server that hangs, each shrink step would wait out the request
timeout, and the failing example (with its exact bytes and a `curl`) is evidence enough. Deadlines
are off (answer time is a check of its own: `response_within_timeout`), the example database is off
(a run's verdict depends only on the server and the seed), and health checks about slow data or
function-scoped fixtures do not apply to an HTTP suite.

Every setting a run's draws depend on is set here, none inherited: Hypothesis loads its own `ci`
profile when the environment has `CI` set, and a profile registered then inherits from it. That one
sets `derandomize`, which derives each test's examples from its source and ignores
`--hypothesis-seed`: the reproduction commands' seed would reproduce nothing, and a test's record
and judge passes (`_prefetch.py`) drew different examples (pytest's plugin adds a parametrised
test's node id to that digest only while the test runs).
"""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, settings

__all__ = ["DEFAULT_PROFILE", "PROFILES", "register_profiles"]

DEFAULT_PROFILE = "ci"
PROFILES = ("ci", "quick", "thorough")

_NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)


def register_profiles() -> None:
    """Register the three profiles (idempotent: re-registering replaces them)."""
    common = settings(
        derandomize=False,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        print_blob=False,
    )
    settings.register_profile("quick", common, max_examples=4, phases=_NO_SHRINK)
    settings.register_profile("ci", common, max_examples=75, phases=_NO_SHRINK)
    settings.register_profile("thorough", common, max_examples=400)


def examples(share: float, *, least: int = 1) -> int:
    """A share of the loaded profile's example budget, for tests that are parametrised many ways."""
    current = settings.default
    budget = current.max_examples if current is not None else 100
    return max(least, round(budget * share))
