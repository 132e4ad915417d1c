"""Every check the suite documents has at least one broken server that must trip it.

"A check that no broken server can trip is not done": the check names come from the suite's own
contract (the checks table of docs/conformance.md), so a check added there without a zoo server
fails here. That each server really trips its check is `test_suite_verdicts`.
"""

from __future__ import annotations

import re
from pathlib import Path

from .._suite_runner import REPO_ROOT
from ._catalogue import BROKEN_SERVERS
from ._serve import markdown_table

_CHECK_ROW = re.compile(r"^\|\s*[a-z_]+\s*\|\s*`([a-z0-9_]+)`\s*\|", re.MULTILINE)


def _documented_checks() -> set[str]:
    text = (REPO_ROOT / "docs" / "conformance.md").read_text(encoding="utf-8")
    return set(_CHECK_ROW.findall(text))


def test_the_checks_table_is_found_in_docs_conformance_md() -> None:
    assert len(_documented_checks()) >= 20


def test_every_documented_check_has_a_broken_server_that_must_trip_it() -> None:
    tripped = {check for server in BROKEN_SERVERS for check in server.catches}
    assert sorted(_documented_checks() - tripped) == []


def test_every_expected_check_is_a_documented_one() -> None:
    expected = {check for server in BROKEN_SERVERS for check in server.catches}
    assert sorted(expected - _documented_checks()) == []


def test_readme_lists_the_zoo_as_it_is() -> None:
    readme = (Path(__file__).parent / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme
