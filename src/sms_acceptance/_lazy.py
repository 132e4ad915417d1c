"""Public names loaded on first use (PEP 562), so importing a package face stays cheap.

A package's `__init__` lists where each public name lives; `import sms_acceptance` then costs
about 2 ms instead of loading jsonschema, Hypothesis and the sandbox's web stack for a caller that
wants one function.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not typing's: importing typing costs more than this whole module
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for `package`, whose public name N lives in module exports[N]
    (relative to the package). A name is imported once, then kept in the package's namespace."""
    namespace = sys.modules[package].__dict__

    def load(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        qualified = f"{package}.{module}"
        __import__(qualified)
        value = getattr(sys.modules[qualified], name)
        namespace[name] = value
        return value

    def listing() -> list[str]:
        return sorted(set(namespace) | set(exports))

    return load, listing
