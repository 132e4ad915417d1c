# ruff: noqa: RUF001, RUF002
# (Turkish dotless i and Greek capitals are the subject here, not look-alike typos.)
"""How many SMS segments a text becomes: rules C1-C5 of ``docs/rules.md`` (``smsCount``).

The sandbox answers ``calibrated`` (the provider's own choice, as far as its documents show it);
the suite accepts any count in ``[fewest, most]`` (S12), because where the provider's documents
leave the encoding open a conforming server may pick any of the candidates.

Every encoding is counted twice: by the formula (1 part up to the single-part capacity, else
``ceil(units / per_part)``) and by a splitter that keeps an escape pair or a UTF-16 surrogate pair
whole, which needs one part more where such a pair would straddle a part boundary (C1's exception).
The formula is the range's lower end, the whole-pair split its upper end, and the whole-pair split
is the calibrated answer: TS 23.040 splitters (Android's among them) never cut a character in two.

Hot path: the sandbox and the load generator call this once per message. The work is set algebra
over ``set(text)`` and ``str.count`` (C loops); a Python loop over characters runs only when a
multi-part text holds a two-unit character, to find where the pairs fall.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from sms_acceptance._gsm_tables import (
    DEFAULT_ALPHABET,
    DEFAULT_EXTENSION,
    GSM7_BASIC_CHARACTERS,
    GSM7_EXTENSION_CHARACTERS,
    NATIONAL_LANGUAGES,
    characters,
)

__all__ = ["SegmentCount", "segment_count", "transliterate_turkish"]


@dataclass(frozen=True)
class SegmentCount:
    """The segment count a rule allows: any integer in ``[fewest, most]``; ``calibrated`` is the
    provider's own choice, which the sandbox answers. ``rule`` is the C rule applied (``"C1"``…)."""

    fewest: int
    most: int
    calibrated: int
    rule: str

    def __post_init__(self) -> None:
        if not 1 <= self.fewest <= self.calibrated <= self.most:
            raise ValueError(
                f"segment count needs 1 <= fewest <= calibrated <= most, got "
                f"{self.fewest}, {self.calibrated}, {self.most}"
            )

    @property
    def exact(self) -> bool:
        """Whether the rule leaves exactly one count (S12 then asks for equality)."""
        return self.fewest == self.most

    def contains(self, n: int) -> bool:
        """Whether a server's ``smsCount`` of ``n`` satisfies S12 for this text."""
        return self.fewest <= n <= self.most


# --- encodings -----------------------------------------------------------------------------------

# Capacities per TS 23.040 for a 140-octet user data field (provider-facts section 7.1): the
# concatenation header (8-bit reference) costs 7 septets / 3 UCS-2 units; each national language
# shift header adds 3 octets; AOSP's septet costs give 155/149 for one table and 152/146 for two.
_GSM7_CAPACITY = (160, 153)
_ONE_TABLE_CAPACITY = (155, 149)
_TWO_TABLES_CAPACITY = (152, 146)
_UCS2_CAPACITY = (70, 67)


@dataclass(frozen=True)
class _Gsm7Encoding:
    """One GSM 7-bit configuration: a locking table (one septet a character), a single-shift
    table reached by escape (two septets), and the capacities its header leaves."""

    name: str
    one_septet: frozenset[str]
    two_septets: frozenset[str]
    single_part: int
    per_part: int

    @property
    def alphabet(self) -> frozenset[str]:
        return self.one_septet | self.two_septets


def _encoding(
    name: str, locking: str, single_shift: Mapping[int, str], capacity: tuple[int, int]
) -> _Gsm7Encoding:
    one = characters(locking)
    return _Gsm7Encoding(name, one, characters(single_shift) - one, *capacity)


_DEFAULT = _encoding("GSM7", DEFAULT_ALPHABET, DEFAULT_EXTENSION, _GSM7_CAPACITY)


