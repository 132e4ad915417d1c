"""Fixtures for the schema tests: the seed document and every JSON example found in it.

The examples are extracted from the seed file itself, never pasted into the tests, so a test
fails if the schemas drift from the document the endpoint is defined by. The seed shows each
example in ten forms (plain JSON, curl ``--data-raw``, Node, Ruby, Python, PHP, C#, Java,
jQuery, Go); each form is decoded the way its language would read it.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import pytest

from .._shared_documents import SEED, shared_document

SEED_PATH = shared_document(SEED)

ExampleKind = Literal["request", "response", "error"]


def refs_in(node: Any) -> Iterator[str]:
    """Every `$ref` string in a JSON document (a schema, the OpenAPI file), depth first."""
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs_in(value)


@dataclass(frozen=True)
class SeedExample:
    """One JSON document found in the seed, where it starts and what it is."""

    kind: ExampleKind
    offset: int
    line: int
    document: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.kind}@line{self.line}"


def _balanced_regions(text: str) -> Iterator[tuple[int, str]]:
    """Every brace-balanced ``{...}`` region of ``text``, outermost first, with its offset."""
    for start, character in enumerate(text):
        if character != "{":
            continue
        depth = 0
        for end in range(start, len(text)):
            if text[end] == "{":
                depth += 1
            elif text[end] == "}":
                depth -= 1
                if depth == 0:
                    yield start, text[start : end + 1]
                    break


def _decode(region: str) -> object | None:
    """The region read as JSON, as a Python literal, or as a C#/Java string's JSON content."""
    candidates: tuple[Callable[[], object], ...] = (
        lambda: json.loads(region),
        lambda: ast.literal_eval(region),  # Python sample: True / False
        lambda: json.loads(region.replace('""', '"')),  # C# verbatim string @"..."
        lambda: json.loads(region.replace('\\"', '"')),  # Java string literal "..."
    )
    for decode in candidates:
        try:
            document: object = decode()
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            continue
        return document
    return None


def _kind(document: dict[str, Any]) -> ExampleKind | None:
    if "requestError" in document:
        return "error"
    messages = document.get("messages")
    if isinstance(messages, list) and messages and isinstance(messages[0], dict):
        if "destinations" in messages[0]:
            return "request"
        if "status" in messages[0]:
            return "response"
    return None


def extract_seed_examples(text: str) -> list[SeedExample]:
    """Every request, 200 and 400 body in the seed text, in order of appearance."""
    found: list[SeedExample] = []
    covered_until = -1
    for offset, region in _balanced_regions(text):
        if offset < covered_until:
            continue  # inside an example already taken
        document = _decode(region)
        if not isinstance(document, dict):
            continue
        kind = _kind(document)
        if kind is None:
            continue
        line = text.count("\n", 0, offset) + 1
        found.append(SeedExample(kind, offset, line, document))
        covered_until = offset + len(region)
    return found


@pytest.fixture(scope="session")
def seed_text() -> str:
    if not SEED_PATH.is_file():
        pytest.fail(f"the seed document is missing: {SEED_PATH.resolve()}", pytrace=False)
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_examples(seed_text: str) -> list[SeedExample]:
    return extract_seed_examples(seed_text)


@pytest.fixture(scope="session")
def seed_request(seed_examples: list[SeedExample]) -> dict[str, Any]:
    """The seed's request example (the first one; every form of it is the same document)."""
    return next(e.document for e in seed_examples if e.kind == "request")
