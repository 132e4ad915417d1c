"""C2 (languageCode TR/ES/PT: the range over default GSM-7, single shift, locking shift and both,
with their header caps 155/149 and 152/146; UCS-2 only when none can) and C3 (AUTODETECT: the
union of C2 over TR, ES, PT and C1), with the provider's calibrated choices."""

# ruff: noqa: RUF001, RUF003
from __future__ import annotations

import pytest

from sms_acceptance import SegmentCount, segment_count

TR_SEED = (
    "Artık Ulusal Dil Tanımlayıcısı ile Türkçe karakterli smslerinizi rahatlıkla iletebilirsiniz."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # locking 155 (cap 155) = 1; both tables 155 > 152 = 2; single shift 310 septets = 3.
        pytest.param("ı" * 155, SegmentCount(1, 3, 1, "C2"), id="155-dotless-i-locking-cap"),
        # locking 156 = ceil(156/149) = 2; both 2; single shift 312 = 3.
        pytest.param("ı" * 156, SegmentCount(2, 3, 2, "C2"), id="156-dotless-i"),
        # locking 298 = 2 x 149 = 2; both ceil(298/146) = 3; single shift 596 septets = 4 by
        # the formula, but every cut at 149 would split a pair: 148 a part, 5 parts.
        pytest.param("ı" * 298, SegmentCount(2, 5, 2, "C2"), id="298-is-two-parts-of-149"),
        pytest.param("ı" * 299, SegmentCount(3, 5, 3, "C2"), id="299-is-three-parts"),
        # Plain GSM text: default 1 (cap 160); any national header (cap 155) makes it 2.
        pytest.param("a" * 160, SegmentCount(1, 2, 1, "C2"), id="plain-gsm-160"),
        # è is not in the Turkish locking table: only default + TR single shift can carry it.
        pytest.param("è" + "ı" * 100, SegmentCount(2, 2, 2, "C2"), id="e-grave-rules-out-locking"),
        # Cyrillic is in no Turkish table: UCS-2, 100 units = 2.
        pytest.param("Ж" * 100, SegmentCount(2, 2, 2, "C2"), id="no-table-fits-so-ucs2"),
        pytest.param(TR_SEED, SegmentCount(1, 1, 1, "C2"), id="seed-turkish-text"),
    ],
)
def test_C2_turkish(text: str, expected: SegmentCount) -> None:
    assert segment_count(text, language_code="TR") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Spanish has only a single-shift table: á costs two septets, cap 155 / 149.
        pytest.param("á" + "a" * 153, SegmentCount(1, 1, 1, "C2"), id="155-septets-one-part"),
        pytest.param("á" + "a" * 154, SegmentCount(2, 2, 2, "C2"), id="156-septets-two-parts"),
        pytest.param("á" + "a" * 296, SegmentCount(2, 2, 2, "C2"), id="298-is-two-parts-of-149"),
        pytest.param("á" + "a" * 297, SegmentCount(3, 3, 3, "C2"), id="299-is-three-parts"),
        pytest.param("á" * 77, SegmentCount(1, 1, 1, "C2"), id="77-acute-a-are-154-septets"),
        # Plain GSM text: default 1 (cap 160), ES single shift header (cap 155) 2.
        pytest.param("a" * 160, SegmentCount(1, 2, 1, "C2"), id="plain-gsm-160"),
        pytest.param("ı" * 10, SegmentCount(1, 1, 1, "C2"), id="turkish-letter-is-ucs2"),
        pytest.param("ı" * 71, SegmentCount(2, 2, 2, "C2"), id="turkish-letters-ucs2-71"),
    ],
)
def test_C2_spanish_single_shift(text: str, expected: SegmentCount) -> None:
    assert segment_count(text, language_code="ES") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ã: locking 1 septet (cap 155), single shift 2, both tables 1 (cap 152).
        pytest.param("ã" * 155, SegmentCount(1, 3, 1, "C2"), id="155-a-tilde-locking-cap"),
        pytest.param("ã" * 156, SegmentCount(2, 3, 2, "C2"), id="156-a-tilde"),
        # ª is only in the locking table and Φ only in the single shift: both tables, 152 / 146.
        pytest.param("ªΦ" + "a" * 149, SegmentCount(1, 1, 1, "C2"), id="both-tables-152"),
        pytest.param("ªΦ" + "a" * 150, SegmentCount(2, 2, 2, "C2"), id="both-tables-153"),
        pytest.param("ªΦ" + "a" * 289, SegmentCount(2, 2, 2, "C2"), id="both-tables-292-of-146"),
        pytest.param("ªΦ" + "a" * 290, SegmentCount(3, 3, 3, "C2"), id="both-tables-293"),
        # Φ rules out the locking table alone; both tables (102 septets) beat single shift (202).
        pytest.param("Φ" + "ã" * 100, SegmentCount(1, 2, 1, "C2"), id="fewest-where-locking-fails"),
    ],
)
def test_C2_portuguese(text: str, expected: SegmentCount) -> None:
    assert segment_count(text, language_code="PT") == expected


