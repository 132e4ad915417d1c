"""Where the project's tests read the workspace's shared documents from.

The seed (the endpoint's document) and `rules.md` live in the workspace's `../shared/`, the
origin of everything the kit checks. A clone anywhere else has no such folder, so a copy of each
is committed under `tests/shared/`: the tests read the workspace's own when it is there and the
copy otherwise, and `test_shared_documents.py` fails when the two differ, so the copy can never
quietly fall behind its origin.
"""

from __future__ import annotations

from pathlib import Path

WORKSPACE_SHARED = Path(__file__).resolve().parents[1].parent / "shared"
COMMITTED_COPY = Path(__file__).resolve().parent / "shared"

SEED = Path("seeds") / "000_809e94f339d18fb5.txt"
RULES = Path("reference") / "rules.md"


def shared_document(relative: Path) -> Path:
    """The workspace's own document if the workspace has one, else the committed copy."""
    original = WORKSPACE_SHARED / relative
    return original if original.is_file() else COMMITTED_COPY / relative
