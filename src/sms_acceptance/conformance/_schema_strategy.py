"""A Hypothesis strategy for a JSON Schema, compiled once, for schemas shaped like ours.

hypothesis-jsonschema is the reference generator, but it re-canonicalises an object's property
schemas on every draw, which costs about 0.1 s per request document here: more than the HTTP round
trip it feeds. This stage walks the bundled schema once and builds the composite strategy itself
for the structural parts (objects with `properties`/`required`, arrays with `items`), handing every
other subschema (strings with patterns, enums, integers with bounds…) to hypothesis-jsonschema's
`from_schema`, built once and reused. Whatever this stage does not understand is handed over whole,
so the result always generates documents the schema accepts (the tests check that it does).
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
_OBJECT_KEYS = frozenset({"type", "properties", "required", "additionalProperties"})
_ARRAY_KEYS = frozenset({"type", "items", "minItems", "maxItems", "uniqueItems"})


def _strip(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if k not in _ANNOTATIONS}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def _merge_all_of(node: dict[str, Any]) -> dict[str, Any] | None:
    """Fold `allOf` parts into the node when they only add `required` or tighten array sizes."""
    parts = node.get("allOf")
    if parts is None:
        return node
    merged = {k: v for k, v in node.items() if k != "allOf"}
    for part in parts:
        for key, value in part.items():
            if key == "required":
                merged["required"] = sorted(set(merged.get("required", [])) | set(value))
            elif key == "maxItems":
                merged[key] = min(value, merged.get(key, value))
            elif key == "minItems":
                merged[key] = max(value, merged.get(key, value))
            elif key == "uniqueItems":
                merged[key] = merged.get(key, False) or value
            else:
                return None
    return merged


def _is_closed(node: Mapping[str, Any]) -> bool:
    extra = node.get("additionalProperties", True)
    return extra is False or extra == {"not": {}}


@functools.cache
def _leaf_strategy(schema_json: str) -> st.SearchStrategy[Any]:
    """hypothesis-jsonschema's strategy for one leaf schema, built once per distinct leaf."""
    # Imported here: importing it reads Hypothesis's unicode tables, which Hypothesis asks
    # plugins not to do while pytest loads them.
    from hypothesis_jsonschema import from_schema

    return from_schema(json.loads(schema_json))


class _Compiler:
    def __init__(self, root: dict[str, Any]) -> None:
        self.defs: dict[str, Any] = root.get("$defs", {})
        self.cache: dict[str, st.SearchStrategy[Any]] = {}

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/$defs/"):
                raise ValueError(f"only local $defs references are supported, got {ref!r}")
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            node = {**self.defs[ref.removeprefix("#/$defs/")], **siblings}
        return node

    def leaf(self, node: dict[str, Any]) -> st.SearchStrategy[Any]:
        # Only a leaf that still refers to $defs carries them: hypothesis-jsonschema validates
        # and canonicalises everything it is given, so extra definitions cost time per leaf.
        text = json.dumps(node, sort_keys=True)
        if '"$ref"' in text:
            text = json.dumps({**node, "$defs": self.defs}, sort_keys=True)
        return _leaf_strategy(text)

    def compile(self, node: Any) -> st.SearchStrategy[Any]:
        if not isinstance(node, dict):
            return self.leaf(node)
        ref = node.get("$ref")
        if isinstance(ref, str) and len(node) == 1:
            if ref not in self.cache:
                self.cache[ref] = st.deferred(lambda: self.compile(self.resolve(node)))
            return self.cache[ref]
        resolved = self.resolve(node)
        merged = _merge_all_of(resolved)
        if merged is None:
            return self.leaf(resolved)
        kind = merged.get("type")
        if kind == "object" and set(merged) <= _OBJECT_KEYS and _is_closed(merged):
            properties = merged.get("properties", {})
            required = set(merged.get("required", []))
            if not required <= set(properties):
                return self.leaf(resolved)
            return st.fixed_dictionaries(
                {k: self.compile(properties[k]) for k in sorted(required)},
                optional={k: self.compile(v) for k, v in properties.items() if k not in required},
            )
        if kind == "array" and set(merged) <= _ARRAY_KEYS and isinstance(merged.get("items"), dict):
            return st.lists(
                self.compile(merged["items"]),
                min_size=merged.get("minItems", 0),
                max_size=merged.get("maxItems"),
                unique_by=(lambda v: repr(v)) if merged.get("uniqueItems") else None,
            )
        return self.leaf(resolved)


def compile_schema(schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """A strategy for documents valid against `schema` (a bundled schema: local refs only)."""
    root = _strip(dict(schema))
    return _Compiler(root).compile({k: v for k, v in root.items() if k != "$defs"})
