"""A Hypothesis strategy for a JSON Schema, compiled once, for schemas shaped like ours.

hypothesis-jsonschema is the reference generator, but an object it is handed whole is
re-canonicalised on every draw (`from_object_schema` -> `merged_as_strategies`, which re-validates
and re-merges its subschemas each time): that cost ~0.1 s per request document at first and was
still half of the suite's CPU once only `deliveryTimeWindow` fell back to it. So this stage walks
the bundled schema once and builds the strategy from Hypothesis's own primitives for everything the
request schema uses: objects (`properties`, `required`, closed `additionalProperties`, and the
`if: {required: [a]} / then: {required: [b]}` pairs that make `from`/`to` come together), arrays,
`allOf` parts that tighten a node, `enum`, `const`, booleans, bounded integers and strings without
a pattern. What it does not understand (patterns, `anyOf`, anything else) is handed to
hypothesis-jsonschema's `from_schema` as one leaf, built once and reused, so the result still only
generates documents the schema accepts (the tests check that it does).

`overrides` lets the caller supply the values of chosen properties itself (e.g. phone numbers or
texts chosen for segmentation): drawing a schema value only to overwrite it is wasted work, and
for pattern leaves (`from_regex`) it was the dearest part of a draw.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

__all__ = ["compile_schema"]

_ANNOTATIONS = frozenset(
    {"description", "x-source", "x-rule", "title", "$comment", "examples", "$schema", "$id"}
)
_OBJECT_KEYS = frozenset({"type", "properties", "required", "additionalProperties", "x-requires"})
_ARRAY_KEYS = frozenset({"type", "items", "minItems", "maxItems", "uniqueItems"})
_STRING_KEYS = frozenset({"type", "minLength", "maxLength"})
_INTEGER_KEYS = frozenset({"type", "minimum", "maximum"})
_REQUIRES = "x-requires"  # internal: {property: [properties it requires]}, from if/then pairs


def _strip(node: Any) -> Any:
    """Drop annotations (and `x-` extensions): they say nothing about which values are valid."""
    if isinstance(node, dict):
        return {
            k: _strip(v)
            for k, v in node.items()
            if k not in _ANNOTATIONS and not (k.startswith("x-") and k != _REQUIRES)
        }
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


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


def _merge_all_of(node: dict[str, Any]) -> dict[str, Any] | None:
    """Fold `allOf` parts into the node when each only tightens it; None when one does not."""
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


@functools.cache
def _leaf_strategy(schema_json: str) -> st.SearchStrategy[Any]:
    """hypothesis-jsonschema's strategy for one leaf schema, built once per distinct leaf."""
    # Imported here: importing it reads Hypothesis's unicode tables, which Hypothesis asks
    # plugins not to do while pytest loads them.
    from hypothesis_jsonschema import from_schema

    return from_schema(json.loads(schema_json))


def _merge_dicts(parts: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for part in parts:
        merged.update(part)
    return merged


def _groups(optional: set[str], requires: Mapping[str, list[str]]) -> list[frozenset[str]] | None:
    """Optional properties that must appear together (mutual if/then pairs), or None when a
    dependency is one-way (the caller then hands the object to hypothesis-jsonschema)."""
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

    def leaf(self, node: Any) -> st.SearchStrategy[Any]:
        # Only a leaf that still refers to $defs carries them: hypothesis-jsonschema validates
        # and canonicalises everything it is given, so extra definitions cost time per leaf.
        text = json.dumps(node, sort_keys=True)
        if '"$ref"' in text:
            text = json.dumps({**node, "$defs": self.defs}, sort_keys=True)
        return _leaf_strategy(text)

    def compile(self, node: Any, pointer: str = "#") -> st.SearchStrategy[Any]:
        if pointer in self.overrides:
            return self.overrides[pointer]
        if not isinstance(node, dict):
            return self.leaf(node)
        ref = node.get("$ref")
        if isinstance(ref, str) and len(node) == 1:
            if ref not in self.cache:
                self.cache[ref] = st.deferred(lambda: self.compile(*self.resolve(node)))
            return self.cache[ref]
        resolved, pointer = self.resolve(node) if "$ref" in node else (node, pointer)
        merged = _merge_all_of(resolved)
        if merged is None:
            return self.leaf(resolved)
        built = self._native(merged, pointer)
        return self.leaf(resolved) if built is None else built

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
        if kind == "string" and set(node) <= _STRING_KEYS:
            return st.text(min_size=node.get("minLength", 0), max_size=node.get("maxLength"))
        if kind == "object" and set(node) <= _OBJECT_KEYS and _is_closed(node):
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
        if not required <= set(properties):
            return None
        requires: dict[str, list[str]] = node.get(_REQUIRES, {})
        if any(n in required and not set(needed) <= required for n, needed in requires.items()):
            return None
        optional = set(properties) - required
        groups = _groups(optional, {k: v for k, v in requires.items() if k in optional})
        if groups is None:
            return None

        def compiled(name: str) -> st.SearchStrategy[Any]:
            return self.compile(properties[name], f"{pointer}/properties/{name}")

        singles = {next(iter(g)) for g in groups if len(g) == 1}
        base = st.fixed_dictionaries(
            {k: compiled(k) for k in sorted(required)},
            optional={k: compiled(k) for k in sorted(singles)},
        )
        together = [g for g in groups if len(g) > 1]
        if not together:
            return base
        parts = [base] + [
            st.just({}) | st.fixed_dictionaries({k: compiled(k) for k in sorted(g)})
            for g in together
        ]
        return st.tuples(*parts).map(_merge_dicts)


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
