"""The committed copies of the shared documents match their origin, when the origin is here."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._shared_documents import COMMITTED_COPY, RULES, SEED, WORKSPACE_SHARED, shared_document


@pytest.mark.parametrize("relative", [SEED, RULES], ids=str)
def test_the_committed_copy_is_the_workspace_document(relative: Path) -> None:
    original = WORKSPACE_SHARED / relative
    if not original.is_file():
        pytest.skip(f"no workspace copy to compare with: {original}")
    assert (COMMITTED_COPY / relative).read_bytes() == original.read_bytes(), (
        f"tests/shared/{relative} differs from {original}: copy the workspace's document over it"
    )


@pytest.mark.parametrize("relative", [SEED, RULES], ids=str)
def test_every_shared_document_resolves_to_a_file(relative: Path) -> None:
    assert shared_document(relative).is_file()