def _national_encodings(code: str) -> tuple[_Gsm7Encoding, ...]:
    """C2's candidates for one language, default alphabet first: single shift, locking, both."""
    language = NATIONAL_LANGUAGES[code]
    found = [
        _DEFAULT,
        _encoding(
            f"{code} single shift", DEFAULT_ALPHABET, language.single_shift, _ONE_TABLE_CAPACITY
        ),
    ]
    if language.locking_shift is not None:
        found.append(
            _encoding(
                f"{code} locking shift",
                language.locking_shift,
                DEFAULT_EXTENSION,
                _ONE_TABLE_CAPACITY,
            )
        )
        found.append(
            _encoding(
                f"{code} locking and single shift",
                language.locking_shift,
                language.single_shift,
                _TWO_TABLES_CAPACITY,
            )
        )
    return tuple(found)


_NATIONAL: Mapping[str, tuple[_Gsm7Encoding, ...]] = MappingProxyType(
    {code: _national_encodings(code) for code in NATIONAL_LANGUAGES}
)

# The provider's calibrated table per language (rules.md, "calibrated choices"): TR locking shift
# (matches Infobip's preview example exactly), ES single shift (its only table), PT locking shift.
_CALIBRATED_TABLE: Mapping[str, str] = MappingProxyType(
    {"TR": "TR locking shift", "ES": "ES single shift", "PT": "PT locking shift"}
)

_DOCUMENTED_LANGUAGES = frozenset(NATIONAL_LANGUAGES) | {"AUTODETECT"}
_ABSENT = "NONE"
"""The documented "no language" / "no transliteration" value (v3 enums): same as omitting it."""
_UNDOCUMENTED = "\x00undocumented"
"""Stands for a value that is not a string at all (an R5 violation a server answered anyway)."""
_OTHER_TRANSLITERATIONS = frozenset(
    {
        "GREEK",
        "CYRILLIC",
        "SERBIAN_CYRILLIC",
        "BULGARIAN_CYRILLIC",
        "CENTRAL_EUROPEAN",
        "BALTIC",
        "NON_UNICODE",
        "PORTUGUESE",
        "COLOMBIAN",
        "ALL",
    }
)
"""The documented transliteration values other than TURKISH and NONE (provider-facts 6.1): C5."""


# --- counting ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Range:
    """Counts under one or more encodings: formula low end, whole-pair high end, calibrated."""

    fewest: int
    most: int
    calibrated: int

    def union(self, *others: _Range) -> _Range:
        """The widest range over all; the calibrated choice stays this one's."""
        every = (self, *others)
        return _Range(min(r.fewest for r in every), max(r.most for r in every), self.calibrated)


def _single(fewest: int, whole: int) -> _Range:
    return _Range(fewest, whole, whole)


def _parts_keeping_pairs(units: int, per_part: int, pair_starts: Iterable[int]) -> int:
    """Parts a splitter needs if it never cuts a two-unit character: a part whose last unit would
    be the first half of a pair ends one unit early, and the pair opens the next part."""
    starts = frozenset(pair_starts)
    parts = 0
    start = 0
    while start < units:
        parts += 1
        end = start + per_part
        if end >= units:
            break
        if end - 1 in starts:
            end -= 1
        start = end
    return parts


