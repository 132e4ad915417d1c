"""Requests that break a request rule get 400 with the error envelope (R1-R9, E1, E3).

Each case is a named mutation of a valid generated request. The exact bytes are re-judged by the
request oracle before anything is sent: only a confirmed violation of the mutation's rule is held
against the server, and the report names the mutation. Against a local server the valid request
the mutation starts from is sent first and must be accepted (R13): generating it is most of an
example's cost, and it is as good a positive request as those of `test_positive.py`. When it is
not accepted, the mutation is sent all the same: its failure is positive_data_acceptance's, and
the rule the mutation breaks still gets its own verdict.
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sms_acceptance._request_rules import judge_request
from sms_acceptance.conformance import (
    MUTATIONS,
    ConformanceClient,
    Mutation,
    encode_json,
    examples,
    valid_requests,
)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[f"{m.rule_id}-{m.name}" for m in MUTATIONS])
@settings(max_examples=examples(0.08, least=2))
@given(data=st.data())
def test_request_breaking_a_rule_is_400(
    sms: ConformanceClient, mutation: Mutation, data: st.DataObject
) -> None:
    sms.require_rule(mutation.rule_id)
    valid = data.draw(
        valid_requests(
            max_messages=2, max_destinations=2, destinations=sms.options.test_destinations
        ),
        label="valid request",
    )
    mutated = mutation.mutate(copy.deepcopy(valid), data)
    body = mutated if isinstance(mutated, bytes) else encode_json(mutated)
    verdict = judge_request(body)
    # Only a confirmed violation of this mutation's rule is held against the server.
    assume(mutation.rule_id in verdict.rule_ids)
    with sms.failures_together():
        if not sms.live:
            # The base is a generated valid request in its own right: the server must accept it
            # (R13). Not on a live server: it would be a real SMS. Its failure does not stop the
            # mutation: each rule gets its own verdict.
            sms.verify_accepted(valid, label=f"valid base request of {mutation.name}")
        sms.verify_rejected(body, mutation=mutation.name, rule_id=mutation.rule_id, verdict=verdict)
