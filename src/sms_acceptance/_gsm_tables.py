# ruff: noqa: RUF001
# (The tables hold Turkish dotless i and Greek capitals on purpose: they are the standard's.)
"""The GSM 7-bit character tables of 3GPP TS 23.038 that decide what a segment holds.

Written from the standard (section 6.2.1 default alphabet, 6.2.1.1 its extension table, annex A.2
national single-shift tables, annex A.3 national locking-shift tables) for the three languages an
Infobip-compatible API accepts in ``language.languageCode``: Turkish, Spanish and Portuguese
(docs/provider-facts.md section 7.1). PyPI ``gsm0338`` carries only the default and Spanish tables,
so we keep our own.

A locking-shift table replaces the default alphabet for the whole message: 128 positions, one septet
each. A single-shift table is reached through the escape septet (0x1B): every character in it costs
two septets. Position 0x1B is the escape itself in every table and never a character of the text;
the single-shift positions 0x0D (CR2) and 0x1B (SS2) are control codes and are left out.

Deviation from provider-facts.md, on purpose: the Portuguese single-shift table has ``Ê`` at 0x1F
(TS 23.038 A.2.3, and Android's ``GsmAlphabet``); provider-facts' listing (copied from the Go
library ``warthog618/sms``) omits it. ``Ê`` is in the Portuguese locking table too, so this only
changes counts under "default alphabet + Portuguese single shift".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

ESCAPE = "\x1b"
"""Position 0x1B of every 7-bit table: the escape to the single-shift table, not a character."""


def _table(*rows: str) -> str:
    """Join 8 rows of 16 positions (0x00-0x0F, 0x10-0x1F, ...) into one 128-position table."""
    table = "".join(rows)
    if len(rows) != 8 or any(len(row) != 16 for row in rows) or table[0x1B] != ESCAPE:
        raise ValueError("a 7-bit table is 8 rows of 16 positions with the escape at 0x1B")
    return table


def _shift(positions: Mapping[int, str]) -> Mapping[int, str]:
    return MappingProxyType(dict(sorted(positions.items())))


# TS 23.038 6.2.1: GSM 7 bit default alphabet.
DEFAULT_ALPHABET = _table(
    "@£$¥èéùìòÇ\nØø\rÅå",
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ",
    " !\"#¤%&'()*+,-./",
    "0123456789:;<=>?",
    "¡ABCDEFGHIJKLMNO",
    "PQRSTUVWXYZÄÖÑÜ§",
    "¿abcdefghijklmno",
    "pqrstuvwxyzäöñüà",
)

# TS 23.038 6.2.1.1: GSM 7 bit default alphabet extension table (each character: escape + 1).
DEFAULT_EXTENSION: Mapping[int, str] = _shift(
    {
        0x0A: "\f",
        0x14: "^",
        0x28: "{",
        0x29: "}",
        0x2F: "\\",
        0x3C: "[",
        0x3D: "~",
        0x3E: "]",
        0x40: "|",
        0x65: "€",
    }
)

# TS 23.038 A.3.1: Turkish national language locking shift table.
TURKISH_LOCKING_SHIFT = _table(
    "@£$¥€éùıòÇ\nĞğ\rÅå",
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bŞşßÉ",
    " !\"#¤%&'()*+,-./",
    "0123456789:;<=>?",
    "İABCDEFGHIJKLMNO",
    "PQRSTUVWXYZÄÖÑÜ§",
    "çabcdefghijklmno",
    "pqrstuvwxyzäöñüà",
)

# TS 23.038 A.2.1: Turkish national language single shift table.
TURKISH_SINGLE_SHIFT: Mapping[int, str] = _shift(
    {
        **DEFAULT_EXTENSION,
        0x47: "Ğ",
        0x49: "İ",
        0x53: "Ş",
        0x63: "ç",
        0x67: "ğ",
        0x69: "ı",
        0x73: "ş",
    }
)

# TS 23.038 A.2.2: Spanish national language single shift table (Spanish has no locking table).
SPANISH_SINGLE_SHIFT: Mapping[int, str] = _shift(
    {
        **DEFAULT_EXTENSION,
        0x09: "ç",
        0x41: "Á",
        0x49: "Í",
        0x4F: "Ó",
        0x55: "Ú",
        0x61: "á",
        0x69: "í",
        0x6F: "ó",
        0x75: "ú",
    }
)

# TS 23.038 A.3.3: Portuguese national language locking shift table (0x7D is a backtick).
PORTUGUESE_LOCKING_SHIFT = _table(
    "@£$¥êéúíóç\nÔô\rÁá",
    "Δ_ªÇÀ∞^\\€Ó|\x1bÂâÊÉ",
    " !\"#º%&'()*+,-./",
    "0123456789:;<=>?",
    "ÍABCDEFGHIJKLMNO",
    "PQRSTUVWXYZÃÕÚÜ§",
    "~abcdefghijklmno",
    "pqrstuvwxyzãõ`üà",
)

# TS 23.038 A.2.3: Portuguese national language single shift table.
PORTUGUESE_SINGLE_SHIFT: Mapping[int, str] = _shift(
    {
        **DEFAULT_EXTENSION,
        0x05: "ê",
        0x09: "ç",
        0x0B: "Ô",
        0x0C: "ô",
        0x0E: "Á",
        0x0F: "á",
        0x12: "Φ",
        0x13: "Γ",
        0x15: "Ω",
        0x16: "Π",
        0x17: "Ψ",
        0x18: "Σ",
        0x19: "Θ",
        0x1F: "Ê",
        0x41: "À",
        0x49: "Í",
        0x4F: "Ó",
        0x55: "Ú",
        0x5B: "Ã",
        0x5C: "Õ",
        0x61: "Â",
        0x69: "í",
        0x6F: "ó",
        0x75: "ú",
        0x7B: "ã",
        0x7C: "õ",
        0x7F: "â",
    }
)


@dataclass(frozen=True)
class NationalLanguage:
    """The tables TS 23.038 defines for one national language identifier.

    ``locking_shift`` is ``None`` where the standard defines no locking table (Spanish).
    """

    code: str
    identifier: int
    locking_shift: str | None
    single_shift: Mapping[int, str]


NATIONAL_LANGUAGES: Mapping[str, NationalLanguage] = MappingProxyType(
    {
        "TR": NationalLanguage("TR", 0x01, TURKISH_LOCKING_SHIFT, TURKISH_SINGLE_SHIFT),
        "ES": NationalLanguage("ES", 0x02, None, SPANISH_SINGLE_SHIFT),
        "PT": NationalLanguage("PT", 0x03, PORTUGUESE_LOCKING_SHIFT, PORTUGUESE_SINGLE_SHIFT),
    }
)
"""Keyed by the API's ``languageCode`` value; the identifier is the one the UDH carries."""


def characters(table: str | Mapping[int, str]) -> frozenset[str]:
    """The characters a table can encode: its positions, less the escape."""
    values = table if isinstance(table, str) else table.values()
    return frozenset(values) - {ESCAPE}


GSM7_BASIC_CHARACTERS: Final = characters(DEFAULT_ALPHABET)
"""What the default alphabet encodes in one septet each (C1)."""

GSM7_EXTENSION_CHARACTERS: Final = characters(DEFAULT_EXTENSION)
"""What the default extension table encodes behind the escape, two septets each (C1)."""
