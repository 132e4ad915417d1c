"""Importing the kit's load package (what tests and tools use) never imports Locust: Locust
monkey-patches the interpreter with gevent on import, which would leak into any process (a pytest
worker included) that only wanted the threshold parser or the report writers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


def test_load_modules_and_scenarios_import_neither_pytest_nor_the_suite() -> None:
    """Load generation is library work (`sms_acceptance.generation`): drawing Locust payloads
    must not pull in pytest or the conformance suite (issue 9; import-linter checks the same)."""
    probe = "\n".join(
        [
            "import importlib, pkgutil, runpy, sys, pathlib",
            "import sms_acceptance.load as load",
            "for info in pkgutil.iter_modules(load.__path__):",
            "    importlib.import_module(f'sms_acceptance.load.{info.name}')",
            "for scenario in sorted(pathlib.Path('loadtests').glob('*.py')):",
            "    runpy.run_path(str(scenario))",
            "loaded = [m for m in sys.modules if m.split('.')[0] in ('pytest', '_pytest')",
            "          or m.startswith('sms_acceptance.conformance')]",
            "print(sorted(loaded))",
        ]
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout
