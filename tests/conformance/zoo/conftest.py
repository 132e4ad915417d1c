"""Fixtures of the zoo: the session's credentials."""

from __future__ import annotations

import pytest

from ._catalogue import Credentials


@pytest.fixture(scope="session")
def zoo_credentials() -> Credentials:
    """Random per session, so any trace of one in a report is certainly a leak."""
    return Credentials.generate()
