"""``schemas/openapi.yaml``: parses, every ``$ref`` resolves, and its examples are the seed's."""

from __future__ import annotations

from typing import Any
from urllib.parse import urldefrag

import pytest
import yaml
from jsonschema import Draft202012Validator

from sms_acceptance import SCHEMA_NAMES, load_schema, schema_dir, schema_registry, schema_violations

from .conftest import SeedExample, refs_in

OPERATION = ("paths", "/sms/1/text/advanced", "post")


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    document = yaml.safe_load((schema_dir() / "openapi.yaml").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def _at(document: Any, *keys: str) -> Any:
    for key in keys:
        document = document[key]
    return document


def _resolve(openapi: dict[str, Any], reference: str) -> Any:
    target, fragment = urldefrag(reference)
    document: Any = openapi if not target else load_schema(_schema_name(target))
    for token in [t for t in fragment.split("/") if t]:
        document = document[token.replace("~1", "/").replace("~0", "~")]
    return document


def _schema_name(file_name: str) -> Any:
    name = file_name.removesuffix(".schema.json")
    assert name in SCHEMA_NAMES, file_name
    return name


def test_openapi_is_version_3_1_for_the_send_endpoint(openapi: dict[str, Any]) -> None:
    assert openapi["openapi"].startswith("3.1.")
    assert _at(openapi, *OPERATION)["operationId"]


def test_every_ref_in_openapi_resolves(openapi: dict[str, Any]) -> None:
    references = list(refs_in(openapi))
    assert "request.schema.json" in references
    for reference in references:
        assert _resolve(openapi, reference) is not None, reference


def test_openapi_schema_refs_point_to_the_files_beside_it(openapi: dict[str, Any]) -> None:
    file_refs = {r for r in refs_in(openapi) if not r.startswith("#")}
    assert file_refs == {
        "request.schema.json",
        "response.schema.json",
        "error.schema.json",
        # Delivery reports (D2, D13, D14) and the push webhook.
        "reports.schema.json",
        "reports.schema.json#/$defs/push",
        "logs.schema.json",
        "provider-date-time.schema.json",
    }
    for reference in file_refs:
        assert (schema_dir() / urldefrag(reference).url).is_file()


def test_openapi_declares_the_four_auth_schemes_A5(openapi: dict[str, Any]) -> None:
    schemes = _at(openapi, "components", "securitySchemes")
    assert schemes["Basic"] == {**schemes["Basic"], "type": "http", "scheme": "basic"}
    assert schemes["Bearer"] == {**schemes["Bearer"], "type": "http", "scheme": "bearer"}
    for api_key in ("App", "IBSSO"):
        assert schemes[api_key]["type"] == "apiKey"
        assert schemes[api_key]["in"] == "header"
        assert schemes[api_key]["name"] == "Authorization"
        assert f"`{api_key}`" in schemes[api_key]["description"]
    assert [next(iter(s)) for s in openapi["security"]] == ["Basic", "App", "IBSSO", "Bearer"]


@pytest.mark.parametrize("status", ["200", "400", "401", "429", "5XX"])
def test_openapi_documents_each_response_with_its_envelope(
    openapi: dict[str, Any], status: str
) -> None:
    response = _at(openapi, *OPERATION, "responses", status)
    if "$ref" in response:
        response = _resolve(openapi, response["$ref"])
    media = response["content"]["application/json"]
    expected = "response.schema.json" if status == "200" else "error.schema.json"
    assert media["schema"] == {"$ref": expected}
    for name, example in media["examples"].items():
        assert schema_violations(_schema_name(expected), example["value"]) == [], name


def test_openapi_examples_are_the_seed_examples(
    openapi: dict[str, Any], seed_examples: list[SeedExample]
) -> None:
    request_examples = _at(openapi, *OPERATION, "requestBody", "content", "application/json")
    ok_examples = _at(openapi, *OPERATION, "responses", "200", "content", "application/json")
    bad_request = _resolve(openapi, _at(openapi, *OPERATION, "responses", "400", "$ref"))
    seed = {kind: [e.document for e in seed_examples if e.kind == kind] for kind in SCHEMA_NAMES}
    assert request_examples["examples"]["seed"]["value"] == seed["request"][0]
    assert [e["value"] for e in ok_examples["examples"].values()] == seed["response"][:2]
    assert bad_request["content"]["application/json"]["examples"]["seed"]["value"] in seed["error"]


def test_openapi_schemas_compile_with_the_registry(openapi: dict[str, Any]) -> None:
    for reference in {r for r in refs_in(openapi) if not r.startswith("#")}:
        schema = {"$ref": f"https://sms-acceptance.dev/schemas/{reference}"}
        Draft202012Validator(schema, registry=schema_registry()).is_valid({})
