"""Loading the JSON Schemas in ``schemas/``: the single source of truth for every payload.

Everything that validates or generates a payload (the oracle, the sandbox, the conformance checks,
the load scenarios) reads the schemas through this module, so there is one place that knows where
they live (installed wheel or checkout) and one cache of the parsed documents.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import urldefrag, urljoin

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SchemaName = Literal[
    "request",
    "response",
    "status",
    "error",
    # Delivery reports (rules.md D1-D14, provider-facts §11).
    "provider-date-time",
    "report-error",
    "report",
    "reports",
    "log",
    "logs",
]
SCHEMA_NAMES: tuple[SchemaName, ...] = get_args(SchemaName)

#: Bumped whenever a schema changes in a way a report reader should know about.
SCHEMA_VERSION = "1.0.0"

#: Every schema's ``$id`` is this base plus its file name, so relative ``$ref``s between the files
#: resolve the same way in a checkout, in a wheel and in OpenAPI tools.
SCHEMA_BASE_URI = "https://sms-acceptance.dev/schemas/"


class SchemaStoreError(RuntimeError):
    """The schema files are missing or inconsistent (a packaging or editing mistake)."""


def schema_dir() -> Path:
    """The folder holding the schema files.

    A wheel installs them as ``sms_acceptance/schemas`` (pyproject force-include); an editable
    install of a checkout reads the top-level ``schemas/`` directly, so edits take effect at once.
    """
    return schema_dir_for(Path(__file__).resolve().parent)


def schema_dir_for(package_dir: Path) -> Path:
    """The schema folder for the package at ``package_dir`` (``.../sms_acceptance``)."""
    installed = package_dir / "schemas"
    if (installed / "request.schema.json").is_file():
        return installed
    checkout = package_dir.parents[1] / "schemas"  # <checkout>/src/sms_acceptance
    if (checkout / "request.schema.json").is_file():
        return checkout
    raise SchemaStoreError(
        f"schema files not found in {installed} or {checkout}: incomplete installation"
    )


def schema_uri(name: SchemaName) -> str:
    """The ``$id`` of a schema file."""
    return f"{SCHEMA_BASE_URI}{name}.schema.json"


@cache
def _load_cached(name: SchemaName) -> dict[str, Any]:
    if name not in SCHEMA_NAMES:
        raise SchemaStoreError(
            f"unknown schema {name!r}; expected one of {', '.join(SCHEMA_NAMES)}"
        )
    path = schema_dir() / f"{name}.schema.json"
    try:
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SchemaStoreError(f"cannot read {path}: {error}") from None
    if document.get("$id") != schema_uri(name):
        raise SchemaStoreError(
            f"{path} has $id {document.get('$id')!r}, expected {schema_uri(name)}"
        )
    return document


def load_schema(name: SchemaName) -> dict[str, Any]:
    """The parsed schema file ``schemas/{name}.schema.json`` (cached; treat it as read-only)."""
    return _load_cached(name)


@cache
def schema_registry() -> Registry[Any]:
    """A ``referencing`` registry holding every schema file under its ``$id``."""
    resources = [
        (
            schema_uri(name),
            Resource.from_contents(load_schema(name), default_specification=DRAFT202012),
        )
        for name in SCHEMA_NAMES
    ]
    return Registry().with_resources(resources).crawl()


def _file_of(uri: str) -> SchemaName:
    for name in SCHEMA_NAMES:
        if uri == schema_uri(name):
            return name
    raise SchemaStoreError(f"$ref to {uri!r}, which is not one of the schema files")


def _bundle_key(name: SchemaName, fragment: str, root: SchemaName) -> str:
    """The local ``$defs`` key an external (or local) reference target gets in the bundle."""
    if fragment in ("", "/"):
        return name
    prefix = "/$defs/"
    if not fragment.startswith(prefix) or "/" in fragment[len(prefix) :]:
        raise SchemaStoreError(
            f"$ref fragment {fragment!r} in {name}: only '#' and '#/$defs/NAME' are supported"
        )
    definition = fragment[len(prefix) :]
    return definition if name == root else f"{name}.{definition}"


@cache
def _bundled_cached(name: SchemaName) -> dict[str, Any]:
    root = copy.deepcopy(load_schema(name))
    local_defs: dict[str, Any] = root.setdefault("$defs", {})
    pending: list[tuple[SchemaName, str, str]] = []  # (file, fragment, key) still to inline
    inlined: set[str] = set()

    def rewrite(node: Any, current: SchemaName) -> Any:
        """Rewrite each ``$ref`` under ``node`` (from file ``current``) to ``#/$defs/...``."""
        if isinstance(node, list):
            return [rewrite(item, current) for item in node]
        if not isinstance(node, dict):
            return node
        out = {key: rewrite(value, current) for key, value in node.items() if key != "$defs"}
        if "$defs" in node and current == name:
            out["$defs"] = {k: rewrite(v, current) for k, v in node["$defs"].items()}
        reference = node.get("$ref")
        if isinstance(reference, str):
            target_uri, fragment = urldefrag(urljoin(schema_uri(current), reference))
            target = _file_of(target_uri)
            if target == name and fragment in ("", "/"):
                out["$ref"] = "#"
            else:
                key = _bundle_key(target, fragment, name)
                out["$ref"] = f"#/$defs/{key}"
                if target != name and key in local_defs:
                    raise SchemaStoreError(f"{name}: local $defs/{key} clashes with {reference!r}")
                if target != name and key not in inlined:
                    inlined.add(key)
                    pending.append((target, fragment, key))
        return out

    bundled: dict[str, Any] = rewrite(root, name)
    while pending:
        target, fragment, key = pending.pop()
        document = load_schema(target)
        if fragment in ("", "/"):
            contents = {k: v for k, v in document.items() if k not in ("$defs", "$id", "$schema")}
        else:
            contents = document["$defs"][fragment[len("/$defs/") :]]
        bundled["$defs"][key] = rewrite(contents, target)
    if not bundled["$defs"]:
        del bundled["$defs"]
    return bundled


def bundled_schema(name: SchemaName) -> dict[str, Any]:
    """The schema made self-contained: the other files' definitions copied under local ``$defs``.

    Every ``$ref`` in the result is local (``#`` or ``#/$defs/...``), which is what
    the request generator (it resolves local references only) and jsonschema-rs
    consume. Annotations (``description``, ``x-rule``, ``x-source``) are kept. Cached: treat it
    as read-only, ``copy.deepcopy`` it before changing anything.
    """
    return _bundled_cached(name)
