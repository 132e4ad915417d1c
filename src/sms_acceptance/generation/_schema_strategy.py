"""A Hypothesis strategy for a JSON Schema, compiled once, for schemas shaped like ours.

A stage of its own, like hypothesis-jsonschema's (`resolve` -> canonicalise -> generate), but
built from Hypothesis's own primitives only: hypothesis-jsonschema re-canonicalised an object on
every draw (~0.1 s per request document), and its last release (2024) calls an API Hypothesis has
since removed, which held Hypothesis back. The schema is walked once and every keyword our schemas
use becomes a strategy: objects (`properties`, `required`, closed or open `additionalProperties`,
and the `if: {required: [a]} / then: {required: [b]}` pairs that make `from`/`to` come together),
arrays, `allOf` parts that tighten a node, `anyOf` (one branch at a time), `enum`, `const`,
booleans, bounded integers and numbers, strings with lengths and `pattern`s (`st.from_regex`).
A keyword it does not know is a clear `UnsupportedSchemaError` naming where it is, never a
strategy that might draw invalid documents (the tests check that every draw validates).

`overrides` lets the caller supply the values of chosen properties itself (e.g. phone numbers or
texts chosen for segmentation): drawing a schema value only to overwrite it is wasted work, and
for pattern leaves (`from_regex`) it was the dearest part of a draw.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hypothesis import strategies as st

__all__ = ["UnsupportedSchemaError", "compile_schema"]

_ANNOTATIONS = frozenset(
    {"description", "x-source", "x-rule", "title", "$comment", "examples", "$schema", "$id"}
)
_OBJECT_KEYS = frozenset({"type", "properties", "required", "additionalProperties", "x-requires"})
_ARRAY_KEYS = frozenset({"type", "items", "minItems", "maxItems", "uniqueItems"})
_STRING_KEYS = frozenset({"type", "minLength", "maxLength", "x-patterns"})
_INTEGER_KEYS = frozenset({"type", "minimum", "maximum"})
_NAMED = frozenset({"properties", "$defs"})
_REQUIRES = "x-requires"  # internal: {property: [properties it requires]}, from if/then pairs
_PATTERNS = "x-patterns"  # internal: every `pattern` a string must match (allOf parts add up)


class UnsupportedSchemaError(ValueError):
    """The schema uses a keyword (or a combination) the compiler has no strategy for."""


def _strip(node: Any) -> Any:
    """Drop annotations (and `x-` extensions): they say nothing about which values are valid.

    Names under `properties` and `$defs` are names, not keywords (a status has a `description`).
    """
    if isinstance(node, dict):
        return {
            k: _strip_names(v) if k in _NAMED else _strip(v)
            for k, v in node.items()
            if k not in _ANNOTATIONS and not k.startswith("x-")
        }
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def _strip_names(node: Any) -> Any:
    if isinstance(node, dict):
        return {name: _strip(v) for name, v in node.items()}
    return _strip(node)


def _dependency(part: Mapping[str, Any]) -> tuple[str, list[str]] | None:
    """`if: {required: [a]}, then: {required: [b, …]}`: `a` present requires `b, …`."""
    condition, consequence = part.get("if"), part.get("then")
    if set(part) != {"if", "then"} or not isinstance(condition, dict):
        return None
    if not isinstance(consequence, dict) or set(condition) != {"required"}:
        return None
    if set(consequence) != {"required"} or len(condition["required"]) != 1:
        return None
    return condition["required"][0], list(consequence["required"])


def _add_requirement(node: dict[str, Any], name: str, needed: list[str]) -> None:
    requires = node.setdefault(_REQUIRES, {})
    requires[name] = sorted(set(requires.get(name, [])) | set(needed))


def _lift_pattern(node: dict[str, Any]) -> dict[str, Any]:
    """`pattern` as one entry of the node's list of patterns (so `allOf` parts can add more)."""
    if "pattern" not in node:
        return node
    lifted = {k: v for k, v in node.items() if k != "pattern"}
    lifted[_PATTERNS] = [*node.get(_PATTERNS, []), node["pattern"]]
    return lifted


def _merge_all_of(node: dict[str, Any]) -> dict[str, Any] | None:
    """Fold `allOf` parts into the node when each only tightens it; None when one does not."""
    node = _lift_pattern(node)
    parts = node.get("allOf")
    if parts is None:
        return node
    merged = {k: v for k, v in node.items() if k != "allOf"}
    for raw in parts:
        part = _merge_all_of(raw) if isinstance(raw, dict) else None
        if part is None:
            return None
        dependency = _dependency(part)
        if dependency is not None:
            _add_requirement(merged, *dependency)
            continue
        for key, value in part.items():
            if key == "required":
                merged["required"] = sorted(set(merged.get("required", [])) | set(value))
            elif key in ("maxItems", "maxLength", "maximum"):
                merged[key] = min(value, merged.get(key, value))
            elif key in ("minItems", "minLength", "minimum"):
                merged[key] = max(value, merged.get(key, value))
            elif key == "uniqueItems":
                merged[key] = merged.get(key, False) or value
            elif key == "enum" and "enum" not in merged:
                merged[key] = value
            elif key == _REQUIRES:
                for name, needed in value.items():
                    _add_requirement(merged, name, needed)
            elif key == _PATTERNS:
                merged[_PATTERNS] = [*merged.get(_PATTERNS, []), *value]
            elif key == "anyOf" and "anyOf" not in merged:
                merged[key] = value  # distributed over the node's other constraints later
            elif key == "type" and merged.get("type", value) == value:
                merged[key] = value
            else:
                return None
    return merged


