"""Validating documents against the schemas, with the rule id behind every failure.

Two validators with one meaning: the reference validator (jsonschema, Draft 2020-12, with format
checking) explains *every* failure with a JSONPath and the ``x-rule`` of the constraint that
failed; the fast one (jsonschema-rs, compiled once from the bundled schema) only answers yes or
no, for hot paths such as the sandbox and the load generator, which ask the reference validator
for details only when the answer is no.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from referencing._core import Resolver

from sms_acceptance._schema_store import (
    SchemaName,
    bundled_schema,
    load_schema,
    schema_registry,
    schema_uri,
)

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_DIGITS = re.compile(r"(\d+)")
_MAX_SHOWN = 60  # characters of an offending value quoted in a message


@dataclass(frozen=True)
class SchemaViolation:
    """One constraint a document breaks.

    ``path`` is a JSONPath to the offending value (``$.messages[0].destinations[1].to``); for a
    missing property it names the property that should be there. ``rule_id`` is the ``x-rule`` of
    the nearest schema on the way to the failing keyword (``R5``, ``S8``, ``OPEN``…), or None if
    no schema on that way carries one.
    """

    path: str
    message: str
    rule_id: str | None


def json_path(parts: Iterable[str | int]) -> str:
    """A JSONPath such as ``$.messages[0]['odd key']`` for a sequence of keys and indexes."""
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENTIFIER.fullmatch(part):
            out.append(f".{part}")
        else:
            escaped = part.replace("\\", "\\\\").replace("'", "\\'")
            out.append(f"['{escaped}']")
    return "".join(out)


def path_order(path: str) -> list[str | int]:
    """Sort key: ``$.messages[2]`` comes before ``$.messages[10]`` (indexes compare as numbers)."""
    return [int(t) if t.isdigit() else t for t in _DIGITS.split(path)]


def _shown(value: object) -> str:
    """`value` as JSON (`"text/csv"`, `true`, `null`): messages reach a vendor's developer."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


_JSON_TYPE_NAMES = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean (true or false)",
    "null": "null",
}


def _json_type_of(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "null" if value is None else type(value).__name__


def _clear_message(error: ValidationError) -> str:
    """A short message that reads well after the field path (the sandbox's validationErrors)."""
    keyword, expected, value = error.validator, error.validator_value, error.instance
    if keyword == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_JSON_TYPE_NAMES.get(n, n) for n in names)
        return f"must be {wanted}, not {_json_type_of(value)}"
    if keyword == "enum":
        return f"must be one of {', '.join(map(str, expected))}; got {_shown(value)}"
    if keyword == "minItems":
        return "must not be empty" if expected == 1 else f"must have at least {expected} items"
    if keyword == "maxItems":
        return f"must have at most {expected} items"
    if keyword == "maxLength":
        return f"must be at most {expected} characters long"
    if keyword == "minLength":
        return f"must be at least {expected} characters long"
    if keyword == "minimum":
        return f"must be at least {expected}; got {_shown(value)}"
    if keyword == "maximum":
        return f"must be at most {expected}; got {_shown(value)}"
    if keyword == "pattern":
        expected_form = error.schema.get("x-expected") if isinstance(error.schema, dict) else None
        wanted = expected_form if isinstance(expected_form, str) else f"a match of {expected}"
        return f"must be {wanted}; got {_shown(value)}"
    if keyword == "uniqueItems":
        return "must not repeat an item"
    if keyword == "not" and error.validator_value == {}:
        return "is not a known property"
    if keyword == "anyOf" and isinstance(error.schema, dict):
        forms = [s.get("x-expected") for s in expected if isinstance(s, dict)]
        if all(isinstance(form, str) for form in forms):
            return f"must be {' or '.join(map(str, forms))}; got {_shown(value)}"
    return str(error.message)


def _x_rule_along(schema_path: Sequence[str | int], root_uri: str) -> str | None:
    """The ``x-rule`` of the nearest schema on ``schema_path``, following ``$ref``s on the way.

    jsonschema leaves ``$ref`` out of an error's schema path, so a key missing from a node that
    holds a ``$ref`` is looked up in the referenced schema (our schemas keep ``$ref`` free of
    sibling constraints, so this is unambiguous).
    """
    resolver: Resolver[Any] = schema_registry().resolver(base_uri=root_uri)
    node: Any = resolver.lookup(root_uri).contents
    rule: str | None = None
    for key in schema_path:
        while isinstance(node, dict) and key not in node and isinstance(node.get("$ref"), str):
            if isinstance(node.get("x-rule"), str):
                rule = node["x-rule"]
            resolved = resolver.lookup(node["$ref"])
            node, resolver = resolved.contents, resolved.resolver
        if isinstance(node, dict):
            if isinstance(node.get("x-rule"), str):
                rule = node["x-rule"]
            if key not in node:
                return rule
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        else:
            return rule
    if isinstance(node, dict) and isinstance(node.get("x-rule"), str):
        rule = node["x-rule"]
    return rule


@cache
def _reference_validator(name: SchemaName) -> Draft202012Validator:
    return Draft202012Validator(
        load_schema(name), registry=schema_registry(), format_checker=FormatChecker()
    )


def _violations_of(error: ValidationError, root_uri: str) -> list[SchemaViolation]:
    rule = _x_rule_along(list(error.absolute_schema_path), root_uri)
    parts = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        # One error per missing property, named at the property's own path; duplicates from
        # jsonschema's one-error-per-property are merged by the caller.
        wanted: list[Any] = list(error.validator_value)
        when = error.schema.get("x-required-when") if isinstance(error.schema, dict) else None
        why = f"is required {when}" if isinstance(when, str) else "is required"
        return [
            SchemaViolation(json_path([*parts, str(key)]), why, rule)
            for key in wanted
            if key not in error.instance
        ]
    return [SchemaViolation(json_path(parts), _clear_message(error), rule)]


def schema_violations(name: SchemaName, document: object) -> list[SchemaViolation]:
    """Every constraint of schema ``name`` that ``document`` breaks (empty when valid).

    Ordered by path, then message, so reports and 400 bodies are stable from run to run.
    """
    root_uri = schema_uri(name)
    found: dict[tuple[str, str, str | None], SchemaViolation] = {}
    for error in _reference_validator(name).iter_errors(document):
        for violation in _violations_of(error, root_uri):
            found.setdefault((violation.path, violation.message, violation.rule_id), violation)
    return sorted(found.values(), key=lambda v: (path_order(v.path), v.message, v.rule_id or ""))


class FastValidator:
    """A yes/no validator compiled once with jsonschema-rs from the bundled schema.

    ``is_valid`` never raises: a document jsonschema-rs cannot take (an integer beyond 64 bits, a
    non-JSON Python object) is reported as not valid, and callers ask the reference validator
    for the details, which is correct whatever the fast one said.
    """

    def __init__(self, name: SchemaName) -> None:
        self.name = name
        self._compiled = jsonschema_rs.validator_for(bundled_schema(name))

    def is_valid(self, document: object) -> bool:
        try:
            return bool(self._compiled.is_valid(document))
        except (ValueError, TypeError, OverflowError):
            return False

    def __repr__(self) -> str:
        return f"FastValidator({self.name!r})"


@cache
def fast_validator(name: SchemaName) -> FastValidator:
    """The cached :class:`FastValidator` of schema ``name``."""
    return FastValidator(name)
