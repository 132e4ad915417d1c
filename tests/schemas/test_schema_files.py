"""The schema files themselves: valid JSON Schema 2020-12, annotated, and usable by our tools."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator, FormatChecker

from sms_acceptance import fast_validator, schema_violations
from sms_acceptance._schema_store import (
    SCHEMA_NAMES,
    SchemaName,
    SchemaStoreError,
    bundled_schema,
    load_schema,
    schema_dir,
    schema_dir_for,
    schema_registry,
    schema_uri,
)
from sms_acceptance.generation import compile_schema

from .._shared_documents import RULES, shared_document
from .conftest import SeedExample, refs_in

RULES_PATH = shared_document(RULES)

# Keywords that constrain an instance: a schema holding one must say which rule it encodes.
_CONSTRAINTS = frozenset(
    {
        "type",
        "enum",
        "const",
        "required",
        "minItems",
        "maxItems",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "pattern",
        "uniqueItems",
        "dependentRequired",
        "not",
        "anyOf",
        "oneOf",
        "format",
    }
)
_KNOWN_RULES = (
    {f"R{i}" for i in range(1, 14)}
    | {f"S{i}" for i in range(1, 14)}
    | {f"D{i}" for i in range(1, 15)}
    | {"E1", "OPEN"}
)


def _subschemas(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object under ``node`` (not annotation values, not property-name maps)."""
    if not isinstance(node, dict):
        return
    yield path, node
    for keyword in ("properties", "$defs"):
        for key, child in node.get(keyword, {}).items():
            yield from _subschemas(child, f"{path}/{keyword}/{key}")
    for keyword in ("items", "additionalProperties", "not", "if", "then", "else"):
        if isinstance(node.get(keyword), dict):
            yield from _subschemas(node[keyword], f"{path}/{keyword}")
    for keyword in ("allOf", "anyOf", "oneOf"):
        for index, child in enumerate(node.get(keyword, [])):
            yield from _subschemas(child, f"{path}/{keyword}/{index}")


def _inside_combinator_branch(path: str) -> bool:
    """anyOf alternatives, if/then conditions inherit the rule of the schema that holds them."""
    return any(part in path for part in ("/anyOf/", "/oneOf/", "/if", "/then", "/else"))


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_file_passes_the_2020_12_meta_schema(name: SchemaName) -> None:
    Draft202012Validator.check_schema(load_schema(name))


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_format_a_schema_uses_is_one_the_reference_validator_checks(name: SchemaName) -> None:
    # jsonschema checks a format only if the package it needs is installed, and passes anything
    # it cannot check: a schema naming one (say `date-time` without `rfc3339-validator`) would
    # silently check nothing. Adding a `format` means adding its checker's package too.
    used = {schema["format"] for _, schema in _subschemas(load_schema(name)) if "format" in schema}
    unchecked = used - set(FormatChecker().checkers)
    assert not unchecked, f"{name}: formats the reference validator cannot check: {unchecked}"


def test_importing_the_validators_builds_no_grammar_parsers() -> None:
    # jsonschema's `format` extra (from 4.26) brings rfc3987-syntax, which compiles ~40 lark
    # grammars when jsonschema is imported: ~1.6 s at every start of the suite, the sandbox and
    # each Locust process, for `iri` formats our schemas never use (benchmarks/README.md, 5).
    probe = (
        "import sys, sms_acceptance._validation\n"
        "print(sorted({'lark', 'rfc3987_syntax'} & set(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_file_has_its_id_and_dialect(name: SchemaName) -> None:
    schema = load_schema(name)
    assert (
        schema["$id"]
        == schema_uri(name)
        == f"https://sms-acceptance.dev/schemas/{name}.schema.json"
    )
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_property_has_a_description_a_source_and_a_rule(name: SchemaName) -> None:
    missing = []
    for path, schema in _subschemas(load_schema(name)):
        for key, child in schema.get("properties", {}).items():
            for annotation in ("description", "x-source", "x-rule"):
                if annotation not in child:
                    missing.append(f"{path}/properties/{key} lacks {annotation}")
    assert missing == []


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_constraint_carries_a_known_rule_id(name: SchemaName) -> None:
    untagged, unknown = [], []
    for path, schema in _subschemas(load_schema(name)):
        if not _CONSTRAINTS & schema.keys() or _inside_combinator_branch(path):
            continue
        if "x-rule" not in schema:
            untagged.append(path)
        elif schema["x-rule"] not in _KNOWN_RULES:
            unknown.append(f"{path}: {schema['x-rule']}")
    assert untagged == []
    assert unknown == []


def _x_annotations(node: Any, key: str) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get(key), str):
            yield node[key]
        for value in node.values():
            yield from _x_annotations(value, key)
    elif isinstance(node, list):
        for value in node:
            yield from _x_annotations(value, key)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_source_names_the_seed_provider_facts_or_rules(name: SchemaName) -> None:
    sources = list(_x_annotations(load_schema(name), "x-source"))
    assert sources
    assert [s for s in sources if not re.search(r"\bseed\b|provider-facts §|rules\.md", s)] == []


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_rule_id_is_a_rule_of_rules_md(name: SchemaName) -> None:
    if not RULES_PATH.is_file():
        pytest.fail(f"rules.md is missing: {RULES_PATH.resolve()}", pytrace=False)
    defined = set(re.findall(r"^\| ([RSED][0-9]+) \|", RULES_PATH.read_text(), re.MULTILINE))
    used = set(_x_annotations(load_schema(name), "x-rule")) - {"OPEN"}
    assert used
    assert used <= defined