def _formula(units: int, single_part: int, per_part: int) -> int:
    return 1 if units <= single_part else -(-units // per_part)


def _gsm7_count(text: str, alphabet: frozenset[str], encoding: _Gsm7Encoding) -> _Range | None:
    """C1/C2 count of ``text`` (whose distinct characters are ``alphabet``) under one 7-bit
    encoding, or ``None`` when a character is outside its tables."""
    if not alphabet <= encoding.alphabet:
        return None
    escaped = alphabet & encoding.two_septets
    septets = len(text) + sum(text.count(c) for c in escaped)
    fewest = _formula(septets, encoding.single_part, encoding.per_part)
    if fewest == 1 or not escaped:
        return _single(fewest, fewest)
    starts = []
    position = 0
    for character in text:
        if character in escaped:
            starts.append(position)
            position += 2
        else:
            position += 1
    return _single(fewest, _parts_keeping_pairs(septets, encoding.per_part, starts))


def _ucs2_count(text: str) -> _Range:
    """UCS-2 count in UTF-16 code units: characters outside the BMP take two (a surrogate pair).
    ``surrogatepass`` because JSON may carry a lone surrogate, which is one unit."""
    units = len(text.encode("utf-16-le", "surrogatepass")) // 2
    single_part, per_part = _UCS2_CAPACITY
    fewest = _formula(units, single_part, per_part)
    if fewest == 1 or units == len(text):
        return _single(fewest, fewest)
    starts = []
    position = 0
    for character in text:
        if ord(character) > 0xFFFF:
            starts.append(position)
            position += 2
        else:
            position += 1
    return _single(fewest, _parts_keeping_pairs(units, per_part, starts))


def _c1(text: str) -> _Range:
    """C1: default alphabet and extension table if they hold every character, else UCS-2."""
    return _gsm7_count(text, frozenset(text), _DEFAULT) or _ucs2_count(text)


def _c2_candidates(text: str, code: str) -> dict[str, _Range]:
    """C2: the count under every encoding of the language that can represent the text, by name;
    UCS-2 only when none can."""
    alphabet = frozenset(text)
    found = {}
    for encoding in _NATIONAL[code]:
        count = _gsm7_count(text, alphabet, encoding)
        if count is not None:
            found[encoding.name] = count
    return found or {"UCS-2": _ucs2_count(text)}


def _spread(counts: Iterable[_Range], calibrated: int) -> _Range:
    every = tuple(counts)
    return _Range(min(r.fewest for r in every), max(r.most for r in every), calibrated)


def _c2(text: str, code: str) -> _Range:
    """C2's range, calibrated to the provider's table for the language. The national table is
    applied only where the default alphabet cannot carry the text (whether Infobip sets the
    language header on plain GSM text is not documented; both counts are inside the range)."""
    candidates = _c2_candidates(text, code)
    preferred = candidates.get(_DEFAULT.name) or candidates.get(_CALIBRATED_TABLE[code])
    calibrated = (
        preferred.calibrated
        if preferred is not None
        else min(r.calibrated for r in candidates.values())
    )
    return _spread(candidates.values(), calibrated)


def _c3(text: str) -> _Range:
    """C3 (AUTODETECT): the union of C2 over TR, ES and PT and of C1; the provider picks the
    choice with the fewest segments."""
    counts = [_c1(text)]
    for code in _NATIONAL:
        counts.extend(_c2_candidates(text, code).values())
    return _spread(counts, min(r.calibrated for r in counts))


def _with_language(text: str, language_code: str | None) -> _Range:
    """The count a language choice gives, before any transliteration.

    An undocumented ``languageCode`` (``tr``, ``XX``…) is OPEN for the server: it may ignore it
    (C1), read it as some language, or reject the request. Calibrated is C1 (ignored); the range
    is C3's union, which covers C1 and every documented language.
    """
    if language_code is None:
        return _c1(text)
    if language_code in _NATIONAL:
        return _c2(text, language_code)
    if language_code == "AUTODETECT":
        return _c3(text)
    return _c1(text).union(_c3(text))


# --- transliteration -----------------------------------------------------------------------------

_TURKISH_MAP = MappingProxyType(
    {
        ord(k): v
        for k, v in {"ı": "i", "İ": "I", "ğ": "g", "Ğ": "G", "ş": "s", "Ş": "S", "ç": "c"}.items()
    }
)


def transliterate_turkish(text: str) -> str:
    """C4's ``TURKISH`` transliteration: ı→i, İ→I, ğ→g, Ğ→G, ş→s, Ş→S, ç→c (every other
    character unchanged; ö, ü, Ç, Ö, Ü are already in the default alphabet)."""
    return text.translate(_TURKISH_MAP)


_GSM7 = GSM7_BASIC_CHARACTERS | GSM7_EXTENSION_CHARACTERS

# Greek capitals that look like Latin ones are sent as the Latin letter; the other capitals are in
# the default alphabet (Δ Φ Γ Λ Ω Π Ψ Σ Θ Ξ). Infobip's preview example shows GREEK producing
# upper-case GSM letters (provider-facts 7.3).
_GREEK_AS_LATIN = {
    "\N{GREEK CAPITAL LETTER ALPHA}": "A",
    "\N{GREEK CAPITAL LETTER BETA}": "B",
    "\N{GREEK CAPITAL LETTER EPSILON}": "E",
    "\N{GREEK CAPITAL LETTER ZETA}": "Z",
    "\N{GREEK CAPITAL LETTER ETA}": "H",
    "\N{GREEK CAPITAL LETTER IOTA}": "I",
    "\N{GREEK CAPITAL LETTER KAPPA}": "K",
    "\N{GREEK CAPITAL LETTER MU}": "M",
    "\N{GREEK CAPITAL LETTER NU}": "N",
    "\N{GREEK CAPITAL LETTER OMICRON}": "O",
    "\N{GREEK CAPITAL LETTER RHO}": "P",
    "\N{GREEK CAPITAL LETTER TAU}": "T",
    "\N{GREEK CAPITAL LETTER UPSILON}": "Y",
    "\N{GREEK CAPITAL LETTER CHI}": "X",
}


def _fold(character: str) -> str | None:
    """A GSM 7-bit stand-in for a character outside the default alphabet, if there is an obvious
    one: Greek letters as capitals, Latin letters without their diacritics."""
    base = unicodedata.normalize("NFD", character)[0]
    if "\u0370" <= character <= "\u03ff":
        capital = "Σ" if base == "ς" else base.upper()
        folded = _GREEK_AS_LATIN.get(capital, capital)
    else:
        folded = transliterate_turkish(base)
    return folded if folded in _GSM7 else None


def _build_fold_map() -> Mapping[int, str]:
    found = {}
    for code_point in (*range(0x80, 0x250), *range(0x370, 0x400)):
        character = chr(code_point)
        if character not in _GSM7 and (folded := _fold(character)) is not None:
            found[code_point] = folded
    return MappingProxyType(found)


_FOLD_MAP = _build_fold_map()


def _transliterate_other(text: str) -> str:
    """The sandbox's stand-in for C5's transliterations, whose tables the provider does not
    publish: Greek to GSM capitals, Latin letters without diacritics, the rest unchanged."""
    return text.translate(_FOLD_MAP)


# --- the public function -------------------------------------------------------------------------


def _choice(value: object) -> str | None:
    """A ``languageCode`` or ``transliteration`` as the rules read it: ``None`` when absent or
    ``NONE``; a value that is not a string at all is undocumented, like an unknown name."""
    if value is None or value == _ABSENT:
        return None
    return value if isinstance(value, str) else _UNDOCUMENTED


def segment_count(
    text: str, *, language_code: str | None = None, transliteration: str | None = None
) -> SegmentCount:
    """The segments ``text`` becomes under rules C1-C5, given the message's
    ``language.languageCode`` and ``transliteration`` exactly as sent (values are case-sensitive
    documented names; ``NONE`` is the same as absent).

    Undocumented values (another case, an unknown name, not a string) are OPEN (rules.md): the
    calibrated count ignores them, and the range widens to cover C1 and whatever a server might
    have made of them (see ``_with_language``; an unknown transliteration gets C5's loose range).
    C5 bounds a text of at most 25 segments; a longer one is OPEN itself (the server may reject
    it), and its range stays ``[1, untransliterated count]``.

    Raises ``TypeError`` (one line) when ``text`` is not a string: a missing or non-string text
    has no segment count, and callers decide what that means for them.
    """
    if not isinstance(text, str):
        raise TypeError(f"segment_count needs the message text as a str, not {type(text).__name__}")
    language = _choice(language_code)
    transliteration = _choice(transliteration)
    if transliteration is None:
        count = _with_language(text, language)
        rule = (
            "C1"
            if language not in _DOCUMENTED_LANGUAGES
            else ("C3" if language == "AUTODETECT" else "C2")
        )
        return SegmentCount(count.fewest, count.most, count.calibrated, rule)
    if transliteration == "TURKISH":
        mapped = transliterate_turkish(text)
        if language is None:
            count = _c1(mapped)
        else:
            # The order of transliteration and language shift is not documented (C4): either.
            count = _with_language(mapped, language).union(
                _c1(mapped), _with_language(text, language)
            )
        return SegmentCount(count.fewest, count.most, count.calibrated, "C4")
    # C5: other transliterations are loose, 1 <= smsCount <= the untransliterated count. An
    # undocumented value is OPEN and gets the same loose range, calibrated as if it were absent.
    untransliterated = _with_language(text, language).union(_c1(text))
    if transliteration in _OTHER_TRANSLITERATIONS:
        calibrated = min(
            _with_language(_transliterate_other(text), language).calibrated,
            untransliterated.most,
        )
    else:
        calibrated = _with_language(text, language).calibrated
    return SegmentCount(1, untransliterated.most, calibrated, "C5")
