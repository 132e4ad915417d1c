"""Each broken server really has its bug, and the faithful sandbox does not (direct requests).

Without these a broken server that silently behaved like the sandbox would "prove" a suite that
catches nothing. The suite itself is not involved here.
"""

from __future__ import annotations

import pytest

from ._catalogue import BROKEN_SERVERS, CORRECT_SERVERS, BrokenServer, Credentials
from ._witnesses import VARIANT_WITNESSES, WITNESSES, send_witness

# Report bugs show at a receiver, not in an answer: test_report_servers_show_their_bug.py.
HTTP_BROKEN = [server for server in BROKEN_SERVERS if not server.wire_level and not server.reports]
SANDBOX = next(server for server in CORRECT_SERVERS if server.name == "sandbox")


def test_the_zoo_has_at_least_25_broken_servers_and_3_correct_variants() -> None:
    assert len(BROKEN_SERVERS) >= 25
    assert len([s for s in CORRECT_SERVERS if s.name != "sandbox"]) >= 3


def test_every_broken_server_is_documented_and_named_once() -> None:
    names = [server.name for server in BROKEN_SERVERS]
    assert len(names) == len(set(names))
    undocumented = [
        server.name for server in BROKEN_SERVERS if "Caught by" not in server.description
    ]
    assert undocumented == []


def test_every_http_broken_server_has_a_witness() -> None:
    assert sorted(WITNESSES) == sorted(server.name for server in HTTP_BROKEN)


@pytest.mark.parametrize("server", HTTP_BROKEN, ids=lambda s: s.name)
def test_broken_server_shows_its_bug(server: BrokenServer, zoo_credentials: Credentials) -> None:
    witness = WITNESSES[server.name]
    with server.serve(zoo_credentials.for_scheme(server.scheme)) as base_url:
        response = send_witness(base_url, witness, zoo_credentials.for_scheme(server.scheme))
    shown = "no answer" if response is None else f"{response.status_code} {response.text[:300]}"
    assert witness.shows_bug(response), f"{server.name} did not show its bug: {shown}"


@pytest.mark.parametrize("server", HTTP_BROKEN, ids=lambda s: s.name)
def test_sandbox_does_not_show_the_bug(server: BrokenServer, zoo_credentials: Credentials) -> None:
    witness = WITNESSES[server.name]
    with SANDBOX.serve(zoo_credentials.for_scheme(server.scheme)) as base_url:
        response = send_witness(base_url, witness, zoo_credentials.for_scheme(server.scheme))
    shown = "no answer" if response is None else f"{response.status_code} {response.text[:300]}"
    assert not witness.shows_bug(response), f"the sandbox shows {server.name}'s bug: {shown}"


@pytest.mark.parametrize("name", sorted(VARIANT_WITNESSES))
def test_correct_variant_shows_its_choice(name: str, zoo_credentials: Credentials) -> None:
    variant = next(server for server in CORRECT_SERVERS if server.name == name)
    witness = VARIANT_WITNESSES[name]
    with variant.serve(zoo_credentials.for_scheme(variant.scheme)) as base_url:
        response = send_witness(base_url, witness, zoo_credentials.for_scheme(variant.scheme))
    shown = "no answer" if response is None else f"{response.status_code} {response.text[:300]}"
    assert witness.shows_bug(response), f"{name} did not take its choice: {shown}"
