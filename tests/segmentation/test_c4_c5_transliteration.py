"""C4 (TURKISH: ı→i, İ→I, ğ→g, Ğ→G, ş→s, Ş→S, ç→c, then C1; with a language, the union of C1 and
C2 on the mapped text and C2 on the original) and C5 (any other transliteration: 1 <= smsCount <=
the untransliterated count)."""

# ruff: noqa: RUF001, RUF002
from __future__ import annotations

import pytest

from sms_acceptance import SegmentCount, load_schema, segment_count, transliterate_turkish

GREEK_155 = (
    "Καλημέρα σας! Αυτό είναι ένα δοκιμαστικό μήνυμα στα ελληνικά, για να δούμε πόσα τμήματα "
    "χρειάζεται όταν δεν υπάρχει μεταγραφή χαρακτήρων στο σύστημα. Γεια!"
)


def test_C4_transliterate_turkish_maps_the_seven_letters() -> None:
    assert transliterate_turkish("ıİğĞşŞç") == "iIgGsSc"


def test_C4_transliterate_turkish_keeps_letters_already_in_gsm() -> None:
    assert transliterate_turkish("öüÇÖÜ abc €") == "öüÇÖÜ abc €"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("ş" * 160, 1, id="160-s-cedilla-become-160-septets"),
        pytest.param("ş" * 161, 2, id="161-s-cedilla-become-161-septets"),
        pytest.param("ğ" * 70 + "Ж", 2, id="other-non-gsm-stays-ucs2-71-units"),
    ],
)
def test_C4_turkish_transliteration_then_C1_is_exact(text: str, expected: int) -> None:
    assert segment_count(text, transliteration="TURKISH") == SegmentCount(
        expected, expected, expected, "C4"
    )


def test_C4_with_language_is_the_union_of_both_orders() -> None:
    # Mapped "i" x 156: C1 1, C2 [1, 2]. Original: C2 TR [2, 3]. Calibrated: mapped, default GSM.
    count = segment_count("ı" * 156, language_code="TR", transliteration="TURKISH")
    assert count == SegmentCount(1, 3, 1, "C4")


def test_C4_with_unknown_language_is_calibrated_on_the_mapped_text() -> None:
    count = segment_count("ı" * 156, language_code="tr", transliteration="TURKISH")
    assert count.rule == "C4"
    assert count.calibrated == 1
    assert count.contains(1) and count.contains(3)


def test_C5_greek_text_of_155_characters_is_3_parts_untransliterated() -> None:
    assert len(GREEK_155) == 155
    assert segment_count(GREEK_155) == SegmentCount(3, 3, 3, "C1")


def test_C5_greek_transliteration_is_loose_and_calibrated_to_gsm_capitals() -> None:
    # Infobip's preview: GREEK turns the text into upper-case GSM letters, 155 septets, 1 part.
    assert segment_count(GREEK_155, transliteration="GREEK") == SegmentCount(1, 3, 1, "C5")


# Every documented value (the request schema's enum, provider-facts 6.1) but TURKISH (C4), NONE
# (no transliteration) and GREEK (its own test above).
_DOCUMENTED = load_schema("request")["$defs"]["message"]["properties"]["transliteration"]
_OTHER_TRANSLITERATIONS = [
    value for value in _DOCUMENTED["allOf"][0]["enum"] if value not in ("TURKISH", "NONE", "GREEK")
]


def test_C5_the_documented_transliterations_are_read_from_the_request_schema() -> None:
    assert len(_OTHER_TRANSLITERATIONS) == 9
    assert "CYRILLIC" in _OTHER_TRANSLITERATIONS


@pytest.mark.parametrize("transliteration", _OTHER_TRANSLITERATIONS)
def test_C5_other_transliterations_allow_1_up_to_the_untransliterated_count(
    transliteration: str,
) -> None:
    text = "Привет! Это тестовое сообщение на русском языке." * 3  # 144 units: UCS-2, 3 parts
    count = segment_count(text, transliteration=transliteration)
    assert (count.fewest, count.most, count.rule) == (1, 3, "C5")


def test_C5_with_a_language_bounds_by_the_largest_of_C1_and_C2() -> None:
    # Untransliterated: C2 TR [2, 3], C1 UCS-2 156 units = 3.
    count = segment_count("ı" * 156, language_code="TR", transliteration="GREEK")
    assert (count.fewest, count.most) == (1, 3)


def test_C5_diacritics_fold_for_the_calibrated_count() -> None:
    text = "Dobrý den, čeština je krásná řeč. " * 3  # 102 units: UCS-2, 2 parts
    assert segment_count(text, transliteration="CENTRAL_EUROPEAN") == SegmentCount(1, 2, 1, "C5")


@pytest.mark.parametrize("transliteration", ["turkish", "greek", "KLINGON", ""])
def test_C5_unknown_transliteration_is_open_calibrated_as_if_absent(
    transliteration: str,
) -> None:
    text = "ı" * 156
    count = segment_count(text, transliteration=transliteration)
    assert count == SegmentCount(1, 3, segment_count(text).calibrated, "C5")
