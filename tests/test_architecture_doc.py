"""`docs/architecture.md` names real files, every module of the library's parts, and where S3 is
checked: a newcomer who follows it never meets a dead path.

Each `## Part (`src/sms_acceptance/<part>/`)` section lists its modules as backticked paths relative
to that folder (`checks/_checks.py` in the conformance section), and they must be exactly there.
Any other path must end a real path of the project (`zoo/README.md`, `openapi.yaml`); globs
(`conformance/test_*.py`) must match something.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
DOC = REPO_ROOT / "docs" / "architecture.md"
LIBRARY = REPO_ROOT / "src" / "sms_acceptance"
# Parts whose every module the doc must name (the sandbox's section is kept by its own issue).
FULLY_LISTED = ("", "generation", "conformance", "load")
_PATH = re.compile(r"[\w.*/-]+\.(?:py|md|j2|toml|yaml)|[\w.-]+(?:/[\w.-]+)*/")
_SKIPPED_DIRS = {".venv", ".git", ".client-envs", "node_modules", "__pycache__"}


def _sections() -> list[tuple[str, Path | None, str]]:
    """(heading, the part's folder if the heading names one, the section's text without code)."""
    text = re.sub(r"^```.*?^```", "", DOC.read_text(encoding="utf-8"), flags=re.M | re.S)
    found = []
    for chunk in re.split(r"^## ", text, flags=re.M)[1:]:
        heading, _, body = chunk.partition("\n")
        folder = re.search(r"`(src/sms_acceptance/[\w/]*)`", heading)
        found.append((heading, REPO_ROOT / folder.group(1) if folder else None, body))
    return found


def _project_paths() -> set[str]:
    """Every file and folder of the project, relative to the root, as `/a/b` (folders end in
    `/`), for the suffix match of a path named outside a part's section (`zoo/README.md`); the
    runs' output under `reports/` does not count."""
    paths: set[str] = set()
    for path in REPO_ROOT.rglob("*"):
        relative = path.relative_to(REPO_ROOT)
        if relative.parts[0] != "reports" and not _SKIPPED_DIRS.intersection(relative.parts):
            paths.add(f"/{relative.as_posix()}" + ("/" if path.is_dir() else ""))
    return paths


def _resolves(token: str, folder: Path | None, project_paths: set[str]) -> bool:
    if folder is not None and token.endswith(".py") and "*" not in token:
        # A module of a part's section: exactly there (or a core module named from a part).
        return any((base / token).exists() for base in (folder, *folder.parents))
    if "*" in token:
        return any(any(base.glob(token)) for base in (REPO_ROOT, LIBRARY, folder or REPO_ROOT))
    return any(path.endswith(f"/{token}") for path in project_paths)


def _named_paths() -> list[tuple[str, str, Path | None]]:
    named = []
    for heading, folder, body in _sections():
        for token in re.findall(r"`([^`\s]+)`", body):
            if _PATH.fullmatch(token) and not token.startswith(("--", "/", ".", "http")):
                named.append((heading, token, folder))
    return named


def test_every_path_the_architecture_doc_names_exists() -> None:
    project_paths = _project_paths()
    dead = [
        f"{token!r} (in '{heading}')"
        for heading, token, folder in _named_paths()
        if not _resolves(token, folder, project_paths)
    ]
    assert not dead, "docs/architecture.md names paths that do not exist: " + ", ".join(dead)


@pytest.mark.parametrize("part", FULLY_LISTED, ids=lambda part: part or "core")
def test_the_architecture_doc_names_every_module_of_the_part(part: str) -> None:
    folder = LIBRARY / part
    sections = [body for _, section_folder, body in _sections() if section_folder == folder]
    assert sections, f"docs/architecture.md has no section for {folder.relative_to(REPO_ROOT)}/"
    named = set(re.findall(r"`([^`\s]+)`", "".join(sections)))
    modules = folder.rglob("*.py") if part == "conformance" else folder.glob("*.py")
    missing = sorted(
        relative
        for relative in (module.relative_to(folder).as_posix() for module in modules)
        if relative not in named and not (relative.endswith("__init__.py") and part)
    )
    assert not missing, f"docs/architecture.md does not name {missing} of {folder.name}/"


def test_the_doc_leads_from_S3_to_the_one_file_with_its_check() -> None:
    recipe = DOC.read_text(encoding="utf-8").split("**Add a check / find where S3 is checked.**")[1]
    first_file = re.search(r"`(src/[\w/]+\.py)`", recipe)
    assert first_file is not None, "the recipe names no file"
    source = (REPO_ROOT / first_file.group(1)).read_text(encoding="utf-8")
    check = re.search(r'@check\((?:(?!@check).)*?rules=\([^)]*"S3"', source, flags=re.S)
    assert check is not None, f"{first_file.group(1)} registers no check citing S3"
    assert "def destination_count_matches(" in source[check.end() :].split("@check(")[0]
