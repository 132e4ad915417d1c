"""A vendor profile declares deviations; a broken one is a one-line error naming the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from sms_acceptance.conformance import VendorProfileError, load_profile

GOOD = """
[vendor]
name = "Acme SMS"

[deviations]
max_destinations = 100
extra_auth_schemes = ["Token"]
sms_count = "absent"

[deviations.notes]
max_destinations = "documented in Acme's API guide, section 3"

[[deviations.accepted_statuses]]
group_id = 5
id = 18
note = "trial accounts"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "vendor.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_complete_profile_lists_each_deviation_with_its_rules(tmp_path: Path) -> None:
    profile = load_profile(_write(tmp_path, GOOD))
    deviations = {d.key: d for d in profile.deviations()}
    assert profile.name == "Acme SMS"
    assert deviations["max_destinations"].rule_ids == ("R13",)
    assert deviations["max_destinations"].note.startswith("documented")
    assert deviations["extra_auth_schemes"].checks == ("ignored_auth", "accepted_auth_scheme")
    assert deviations["sms_count"].value == "absent"
    assert profile.accepted_status(5, 18) is not None
    assert profile.accepted_status(5, 52) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[deviations]\nmax_destinations = 'lots'\n", "max_destinations must be an integer"),
        ("[deviations]\nmax_destinations = 5000\n", "above 1000 is not a deviation"),
        ("[deviations]\nmax_destinatons = 100\n", "unknown key 'max_destinatons'"),
        ("[deviations\n", "not valid TOML"),
        ("[deviations]\nsms_count = 'sometimes'\n", 'sms_count may only be "absent"'),
        ("[deviations]\nextra_auth_schemes = 'Token'\n", "must be a list of scheme words"),
        ("[[deviations.accepted_statuses]]\ngroup_id = 5\n", "needs group_id and id"),
        ("[[deviations.accepted_statuses]]\ngroup_id = 5\nid = -1\n", "id must be an integer"),
        ("[vendors]\nname = 'x'\n", "unknown key 'vendors'"),
    ],
)
def test_a_broken_profile_is_a_one_line_error(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(VendorProfileError) as raised:
        load_profile(path)
    message = str(raised.value)
    assert expected in message
    assert str(path) in message
    assert "\n" not in message


def test_a_missing_profile_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(VendorProfileError, match="no such file"):
        load_profile(tmp_path / "absent.toml")


def test_K_profile_can_require_clients(tmp_path: Path) -> None:
    from sms_acceptance.conformance import load_profile

    path = tmp_path / "vendor.toml"
    path.write_text('[clients]\nrequire = ["infobip-api-python-sdk"]\n', encoding="utf-8")
    assert load_profile(path).required_clients == ("infobip-api-python-sdk",)