def _is_closed(node: Mapping[str, Any]) -> bool:
    extra = node.get("additionalProperties", True)
    return extra is False or extra == {"not": {}}


def _type_matches(value: Any, kind: Any) -> bool:
    checks = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
    }
    return kind is None or (isinstance(kind, str) and checks.get(kind, lambda v: False)(value))


def _regex_strings(pattern: str) -> st.SearchStrategy[str]:
    """Strings `pattern` finds a match in; an anchored `^…$` is generated as a full match (so no
    trailing newline, which Python's `$` would allow and JSON Schema's does not)."""
    if pattern.startswith("^") and pattern.endswith("$") and not pattern.endswith("\\$"):
        return st.from_regex(pattern[1:-1], fullmatch=True)
    return st.from_regex(pattern)


def _strings(node: Mapping[str, Any]) -> st.SearchStrategy[str]:
    """Strings of the node's length bounds that match every one of its patterns."""
    low, high = node.get("minLength", 0), node.get("maxLength")
    patterns: Sequence[str] = node.get(_PATTERNS, ())
    if not patterns:
        return st.text(min_size=low, max_size=high)
    compiled = [re.compile(p) for p in patterns]

    def fits(value: str) -> bool:
        if len(value) < low or (high is not None and len(value) > high):
            return False
        return all(c.search(value) for c in compiled)

    # Each pattern in turn generates and all must hold: the strictest one's strings pass the rest.
    return st.one_of([_regex_strings(p).filter(fits) for p in patterns])


def _json_values() -> st.SearchStrategy[Any]:
    """Any JSON value (what `true`, or a required property without a schema, allows)."""
    scalars = st.none() | st.booleans() | st.integers() | st.text()
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
        max_leaves=5,
    )


def _satisfies(requires: Mapping[str, list[str]]) -> Callable[[Mapping[str, Any]], bool]:
    """Whether an object holds every property that each property it holds requires."""

    def check(document: Mapping[str, Any]) -> bool:
        return all(
            set(needed) <= set(document) for name, needed in requires.items() if name in document
        )

    return check


