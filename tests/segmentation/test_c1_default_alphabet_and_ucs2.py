"""C1: no language, no transliteration. GSM-7 default alphabet + extension (2 septets each), 160/153
septets; otherwise UCS-2 in UTF-16 code units, 70/67; [formula, formula + 1] only where an escape
pair or a surrogate pair really straddles a part boundary."""

# ruff: noqa: RUF001
from __future__ import annotations

import json

import pytest

from sms_acceptance import SegmentCount, segment_count

EMOJI = "\U0001f600"  # outside the BMP: a surrogate pair, two UTF-16 units


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a" * 160, 1, id="160-septets-one-part"),
        pytest.param("a" * 161, 2, id="161-septets-two-parts"),
        pytest.param("a" * 306, 2, id="306-septets-two-full-parts-of-153"),
        pytest.param("a" * 307, 3, id="307-septets-three-parts"),
        pytest.param("€" * 80, 1, id="80-extension-chars-are-160-septets"),
        pytest.param("€" * 81, 2, id="81-extension-chars-are-162-septets"),
        pytest.param("a" * 158 + "€", 1, id="158+euro-is-160-septets"),
        pytest.param("a" * 159 + "€", 2, id="159+euro-crosses-160"),
        pytest.param("\f" * 81, 2, id="form-feed-is-an-extension-char"),
        pytest.param("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà", 1, id="default-non-ascii"),
        pytest.param("", 1, id="empty-text-is-one-part"),
    ],
)
def test_C1_gsm7_count_is_exact(text: str, expected: int) -> None:
    assert segment_count(text) == SegmentCount(expected, expected, expected, "C1")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("ı" * 70, 1, id="70-units-one-part"),
        pytest.param("ı" * 71, 2, id="71-units-two-parts"),
        pytest.param("ı" * 134, 2, id="134-units-two-full-parts-of-67"),
        pytest.param("ı" * 135, 3, id="135-units-three-parts"),
        pytest.param("a" * 69 + "ı", 1, id="one-non-gsm-char-forces-ucs2-70"),
        pytest.param("a" * 70 + "ı", 2, id="one-non-gsm-char-forces-ucs2-71"),
        pytest.param("a" * 100 + "`", 2, id="backtick-is-not-gsm"),
        pytest.param("a" * 100 + "\x1b", 2, id="escape-itself-is-not-a-gsm-character"),
        pytest.param(EMOJI * 35, 1, id="35-emoji-are-70-units"),
        pytest.param(EMOJI * 36, 2, id="36-emoji-are-72-units"),
        pytest.param("a" * 69 + EMOJI, 2, id="emoji-crosses-70"),
    ],
)
def test_C1_ucs2_count_is_exact_in_utf16_units(text: str, expected: int) -> None:
    assert segment_count(text) == SegmentCount(expected, expected, expected, "C1")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("a" * 152 + "€" + "a" * 152, id="escape-pair-at-septets-152-153"),
        pytest.param("ı" * 66 + EMOJI + "ı" * 66, id="surrogate-pair-at-units-66-67"),
    ],
)
def test_C1_pair_straddling_a_boundary_is_formula_or_one_more(text: str) -> None:
    # 306 septets / 134 units: the formula says 2; a splitter keeping the pair whole needs 3.
    assert segment_count(text) == SegmentCount(2, 3, 3, "C1")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("a" * 151 + "€" + "a" * 153, id="escape-pair-ends-part-one"),
        pytest.param("a" * 153 + "€" + "a" * 151, id="escape-pair-opens-part-two"),
        pytest.param("ı" * 65 + EMOJI + "ı" * 67, id="surrogate-pair-ends-part-one"),
        pytest.param("ı" * 67 + EMOJI + "ı" * 65, id="surrogate-pair-opens-part-two"),
        pytest.param("a" * 152 + "€", id="straddle-position-but-one-part"),
        # The pair is pushed into part two, which still has room: 152 + 148 septets.
        pytest.param("a" * 152 + "€" + "a" * 146, id="straddle-that-costs-no-part"),
        pytest.param("ı" * 66 + EMOJI + "ı" * 60, id="surrogate-straddle-that-costs-no-part"),
    ],
)
def test_C1_pair_next_to_a_boundary_without_straddling_stays_exact(text: str) -> None:
    assert segment_count(text).exact


def test_C1_straddle_at_the_second_boundary_only_is_detected() -> None:
    # 153 + 152 septets, then the pair at septets 305-306 of 459: the second boundary is cut.
    text = "a" * 305 + "€" + "a" * 152
    assert segment_count(text) == SegmentCount(3, 4, 4, "C1")


def test_C1_two_straddles_still_cost_one_part_more() -> None:
    # 201 units = 3 x 67; pairs at units 66 and 132 push each of the first two cuts back by one.
    text = "ı" * 66 + EMOJI + "ı" * 64 + EMOJI + "ı" * 67
    assert segment_count(text) == SegmentCount(3, 4, 4, "C1")


def test_C1_lone_surrogate_from_json_counts_one_unit() -> None:
    text = json.loads('"' + "\\ud83d" * 70 + '"')
    assert segment_count(text) == SegmentCount(1, 1, 1, "C1")


@pytest.mark.parametrize("none_value", ["NONE"])
def test_C1_applies_when_language_and_transliteration_are_NONE(none_value: str) -> None:
    text = "ı" * 71
    assert segment_count(text, language_code=none_value, transliteration=none_value) == (
        segment_count(text)
    )
