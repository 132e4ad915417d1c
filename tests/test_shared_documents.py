"""The repository's copies of the shared documents match their origin, when the origin is here."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._shared_documents import COMMITTED_COPIES, REPO_ROOT, WORKSPACE_SHARED, shared_document


@pytest.mark.parametrize("relative", sorted(COMMITTED_COPIES), ids=str)
def test_the_committed_copy_is_byte_identical_to_the_workspace_document(relative: Path) -> None:
    original = WORKSPACE_SHARED / relative
    if not original.is_file():
        pytest.skip(f"no workspace copy to compare with: {original}")
    copy = COMMITTED_COPIES[relative]
    assert copy.read_bytes() == original.read_bytes(), (
        f"{copy.relative_to(REPO_ROOT)} differs from {original}: copy the original over it"
    )


@pytest.mark.parametrize("relative", sorted(COMMITTED_COPIES), ids=str)
def test_every_shared_document_resolves_to_a_committed_file(relative: Path) -> None:
    assert shared_document(relative).is_file()