def test_response_schema_refers_to_the_status_file_by_relative_ref() -> None:
    details = load_schema("response")["$defs"]["responseDetails"]
    assert details["properties"]["status"]["$ref"] == "status.schema.json"


@pytest.mark.parametrize("name", ["response", "status", "error"])
def test_response_schemas_allow_vendor_extra_properties(name: SchemaName) -> None:
    closed = [
        path
        for path, schema in _subschemas(load_schema(name))
        if schema.get("additionalProperties") is False
        or schema.get("unevaluatedProperties") is False
    ]
    assert closed == []


def test_request_schema_closes_every_object_to_unknown_properties_as_OPEN() -> None:
    for path, schema in _subschemas(load_schema("request")):
        if schema.get("type") == "object":
            closing = schema.get("additionalProperties")
            assert isinstance(closing, dict), path
            assert closing.get("not") == {}, path
            assert closing.get("x-rule") == "OPEN", path


def test_schema_dir_is_the_checkout_folder_in_an_editable_install() -> None:
    assert (schema_dir() / "openapi.yaml").is_file()
    assert {p.name for p in schema_dir().glob("*.schema.json")} == {
        f"{n}.schema.json" for n in SCHEMA_NAMES
    }


def _package_with_schemas(root: Path, schemas_at: Path | None) -> Path:
    package = root / "src" / "sms_acceptance"
    package.mkdir(parents=True)
    if schemas_at is not None:
        schemas_at.mkdir(parents=True, exist_ok=True)
        (schemas_at / "request.schema.json").write_text("{}")
    return package


def test_schema_dir_prefers_the_copy_installed_inside_the_package(tmp_path: Path) -> None:
    package = _package_with_schemas(tmp_path, tmp_path / "schemas")
    (package / "schemas").mkdir()
    (package / "schemas" / "request.schema.json").write_text("{}")
    assert schema_dir_for(package) == package / "schemas"


def test_schema_dir_falls_back_to_the_checkouts_top_level_folder(tmp_path: Path) -> None:
    package = _package_with_schemas(tmp_path, tmp_path / "schemas")
    assert schema_dir_for(package) == tmp_path / "schemas"


def test_schema_dir_without_schemas_is_a_one_line_error(tmp_path: Path) -> None:
    package = _package_with_schemas(tmp_path, None)
    with pytest.raises(SchemaStoreError, match=r"schema files not found in .*incomplete") as error:
        schema_dir_for(package)
    assert "\n" not in str(error.value)


def test_registry_resolves_the_relative_status_ref_from_the_response() -> None:
    resolver = schema_registry().resolver(base_uri=schema_uri("response"))
    assert resolver.lookup("status.schema.json").contents is load_schema("status")


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_bundled_schema_has_only_local_refs_that_resolve(name: SchemaName) -> None:
    bundled = bundled_schema(name)
    for reference in refs_in(bundled):
        assert reference == "#" or reference.startswith("#/$defs/"), reference
        if reference != "#":
            assert reference.removeprefix("#/$defs/") in bundled["$defs"], reference
    Draft202012Validator.check_schema(bundled)


def test_bundled_response_inlines_the_status_schema() -> None:
    bundled = bundled_schema("response")
    assert bundled["$defs"]["status"]["required"] == load_schema("status")["required"]
    assert json.dumps(bundled).count("status.schema.json") == 0


_STATUS = {"groupId": 1, "groupName": "PENDING", "id": 26, "name": "N", "description": "D"}


@pytest.mark.parametrize(
    ("name", "document"),
    [
        ("response", {"messages": [{"to": "1", "messageId": "m", "status": _STATUS}]}),
        ("response", {"messages": [{"to": "1", "messageId": "m", "status": {"groupId": 1}}]}),
        (
            "response",
            {"messages": [{"to": "1", "messageId": "m", "status": _STATUS, "smsCount": 0}]},
        ),
        ("request", {"messages": [{"destinations": [{"to": "41793026727"}], "text": "hi"}]}),
        ("request", {"messages": [{"destinations": [], "text": "hi"}]}),
        ("error", {"requestError": {"serviceException": {"messageId": "X", "text": "t"}}}),
        ("error", {"requestError": {"serviceException": {"messageId": "X"}}}),
    ],
)
def test_fast_and_reference_validators_agree(name: SchemaName, document: object) -> None:
    assert fast_validator(name).is_valid(document) == (schema_violations(name, document) == [])


def test_bundled_schemas_validate_like_the_originals(seed_examples: list[SeedExample]) -> None:
    for example in seed_examples:
        bundled = Draft202012Validator(bundled_schema(example.kind))
        assert bundled.is_valid(example.document), example.label


@pytest.mark.slow
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(document=compile_schema(bundled_schema("request")))
def test_generated_requests_pass_both_validators(document: object) -> None:
    assert schema_violations("request", document) == []
    assert fast_validator("request").is_valid(document)


@pytest.mark.slow
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(document=compile_schema(bundled_schema("response")))
def test_generated_responses_pass_the_reference_validator(document: object) -> None:
    assert schema_violations("response", document) == []
