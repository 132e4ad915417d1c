"""`_redaction`: the scheme stays visible, the credential never does, in any spelling."""

from __future__ import annotations

import base64
import json
import logging
from urllib.parse import quote

import pytest

from sms_acceptance import Redactor, redact_authorization

KEY = "003026bbc133714df1834b8638bb496e-8f4b3d9a"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("App KEY", "App ***"),
        (f"App {KEY}", "App ***"),
        ("Basic QWxhZGRpbjpvcGVuU2VzYW1l", "Basic ***"),
        ("IBSSO 2f9b4d31", "IBSSO ***"),
        ("Bearer eyJhbGciOi.e30.sig", "Bearer ***"),
        ("app KEY", "app ***"),
        ("  App   KEY  ", "App ***"),
    ],
)
def test_redact_authorization_keeps_the_scheme_and_hides_the_credential(
    value: str, shown: str
) -> None:
    assert redact_authorization(value) == shown


@pytest.mark.parametrize("value", [KEY, "", "App", "abc def", "Secret sauce", "App "])
def test_redact_authorization_hides_a_value_without_a_known_scheme_entirely(value: str) -> None:
    assert redact_authorization(value) == "***"


def test_redactor_scrubs_the_header_value_from_text() -> None:
    text = f"curl -H 'Authorization: App {KEY}' https://127.0.0.1/sms/1/text/advanced"
    scrubbed = Redactor(f"App {KEY}").scrub(text)
    assert scrubbed == "curl -H 'Authorization: App ***' https://127.0.0.1/sms/1/text/advanced"


@pytest.mark.parametrize(
    "spelling",
    [KEY, quote(f"App {KEY}", safe=""), json.dumps(f"App {KEY}")[1:-1], f"App {KEY}"],
    ids=["bare-key", "url-encoded", "json-escaped", "header"],
)
def test_redactor_scrubs_every_spelling_of_the_secret(spelling: str) -> None:
    assert KEY not in Redactor(f"App {KEY}").scrub(f"before {spelling} after")


def test_redactor_scrubs_a_decoded_basic_password() -> None:
    value = "Basic " + base64.b64encode(b"aladdin:open sesame").decode()
    scrubbed = Redactor(value).scrub("user aladdin:open sesame, password open sesame")
    assert "open sesame" not in scrubbed


def test_redactor_without_a_secret_changes_nothing() -> None:
    assert Redactor(None).scrub("App KEY") == "App KEY"
    assert Redactor("").scrub("App KEY") == "App KEY"


def test_redactor_is_callable_and_hides_the_secret_in_its_repr() -> None:
    redactor = Redactor(f"App {KEY}")
    assert redactor(KEY) == "***"
    assert KEY not in repr(redactor)


def test_scrub_headers_redacts_authorization_whatever_it_holds() -> None:
    headers = {"Authorization": "App other-key", "X-Echo": f"App {KEY}", "Accept": "*/*"}
    assert Redactor(f"App {KEY}").scrub_headers(headers) == {
        "Authorization": "App ***",
        "X-Echo": "App ***",
        "Accept": "*/*",
    }


def test_logging_filter_scrubs_messages_and_their_arguments(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("tests.sandbox.redaction")
    caplog.handler.addFilter(Redactor(f"App {KEY}").logging_filter())
    with caplog.at_level(logging.INFO, logger=logger.name):
        logger.info("sent %s with %r", f"App {KEY}", {"Authorization": f"App {KEY}"})
    assert KEY not in caplog.text
    assert "sent App *** with {'Authorization': 'App ***'}" in caplog.text


def test_logging_filter_scrubs_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("tests.sandbox.redaction.traceback")
    caplog.handler.addFilter(Redactor(f"App {KEY}").logging_filter())
    with caplog.at_level(logging.ERROR, logger=logger.name):
        try:
            raise ValueError(f"refused App {KEY}")
        except ValueError:
            logger.exception("request failed")
    assert "ValueError: refused App ***" in caplog.text
    assert KEY not in caplog.text
