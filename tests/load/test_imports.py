"""Importing the kit's load package (what tests and tools use) never imports Locust: Locust
monkey-patches the interpreter with gevent on import, which would leak into any process (a pytest
worker included) that only wanted the threshold parser or the report writers."""

from __future__ import annotations

import subprocess
import sys

MODULES = (
    "sms_acceptance.load",
    "sms_acceptance.load._run_setup",
    "sms_acceptance.load._run",
    "sms_acceptance.load._summary",
    "sms_acceptance.load._reports",
)


def test_load_package_imports_without_importing_locust() -> None:
    probe = "; ".join(
        [*(f"import {name}" for name in MODULES), "import sys", "print('locust' in sys.modules)"]
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "False"
