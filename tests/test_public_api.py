"""The library's public face: `sms_acceptance.__all__` (and `generation`'s) name what callers use.

Names load on first use, so `import sms_acceptance` pulls in none of the heavy dependencies a
caller may not need (jsonschema, Hypothesis, the sandbox's web stack, pytest, Locust).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

import sms_acceptance
import sms_acceptance.generation

HEAVY = ("jsonschema", "hypothesis", "starlette", "uvicorn", "pytest", "locust", "yaml")


def _loaded_after(statement: str) -> list[str]:
    probe = (
        f"import sys; {statement}; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    return result.stdout.strip().splitlines()[-1:]


def test_importing_the_package_loads_no_heavy_dependency() -> None:
    assert _loaded_after("import sms_acceptance") == ["[]"]


def test_the_seed_request_is_read_without_hypothesis() -> None:
    loaded = _loaded_after("from sms_acceptance import seed_request; seed_request()")
    assert "hypothesis" not in loaded[0]


@pytest.mark.parametrize("name", sms_acceptance.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(sms_acceptance, name) is not None


@pytest.mark.parametrize("name", sms_acceptance.generation.__all__)
def test_every_generation_name_resolves(name: str) -> None:
    assert getattr(sms_acceptance.generation, name) is not None


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'judge'"):
        _ = sms_acceptance.judge