def _merge_dicts(parts: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for part in parts:
        merged.update(part)
    return merged


def _groups(optional: set[str], requires: Mapping[str, list[str]]) -> list[frozenset[str]] | None:
    """Optional properties that must appear together (mutual if/then pairs), or None when a
    dependency is one-way (the caller then filters the drawn objects by it)."""
    group_of = {name: {name} for name in optional}
    for name, needed in requires.items():
        for other in needed:
            if name not in optional or other not in optional:
                return None
            if name not in requires.get(other, []):
                return None
            union = group_of[name] | group_of[other]
            for member in union:
                group_of[member] = union
    return sorted({frozenset(g) for g in group_of.values()}, key=sorted)


class _Compiler:
    def __init__(
        self, root: dict[str, Any], overrides: Mapping[str, st.SearchStrategy[Any]]
    ) -> None:
        self.defs: dict[str, Any] = root.get("$defs", {})
        self.overrides = overrides
        self.cache: dict[str, st.SearchStrategy[Any]] = {}

    def resolve(self, node: dict[str, Any]) -> tuple[dict[str, Any], str]:
        pointer = "#"
        while "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/$defs/"):
                raise ValueError(f"only local $defs references are supported, got {ref!r}")
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            node = {**self.defs[ref.removeprefix("#/$defs/")], **siblings}
            pointer = ref
        return node, pointer

    def compile(self, node: Any, pointer: str = "#") -> st.SearchStrategy[Any]:
        if pointer in self.overrides:
            return self.overrides[pointer]
        if node is True or node == {}:
            return _json_values()
        if not isinstance(node, dict):
            raise UnsupportedSchemaError(f"{pointer}: no value is valid against {node!r}")
        ref = node.get("$ref")
        if isinstance(ref, str) and len(node) == 1:
            if ref not in self.cache:
                self.cache[ref] = st.deferred(lambda: self.compile(*self.resolve(node)))
            return self.cache[ref]
        resolved, pointer = self.resolve(node) if "$ref" in node else (node, pointer)
        merged = _merge_all_of(resolved)
        if merged is None:
            raise UnsupportedSchemaError(f"{pointer}: an allOf part that does more than tighten")
        if "anyOf" in merged:
            rest = {k: v for k, v in merged.items() if k != "anyOf"}
            return st.one_of(
                [
                    self.compile({"allOf": [rest, branch]}, f"{pointer}/anyOf/{index}")
                    for index, branch in enumerate(merged["anyOf"])
                ]
            )
        built = self._native(merged, pointer)
        if built is None:
            raise UnsupportedSchemaError(f"{pointer}: no strategy for keywords {sorted(merged)}")
        return built

    def _native(self, node: dict[str, Any], pointer: str) -> st.SearchStrategy[Any] | None:
        kind = node.get("type")
        if "const" in node and set(node) <= {"type", "const"}:
            return st.just(node["const"]) if _type_matches(node["const"], kind) else None
        if "enum" in node and set(node) <= {"type", "enum"}:
            values = [v for v in node["enum"] if _type_matches(v, kind)]
            return st.sampled_from(values) if values else None
        if kind == "boolean" and set(node) == {"type"}:
            return st.booleans()
        if kind == "integer" and set(node) <= _INTEGER_KEYS:
            return st.integers(node.get("minimum"), node.get("maximum"))
        if kind == "number" and set(node) <= _INTEGER_KEYS:
            low, high = node.get("minimum"), node.get("maximum")
            return st.integers(low, high) | st.floats(
                low, high, allow_nan=False, allow_infinity=False
            )
        if kind == "string" and set(node) <= _STRING_KEYS:
            return _strings(node)
        if kind == "object" and set(node) <= _OBJECT_KEYS:
            return self._object(node, pointer)
        if kind == "array" and set(node) <= _ARRAY_KEYS and isinstance(node.get("items"), dict):
            return st.lists(
                self.compile(node["items"], f"{pointer}/items"),
                min_size=node.get("minItems", 0),
                max_size=node.get("maxItems"),
                unique_by=(lambda v: repr(v)) if node.get("uniqueItems") else None,
            )
        return None

    def _object(self, node: dict[str, Any], pointer: str) -> st.SearchStrategy[Any] | None:
        properties: dict[str, Any] = node.get("properties", {})
        required = set(node.get("required", []))
        if not required <= set(properties) and _is_closed(node):
            return None
        requires: dict[str, list[str]] = node.get(_REQUIRES, {})
        if any(n in required and not set(needed) <= required for n, needed in requires.items()):
            return None

        def compiled(name: str) -> st.SearchStrategy[Any]:
            if name not in properties:  # required, but the schema says nothing about its value
                return self._additional(node, pointer)
            return self.compile(properties[name], f"{pointer}/properties/{name}")

        optional = set(properties) - required
        optional_requires = {k: v for k, v in requires.items() if k in optional}
        groups = _groups(optional, optional_requires)
        one_way = groups is None
        if groups is None:
            groups = [frozenset({name}) for name in sorted(optional)]
        singles = {next(iter(g)) for g in groups if len(g) == 1}
        base = st.fixed_dictionaries(
            {k: compiled(k) for k in sorted(required)},
            optional={k: compiled(k) for k in sorted(singles)},
        )
        parts = [base] + [
            st.just({}) | st.fixed_dictionaries({k: compiled(k) for k in sorted(g)})
            for g in groups
            if len(g) > 1
        ]
        extra = node.get("additionalProperties", True)
        if isinstance(extra, dict) and not _is_closed(node):
            # Open to properties of one schema (`validationErrors`): a few, never a declared name.
            declared = set(properties) | required
            parts.append(
                st.dictionaries(
                    st.text().filter(lambda key: key not in declared),
                    self.compile(extra, f"{pointer}/additionalProperties"),
                    max_size=3,
                )
            )
        built = base if len(parts) == 1 else st.tuples(*parts).map(_merge_dicts)
        # A one-way `if/then` (a requires b, not b requires a) is kept by filtering (rare).
        return built.filter(_satisfies(optional_requires)) if one_way else built

    def _additional(self, node: dict[str, Any], pointer: str) -> st.SearchStrategy[Any]:
        extra = node.get("additionalProperties", True)
        return self.compile(extra, f"{pointer}/additionalProperties")


def compile_schema(
    schema: Mapping[str, Any], overrides: Mapping[str, st.SearchStrategy[Any]] | None = None
) -> st.SearchStrategy[Any]:
    """A strategy for documents valid against `schema` (a bundled schema: local refs only).

    `overrides` maps a property's JSON pointer in the schema (e.g.
    `#/$defs/destination/properties/to`) to the strategy that supplies its values instead; the
    caller answers for those values being valid (the request oracle judges the whole document).
    """
    root = _strip(dict(schema))
    return _Compiler(root, overrides or {}).compile({k: v for k, v in root.items() if k != "$defs"})
