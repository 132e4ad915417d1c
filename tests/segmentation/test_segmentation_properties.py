"""Properties of segment_count over generated texts: C1-C5 always give a well-formed count, the
ranges nest the way the rules say, counts grow with the text, and the septet costs agree with an
independent TS 23.038 codec (gsmcodecs)."""

# ruff: noqa: RUF001
from __future__ import annotations

import gsmcodecs  # noqa: F401  (registers the gsm23.038-L-S codecs)
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sms_acceptance._gsm_tables import DEFAULT_ALPHABET, DEFAULT_EXTENSION, characters
from sms_acceptance._segmentation import _DEFAULT, _NATIONAL, _gsm7_count, segment_count

GSM7 = sorted(characters(DEFAULT_ALPHABET) | characters(DEFAULT_EXTENSION))
LANGUAGE_CODES = [None, "NONE", "TR", "ES", "PT", "AUTODETECT", "tr", ""]
TRANSLITERATIONS = [None, "NONE", "TURKISH", "GREEK", "CYRILLIC", "NON_UNICODE", "turkish"]

# Characters every table knows, national ones, Greek, Cyrillic, astral: the mixes that matter.
interesting_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(GSM7),
        st.sampled_from("ıİğĞşŞçáíóúÁÍÓÚãõâêôÂÊÔÃÕÀªº∞`"),
        st.sampled_from("αβγδεζηθικλμνξοπρστυφχψωάέήίόύώΑΒ"),
        st.characters(codec="utf-8"),
    ),
    max_size=700,
)


@given(
    text=interesting_text,
    language_code=st.sampled_from(LANGUAGE_CODES),
    transliteration=st.sampled_from(TRANSLITERATIONS),
)
def test_C_every_count_is_well_formed(
    text: str, language_code: str | None, transliteration: str | None
) -> None:
    count = segment_count(text, language_code=language_code, transliteration=transliteration)
    assert 1 <= count.fewest <= count.calibrated <= count.most
    assert count.rule in {"C1", "C2", "C3", "C4", "C5"}


@given(text=interesting_text)
def test_C1_straddles_cost_at_most_one_part_for_texts_up_to_25_parts(text: str) -> None:
    count = segment_count(text)
    if count.fewest <= 25:
        assert count.most - count.fewest in (0, 1)


@given(text=interesting_text, language_code=st.sampled_from(["TR", "ES", "PT"]))
def test_C3_autodetect_covers_C1_and_every_C2(text: str, language_code: str) -> None:
    autodetect = segment_count(text, language_code="AUTODETECT")
    for count in (segment_count(text), segment_count(text, language_code=language_code)):
        assert autodetect.fewest <= count.fewest and count.most <= autodetect.most
        # AUTODETECT picks the choice with the fewest segments.
        assert autodetect.calibrated <= count.calibrated


@given(text=interesting_text, transliteration=st.sampled_from(["GREEK", "CYRILLIC", "XX"]))
def test_C5_range_covers_C1(text: str, transliteration: str) -> None:
    loose = segment_count(text, transliteration=transliteration)
    c1 = segment_count(text)
    assert loose.fewest == 1 and c1.most <= loose.most


@given(text=st.text(alphabet=GSM7, max_size=800), extra=st.sampled_from(GSM7))
def test_C1_count_is_monotone_in_length_for_gsm_text(text: str, extra: str) -> None:
    shorter, longer = segment_count(text), segment_count(text + extra)
    assert shorter.fewest <= longer.fewest
    assert shorter.most <= longer.most


@given(text=st.text(max_size=400))
def test_C1_count_is_monotone_in_length_for_any_text_of_one_encoding(text: str) -> None:
    # Appending a GSM character to a UCS-2 text keeps it UCS-2; to a GSM text keeps it GSM.
    shorter, longer = segment_count(text), segment_count(text + "a")
    assert shorter.fewest <= longer.fewest and shorter.most <= longer.most


# White-box: each encoding's septet count against gsmcodecs' encoder for the same table pair.
_CODEC = {
    "GSM7": "gsm23.038-0-0",
    "TR single shift": "gsm23.038-0-1",
    "TR locking shift": "gsm23.038-1-0",
    "TR locking and single shift": "gsm23.038-1-1",
    "ES single shift": "gsm23.038-0-2",
    "PT single shift": "gsm23.038-0-3",
    "PT locking shift": "gsm23.038-3-0",
    "PT locking and single shift": "gsm23.038-3-3",
}
_ENCODINGS = {e.name: e for encodings in _NATIONAL.values() for e in encodings}


@pytest.mark.parametrize("name", sorted(_CODEC))
@settings(max_examples=60)
@given(data=st.data())
def test_C2_septet_costs_agree_with_an_independent_ts_23038_codec(
    name: str, data: st.DataObject
) -> None:
    encoding = _ENCODINGS[name]
    pool = sorted(encoding.alphabet | characters(DEFAULT_ALPHABET) | {"Ж", "ı", "ã"})
    text = data.draw(st.text(alphabet=pool, min_size=1, max_size=700))
    ours = _gsm7_count(text, frozenset(text), encoding)
    try:
        septets = len(text.encode(_CODEC[name]))
    except UnicodeEncodeError:
        assert ours is None
        return
    assert ours is not None
    formula = 1 if septets <= encoding.single_part else -(-septets // encoding.per_part)
    assert ours.fewest == formula


def test_C1_default_encoding_is_the_gsm7_codec() -> None:
    assert _ENCODINGS["GSM7"] is _DEFAULT
