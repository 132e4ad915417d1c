"""smsCount equals the segment count of rules C1-C5 for every alphabet and boundary (S12).

Texts from each family (GSM-7, extension characters, UCS-2 with and without surrogate pairs,
Turkish/Spanish/Portuguese letters with and without `languageCode`) at lengths on both sides of each
segment boundary; the expected count (or range, where C leaves a choice) comes from
`segment_count`. A server without `smsCount` passes: it is optional (S11).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sms_acceptance.conformance import (
    TEXT_FAMILIES,
    ConformanceClient,
    boundary_texts,
    examples,
    sms_texts,
    text_request,
    texts_request,
)


@pytest.mark.parametrize("family", TEXT_FAMILIES)
@settings(max_examples=examples(0.4, least=2))
@given(data=st.data())
def test_S12_sms_count_matches_segmentation(
    sms: ConformanceClient, family: str, data: st.DataObject
) -> None:
    sms.require("sms_count_matches_segmentation", "positive_data_acceptance")
    sample = data.draw(sms_texts([family]), label="text")
    sms.verify_accepted(text_request(sms, sample, data))


@pytest.mark.parametrize("family", TEXT_FAMILIES)
def test_S12_sms_count_on_every_segment_boundary(sms: ConformanceClient, family: str) -> None:
    sms.require("sms_count_matches_segmentation", "positive_data_acceptance")
    samples = boundary_texts(family)
    if sms.live:
        pytest.skip(f"{len(samples)} boundary messages are not sent to a live server (real SMS)")
    sms.verify_accepted(texts_request(sms, samples))
