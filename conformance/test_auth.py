"""Requests without a valid credential get 401 with the envelope; the right one is accepted (A1-A5).

The body of each is a valid request, so a server that ignores the credential would actually send
it: that is the failure `ignored_auth` names. The letter case of the scheme word is OPEN and never
tested; schemes a vendor profile declares are accepted rather than refused.
"""

from __future__ import annotations

import base64

import pytest

from sms_acceptance.conformance import (
    NO_AUTH,
    AuthHeader,
    ConformanceClient,
    plain_request,
    scheme_of,
)


def test_A1_missing_authorization_header_is_401(sms: ConformanceClient) -> None:
    sms.verify_unauthorized(plain_request(sms, "No credential"), auth=NO_AUTH, rule_id="A1")


@pytest.mark.parametrize("case", ["empty", "scheme_without_credential", "unknown_scheme"])
def test_A2_malformed_authorization_header_is_401(sms: ConformanceClient, case: str) -> None:
    scheme = scheme_of(sms)
    declared = {s.lower() for s in sms.options.vendor_profile.extra_auth_schemes}
    if case == "empty":
        auth = AuthHeader("literal", literal="", label="an empty Authorization header")
    elif case == "scheme_without_credential":
        auth = AuthHeader("literal", literal=scheme, label=f'the scheme "{scheme}" alone')
    else:
        unknown = next(s for s in ("Token", "Key", "Secret") if s.lower() not in declared)
        auth = AuthHeader(
            "configured_key",
            scheme=unknown,
            label=f'the right key under unknown scheme "{unknown}"',
        )
    sms.verify_unauthorized(plain_request(sms, "Malformed credential"), auth=auth, rule_id="A2")


def test_A3_wrong_credential_is_401(sms: ConformanceClient) -> None:
    scheme = scheme_of(sms)
    if scheme.lower() == "basic":
        wrong = base64.b64encode(b"sms-acceptance:certainly-not-the-password").decode("ascii")
    else:
        wrong = "sms-acceptance-wrong-credential-0000000000"
    auth = AuthHeader("literal", literal=f"{scheme} {wrong}", label=f"a wrong {scheme} credential")
    sms.verify_unauthorized(plain_request(sms, "Wrong credential"), auth=auth, rule_id="A3")


def test_A5_configured_credential_is_accepted(sms: ConformanceClient) -> None:
    sms.verify_accepted(plain_request(sms, "Right credential"))


def test_A5_declared_extra_schemes_are_accepted(sms: ConformanceClient) -> None:
    schemes = sms.options.vendor_profile.extra_auth_schemes
    if not schemes:
        pytest.skip("the vendor profile declares no extra auth scheme")
    for scheme in schemes:
        sms.declare("accepted_auth_scheme", f'extra_auth_schemes includes "{scheme}"')
        auth = AuthHeader("configured_key", scheme=scheme, label=f'the key under "{scheme}"')
        sms.verify_accepted(plain_request(sms, f"Scheme {scheme}"), auth=auth)
