"""The exit codes the kit adds to Locust's (documented in docs/load.md)."""

from __future__ import annotations

THRESHOLD_FAILED_EXIT_CODE = 3
"""At least one threshold failed (0 when every threshold holds)."""

USAGE_ERROR_EXIT_CODE = 2
"""Refused before the run started: a bad option, or live traffic not allowed (argparse's code)."""
