"""Inputs the documents do not cover: values that are not strings at all (an R5 violation that a
server answered with 200 anyway) count like unknown names, and a text that is not a string is a
clear one-line TypeError rather than a crash deep inside."""

# ruff: noqa: RUF001
from __future__ import annotations

from typing import Any

import pytest

from sms_acceptance import SegmentCount, segment_count

NOT_STRINGS: list[Any] = [{"languageCode": "TR"}, ["TR"], 5, True]


@pytest.mark.parametrize("value", NOT_STRINGS)
def test_C1_non_string_language_code_counts_like_an_unknown_name(value: Any) -> None:
    text = "ı" * 80
    assert segment_count(text, language_code=value) == segment_count(text, language_code="XX")


@pytest.mark.parametrize("value", NOT_STRINGS)
def test_C5_non_string_transliteration_counts_like_an_unknown_name(value: Any) -> None:
    text = "ı" * 80
    assert segment_count(text, transliteration=value) == SegmentCount(1, 2, 2, "C5")


@pytest.mark.parametrize("text", [None, 42, b"bytes"])
def test_non_string_text_is_a_one_line_type_error(text: Any) -> None:
    with pytest.raises(
        TypeError, match=r"^segment_count needs the message text as a str, not \w+$"
    ):
        segment_count(text)
