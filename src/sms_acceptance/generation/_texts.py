"""Message texts chosen to exercise segmentation (rules C1-C5), overlaid on generated requests.

A schema says only that `text` is a string; random strings almost never sit on a segment boundary or
need a national shift table, so the `smsCount` checks would prove little. These families cover
GSM-7, its extension characters (two septets each), UCS-2 with and without surrogate pairs, and
Turkish/Spanish/Portuguese letters with and without `languageCode`, at lengths around every
boundary (70/67 UCS-2, 160/153 GSM-7, 155/149 and 152/146 with shift tables, and their multiples).
The alphabets come from the TS 23.038 tables of `_gsm_tables`, not from a second copy.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from hypothesis import strategies as st

from sms_acceptance._gsm_tables import GSM7_BASIC_CHARACTERS, GSM7_EXTENSION_CHARACTERS
from sms_acceptance._segmentation import segment_count

__all__ = [
    "BOUNDARY_LENGTHS",
    "MAX_SEGMENTS",
    "TEXT_FAMILIES",
    "SmsText",
    "longest_texts",
    "sms_texts",
]

_GSM_BASIC = "".join(sorted(GSM7_BASIC_CHARACTERS - {"\r"}))
_GSM_EXTENSION = "".join(sorted(GSM7_EXTENSION_CHARACTERS - {"\f"}))
_LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,!?"

# Characters outside GSM-7 (and its extension) that force UCS-2, from several scripts.
_UCS2_BMP = "АБВГДежзийклмнопрстуфхцчшщъыьэюяαβγδεζηθικλμνξπρστυφχψω中文字日本語한국어ह्ि"
# Astral-plane characters: one code point, two UTF-16 code units (a surrogate pair).
_ASTRAL = "😀😂👍🎉🚀🌍💬📱🔥🇹🇷"  # every one a surrogate pair (the flag is two)
_NATIONAL = {
    "turkish": ("TR", "ğĞıİşŞçÇ"),
    "spanish": ("ES", "áíóúÁÍÓÚç"),
    "portuguese": ("PT", "ãõâêôÃÕÂÊÔçÀÁÍÓÚáíóú"),
}

TEXT_FAMILIES: tuple[str, ...] = (
    "gsm7",
    "gsm7_extension",
    "ucs2",
    "ucs2_surrogates",
    "turkish",
    "spanish",
    "portuguese",
)

# Lengths (in characters) on both sides of every single-part and multi-part capacity.
BOUNDARY_LENGTHS: tuple[int, ...] = (
    1, 2, 66, 67, 68, 69, 70, 71, 72, 133, 134, 135, 136, 145, 146, 147, 148, 149, 150,
    151, 152, 153, 154, 155, 156, 157, 159, 160, 161, 162, 200, 201, 202, 203, 292, 293,
    297, 298, 299, 304, 305, 306, 307, 308, 446, 447, 458, 459, 460, 461,
)  # fmt: skip


@dataclass(frozen=True)
class SmsText:
    """A text, the family it came from, and the `languageCode` to send with it (if any)."""

    text: str
    family: str
    language_code: str | None


def _with_specials(base: str, specials: str, length: int) -> st.SearchStrategy[str]:
    """`length` characters from `base + specials` with at least one of `specials`."""

    # One `st.binary` choice spelled out in the alphabet: a list of `sampled_from` characters made
    # one Hypothesis draw per character (most of a request's generation time at 160+), and even
    # `st.text` checks every character of its choice against the alphabet (twice the cost).
    alphabet = base + specials

    def spell(data: bytes) -> str:
        return "".join([alphabet[byte % len(alphabet)] for byte in data])

    chars = st.binary(min_size=length, max_size=length).map(spell)
    if not (specials and length):
        return chars

    @st.composite
    def build(draw: st.DrawFn) -> str:
        text = draw(chars)
        position = draw(st.integers(0, length - 1))
        return text[:position] + draw(st.sampled_from(specials)) + text[position + 1 :]

    return build()


@functools.cache
def _family_text(family: str, length: int) -> st.SearchStrategy[str]:
    """The strategy for one family and length, built once: building it per draw re-ran
    `st.composite`'s set-up each time and dominated the suite's generation cost (benchmarks/)."""
    if family == "gsm7":
        return _with_specials(_GSM_BASIC, "", length)
    if family == "gsm7_extension":
        return _with_specials(_LATIN, _GSM_EXTENSION, length)
    if family == "ucs2":
        return _with_specials(_LATIN, _UCS2_BMP, length)
    if family == "ucs2_surrogates":
        return _with_specials(_LATIN + _UCS2_BMP[:8], _ASTRAL, length)
    return _with_specials(_LATIN, _NATIONAL[family][1], length)


@st.composite
def sms_texts(
    draw: st.DrawFn,
    families: Sequence[str] = TEXT_FAMILIES,
    lengths: Sequence[int] = BOUNDARY_LENGTHS,
) -> SmsText:
    """A text from one of `families`, at a boundary length (or a short free length)."""
    family = draw(st.sampled_from(tuple(families)))
    length = draw(st.sampled_from(tuple(lengths)) | st.integers(1, 40))
    text = draw(_family_text(family, length))
    language_code = None
    if family in _NATIONAL and draw(st.booleans()):
        language_code = _NATIONAL[family][0]
    elif family in _NATIONAL and draw(st.integers(0, 5)) == 0:
        language_code = "AUTODETECT"
    return SmsText(text=text, family=family, language_code=language_code)


# Segment boundaries in units (septets for GSM-7, UTF-16 code units for UCS-2), both sides of each:
# GSM-7 160 single / 153 per part; UCS-2 70 / 67; one national table 155 / 149; both 152 / 146.
_GSM_BOUNDARIES = (1, 153, 154, 160, 161, 306, 307, 459, 460)
_UCS2_BOUNDARIES = (1, 67, 68, 70, 71, 134, 135, 201, 202)
_NATIONAL_BOUNDARIES = (146, 147, 149, 150, 152, 153, 155, 156, 292, 293, 298, 299, 306, 307)
_FILLER = "The quick brown fox jumps over the lazy dog 0123456789 "


def _filler(length: int) -> str:
    return (_FILLER * (length // len(_FILLER) + 1))[:length]


def _placed(length: int, special: str, position: int) -> str:
    """`length` characters of filler with `special` (one character) at `position`."""
    position = min(max(position, 0), length - 1)
    text = _filler(length)
    return text[:position] + special + text[position + 1 :]


def boundary_texts(family: str) -> tuple[SmsText, ...]:
    """Deterministic texts of `family` exactly on and just past every segment boundary.

    Random generation rarely lands on an exact boundary; these do, so a server that counts parts
    at 160 instead of 153 septets, or never switches to UCS-2, cannot slip through. Escape and
    surrogate pairs are also placed across a part boundary, where C1 allows one more part.
    """
    texts: list[SmsText] = []
    if family == "gsm7":
        texts = [SmsText(_filler(n), family, None) for n in _GSM_BOUNDARIES]
    elif family == "gsm7_extension":
        for n in _GSM_BOUNDARIES[1:]:
            # One extension character (2 septets) straddling the first part boundary.
            texts.append(SmsText(_placed(n - 1, "€", 152), family, None))
        texts.append(SmsText("{}", family, None))
    elif family == "ucs2":
        texts = [SmsText(_placed(n, "Ж", n // 2), family, None) for n in _UCS2_BOUNDARIES]
    elif family == "ucs2_surrogates":
        for n in _UCS2_BOUNDARIES[1:]:
            # One emoji (a surrogate pair, 2 units) straddling the first part boundary.
            texts.append(SmsText(_placed(n - 1, "😀", 66), family, None))
    else:
        code, letters = _NATIONAL[family]
        for n in _NATIONAL_BOUNDARIES:
            text = "".join(
                letters[i % len(letters)] if i % 10 == 3 else c for i, c in enumerate(_filler(n))
            )
            texts.append(SmsText(text, family, code))
            texts.append(SmsText(text, family, None))
    return tuple(texts)


#: rules.md: texts up to 25 segments are valid (beyond, OPEN); the top of the range is sent too.
MAX_SEGMENTS = 25
_SPREAD = {"gsm7_extension": "€", "ucs2": "Ж", "ucs2_surrogates": "😀"}


def _spread(family: str, length: int) -> str:
    """`length` characters of filler carrying the family's special characters every so often."""
    text = _filler(length)
    if family == "gsm7":
        return text
    if family in _SPREAD:
        special = _SPREAD[family]
        return "".join(special if i % 20 == 7 else c for i, c in enumerate(text))
    letters = _NATIONAL[family][1]
    return "".join(letters[i % len(letters)] if i % 10 == 3 else c for i, c in enumerate(text))


def longest_texts(family: str) -> tuple[SmsText, ...]:
    """The longest text of `family` that is at most 25 segments however it is counted (the top
    of the valid range), with and without `languageCode` for the national families."""
    codes: tuple[str | None, ...] = (None,)
    if family in _NATIONAL:
        codes = (_NATIONAL[family][0], None)
    found = []
    for code in codes:
        low, high = 1, MAX_SEGMENTS * 160  # `low` fits in 25 segments, `high` does not
        while high - low > 1:
            middle = (low + high) // 2
            if segment_count(_spread(family, middle), language_code=code).most <= MAX_SEGMENTS:
                low = middle
            else:
                high = middle
        found.append(SmsText(_spread(family, low), family, code))
    return tuple(found)
