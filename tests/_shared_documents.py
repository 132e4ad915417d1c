"""The workspace's shared documents and the repository's copies of them.

The contract (`rules.md`), the provider's facts (`provider-facts.md`) and the seed (the endpoint's
document) originate in the workspace's `../shared/`. A clone anywhere else has no such folder, so
the repository carries a copy of each: the contract and the facts under `docs/` (where the README
and the code cite them), the seed under `tests/shared/`. The tests read the copies, and
`test_shared_documents.py` fails when a copy differs from its origin (when the origin is here), so
a copy can never quietly fall behind.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
WORKSPACE_SHARED = REPO_ROOT.parent / "shared"

# Paths relative to the workspace's `../shared/`.
SEED = Path("seeds") / "000_809e94f339d18fb5.txt"
RULES = Path("reference") / "rules.md"
PROVIDER_FACTS = Path("reference") / "provider-facts.md"

#: Where the repository keeps its copy of each shared document.
COMMITTED_COPIES: dict[Path, Path] = {
    SEED: REPO_ROOT / "tests" / "shared" / SEED,
    RULES: REPO_ROOT / "docs" / "rules.md",
    PROVIDER_FACTS: REPO_ROOT / "docs" / "provider-facts.md",
}


def shared_document(relative: Path) -> Path:
    """The repository's copy of a shared document (equal to its origin: see the test)."""
    return COMMITTED_COPIES[relative]
