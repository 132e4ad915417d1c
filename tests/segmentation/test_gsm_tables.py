"""Our TS 23.038 tables, position by position, against an independent transcription
(gsmcodecs, generated from TS 23.038 v18.0.0) and against the differences provider-facts.md
section 7.1 lists."""

# ruff: noqa: RUF001
from __future__ import annotations

from collections.abc import Mapping

import pytest
from gsmcodecs.charmaps import GSMCHARMAPS

from sms_acceptance._gsm_tables import (
    DEFAULT_ALPHABET,
    DEFAULT_EXTENSION,
    ESCAPE,
    NATIONAL_LANGUAGES,
    PORTUGUESE_LOCKING_SHIFT,
    PORTUGUESE_SINGLE_SHIFT,
    SPANISH_SINGLE_SHIFT,
    TURKISH_LOCKING_SHIFT,
    TURKISH_SINGLE_SHIFT,
    characters,
)

# gsmcodecs decodes the escape (0x1B) and single-shift CR2 (0x0D) to placeholders; neither is a
# character a text can contain, so both sides leave them out.
_CONTROL_POSITIONS = {"locking": {0x1B}, "singleShift": {0x0D, 0x1B}}


def _ours(table: str | Mapping[int, str]) -> dict[int, str]:
    items = enumerate(table) if isinstance(table, str) else table.items()
    return {position: c for position, c in items if c != ESCAPE}


def _theirs(language_id: int, kind: str) -> dict[int, str]:
    decode: Mapping[int, int] = GSMCHARMAPS[language_id][kind]["decode"]
    return {p: chr(c) for p, c in decode.items() if p not in _CONTROL_POSITIONS[kind]}


@pytest.mark.parametrize(
    ("table", "language_id", "kind"),
    [
        (DEFAULT_ALPHABET, 0, "locking"),
        (DEFAULT_EXTENSION, 0, "singleShift"),
        (TURKISH_LOCKING_SHIFT, 1, "locking"),
        (TURKISH_SINGLE_SHIFT, 1, "singleShift"),
        (SPANISH_SINGLE_SHIFT, 2, "singleShift"),
        (PORTUGUESE_LOCKING_SHIFT, 3, "locking"),
        (PORTUGUESE_SINGLE_SHIFT, 3, "singleShift"),
    ],
    ids=["default", "extension", "TR-locking", "TR-single", "ES-single", "PT-locking", "PT-single"],
)
def test_table_matches_ts_23038_position_by_position(
    table: str | Mapping[int, str], language_id: int, kind: str
) -> None:
    assert _ours(table) == _theirs(language_id, kind)


def test_turkish_locking_differs_from_default_exactly_where_provider_facts_says() -> None:
    differences = {
        p: c
        for p, (c, d) in enumerate(zip(TURKISH_LOCKING_SHIFT, DEFAULT_ALPHABET, strict=True))
        if c != d
    }
    assert differences == {
        0x04: "€",
        0x07: "ı",
        0x0B: "Ğ",
        0x0C: "ğ",
        0x1C: "Ş",
        0x1D: "ş",
        0x40: "İ",
        0x60: "ç",
    }


@pytest.mark.parametrize(
    ("single_shift", "national_characters"),
    [
        (TURKISH_SINGLE_SHIFT, "Ğ İ Ş ç € ğ ı ş"),
        (SPANISH_SINGLE_SHIFT, "ç Á Í Ó Ú á í ó ú €"),
        # provider-facts' listing plus Ê (0x1F): TS 23.038 A.2.3 and Android have it.
        (
            PORTUGUESE_SINGLE_SHIFT,
            "ê ç Ô ô Á á Φ Γ Ω Π Ψ Σ Θ À Í Ó Ú Ã Õ Â í ó ú ã õ â € Ê",
        ),
    ],
    ids=["TR", "ES", "PT"],
)
def test_single_shift_is_default_extension_plus_national_characters(
    single_shift: Mapping[int, str], national_characters: str
) -> None:
    assert characters(single_shift) == characters(DEFAULT_EXTENSION) | set(
        national_characters.split()
    )


def test_portuguese_locking_loses_the_default_characters_provider_facts_lists() -> None:
    lost = characters(DEFAULT_ALPHABET) - characters(PORTUGUESE_LOCKING_SHIFT)
    assert lost == set("èùìòØøÅåΦΓΛΩΠΨΣΘΞÆæß¤¡ÄÖÑ¿äöñ")


def test_escape_is_not_a_character_of_any_table() -> None:
    tables: list[str | Mapping[int, str]] = [DEFAULT_ALPHABET, DEFAULT_EXTENSION]
    for language in NATIONAL_LANGUAGES.values():
        tables.append(language.single_shift)
        if language.locking_shift is not None:
            tables.append(language.locking_shift)
    assert all(ESCAPE not in characters(table) for table in tables)


def test_spanish_has_no_locking_table() -> None:
    assert NATIONAL_LANGUAGES["ES"].locking_shift is None
