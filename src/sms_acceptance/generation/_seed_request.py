"""The seed document's own request example (R10), read from the bundled OpenAPI description.

`schemas/openapi.yaml` carries the seed's example verbatim (its owner keeps it equal to the
seed), so the suite does not hold a second copy that could drift.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import yaml

from sms_acceptance._schema_store import schema_dir

__all__ = ["SEED_SMS_COUNTS", "seed_request"]

# rules.md "Reproducing the seed": smsCount per destination, in request order, where present.
SEED_SMS_COUNTS: tuple[tuple[str, int], ...] = (
    ("41793026727", 1),
    ("41793026834", 1),
    ("41793026700", 2),
)


@functools.cache
def _seed() -> dict[str, Any]:
    document = yaml.safe_load((schema_dir() / "openapi.yaml").read_text(encoding="utf-8"))
    operation = document["paths"]["/sms/1/text/advanced"]["post"]
    value = operation["requestBody"]["content"]["application/json"]["examples"]["seed"]["value"]
    assert isinstance(value, dict)
    return value


def seed_request() -> dict[str, Any]:
    """A fresh copy of the seed's request example, as it stands (its `sendAt` is in the past)."""
    return copy.deepcopy(_seed())
