"""The counts the provider itself published: its preview examples (provider-facts.md section 7.3)
and the seed's request texts ("Reproducing the seed" in rules.md). The calibrated count must equal
the provider's figure, and the rule's range must contain it."""

# ruff: noqa: RUF001
from __future__ import annotations

import pytest

from sms_acceptance import segment_count

PREVIEW_ENGLISH = "Let's see how many characters remain unused in this message."
PREVIEW_TURKISH = (
    "Mesaj gönderimi yapmadan önce önizleme seçeneğini kullanmanız doğru karar vermenize "
    "yardımcı olur."
)
SEED_TURKISH = (
    "Artık Ulusal Dil Tanımlayıcısı ile Türkçe karakterli smslerinizi rahatlıkla iletebilirsiniz."
)
SEED_ENGLISH = (
    "A long time ago, in a galaxy far, far away... It is a period of civil war. Rebel spaceships, "
    "striking from a hidden base, have won their first victory against the evil Galactic Empire."
)


@pytest.mark.parametrize(
    ("text", "length", "language_code", "transliteration", "provider_count", "rule"),
    [
        pytest.param(PREVIEW_ENGLISH, 60, None, None, 1, "C1", id="preview-english"),
        pytest.param(PREVIEW_TURKISH, 98, None, None, 2, "C1", id="preview-turkish-plain"),
        pytest.param(PREVIEW_TURKISH, 98, "TR", None, 1, "C2", id="preview-turkish-TR"),
        pytest.param(SEED_TURKISH, 92, None, None, 2, "C1", id="seed-turkish-plain"),
        pytest.param(SEED_TURKISH, 92, "TR", None, 1, "C2", id="seed-turkish-TR"),
        pytest.param(SEED_TURKISH, 92, None, "TURKISH", 1, "C4", id="seed-turkish-TURKISH"),
        pytest.param(SEED_TURKISH, 92, "TR", "TURKISH", 1, "C4", id="seed-turkish-as-sent"),
        pytest.param(SEED_ENGLISH, 184, None, None, 2, "C1", id="seed-english"),
    ],
)
def test_C_calibrated_count_reproduces_the_provider(
    text: str,
    length: int,
    language_code: str | None,
    transliteration: str | None,
    provider_count: int,
    rule: str,
) -> None:
    assert len(text) == length
    count = segment_count(text, language_code=language_code, transliteration=transliteration)
    assert count.calibrated == provider_count
    assert count.contains(provider_count)
    assert count.rule == rule


def test_C2_turkish_calibration_is_the_locking_table_not_single_shift_or_both() -> None:
    # Infobip's preview leaves 57 characters = 155 - 98: the locking table with one header. Filled
    # up to exactly 155 septets it is still 1 part there, but 2 under single shift (6 escapes,
    # 161 septets) or under both tables (cap 152).
    text = PREVIEW_TURKISH + "a" * 57
    count = segment_count(text, language_code="TR")
    assert (count.fewest, count.most, count.calibrated) == (1, 2, 1)
    assert segment_count(text + "a", language_code="TR").calibrated == 2


def test_C1_seed_english_is_exactly_two_parts() -> None:
    assert segment_count(SEED_ENGLISH).exact