def test_C2_portuguese_single_shift_has_E_circumflex_per_ts_23038() -> None:
    # è rules out the Portuguese locking table; Ê (single shift 0x1F) costs 2: 155 septets.
    # Without Ê in the table the text would be UCS-2: 154 units, 3 parts.
    assert segment_count("Ê" + "è" * 153, language_code="PT") == SegmentCount(1, 1, 1, "C2")


def test_C2_national_escape_pair_straddling_a_boundary_is_a_range() -> None:
    # TR single shift only (è excludes locking): ı at septets 148-149 of 298 straddles 149.
    text = "è" + "a" * 147 + "ı" + "a" * 148
    assert segment_count(text, language_code="TR") == SegmentCount(2, 3, 3, "C2")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # C1 says UCS-2 (2); TR locking says 1; ES and PT cannot: UCS-2 (2). Fewest: 1.
        pytest.param(TR_SEED, SegmentCount(1, 2, 1, "C3"), id="turkish-seed-text"),
        # C1 says 1; every national header makes 160 septets 2.
        pytest.param("a" * 160, SegmentCount(1, 2, 1, "C3"), id="plain-gsm-160"),
        # C1 UCS-2 77 units = 2; ES single shift 154 septets = 1; PT locking 77 = 1.
        pytest.param("á" * 77, SegmentCount(1, 2, 1, "C3"), id="spanish-acute-a"),
        pytest.param("Ж" * 71, SegmentCount(2, 2, 2, "C3"), id="no-table-fits"),
    ],
)
def test_C3_autodetect_is_the_union_and_picks_the_fewest(text: str, expected: SegmentCount) -> None:
    assert segment_count(text, language_code="AUTODETECT") == expected


@pytest.mark.parametrize("language_code", ["TR", "ES", "PT", "AUTODETECT"])
def test_C3_autodetect_range_covers_every_language_and_C1(language_code: str) -> None:
    for text in (TR_SEED, "ı" * 156, "ã" * 156, "á" * 200, "a" * 161, "Ж" * 80):
        autodetect = segment_count(text, language_code="AUTODETECT")
        for count in (segment_count(text, language_code=language_code), segment_count(text)):
            assert autodetect.fewest <= count.fewest <= count.most <= autodetect.most


@pytest.mark.parametrize("language_code", ["tr", "Tr", "XX", ""])
def test_C2_unknown_language_code_is_open_calibrated_as_C1_and_covering_it(
    language_code: str,
) -> None:
    c1 = segment_count(TR_SEED)
    count = segment_count(TR_SEED, language_code=language_code)
    assert count.calibrated == c1.calibrated == 2
    assert count.fewest <= c1.fewest and c1.most <= count.most
    # A server that read "tr" as TR (1 segment) is also inside the range.
    assert count.contains(1)
