"""Which requests go through which proxy, and which TLS settings a client uses.

The proxy rules follow curl and requests: `--proxy` wins, else `https_proxy`/`http_proxy` by the
target's scheme, then `all_proxy`; lower case wins; `NO_PROXY` names hosts (and their subdomains),
IP addresses and CIDR blocks, optionally with a port, or `*`; loopback is proxied unless named.
"""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from sms_acceptance._network import (
    NetworkConfigError,
    NetworkSettings,
    TlsSettings,
    no_proxy_matches,
    parse_proxy_url,
)

from .conftest import Pki

HTTPS_URL = "https://sms.example.com/sms/1/text/advanced"
HTTP_URL = "http://sms.example.com/sms/1/text/advanced"


def proxy_for(url: str, environ: dict[str, str], option: str | None = None) -> str | None:
    settings = NetworkSettings.from_options(
        proxy=option,
        ca_bundle=None,
        client_cert=None,
        client_key=None,
        verify=True,
        environ=environ,
    )
    return settings.route(url).describe()["proxy"]


def test_an_https_target_uses_HTTPS_PROXY() -> None:
    environ = {"HTTPS_PROXY": "http://proxy:3128", "HTTP_PROXY": "http://other:80"}
    assert proxy_for(HTTPS_URL, environ) == "http://proxy:3128"


def test_an_http_target_uses_HTTP_PROXY() -> None:
    environ = {"HTTPS_PROXY": "http://proxy:3128", "HTTP_PROXY": "http://other:8080"}
    assert proxy_for(HTTP_URL, environ) == "http://other:8080"


def test_ALL_PROXY_is_the_fallback() -> None:
    assert proxy_for(HTTPS_URL, {"ALL_PROXY": "proxy:3128"}) == "http://proxy:3128"


def test_the_lower_case_variable_wins() -> None:
    environ = {"HTTPS_PROXY": "http://upper:1", "https_proxy": "http://lower:2"}
    assert proxy_for(HTTPS_URL, environ) == "http://lower:2"


def test_HTTP_PROXY_is_ignored_in_a_CGI_script() -> None:
    environ = {"HTTP_PROXY": "http://attacker:80", "REQUEST_METHOD": "POST"}
    assert proxy_for(HTTP_URL, environ) is None


def test_the_proxy_option_wins_over_the_environment() -> None:
    environ = {"HTTPS_PROXY": "http://env:3128"}
    assert proxy_for(HTTPS_URL, environ, option="http://option:8080") == "http://option:8080"


def test_an_empty_proxy_option_turns_proxies_off() -> None:
    assert proxy_for(HTTPS_URL, {"HTTPS_PROXY": "http://env:3128"}, option="") is None


def test_NO_PROXY_applies_to_the_proxy_option_too() -> None:
    environ = {"NO_PROXY": "example.com"}
    assert proxy_for(HTTPS_URL, environ, option="http://option:8080") is None


@pytest.mark.parametrize(
    ("host", "port", "no_proxy", "bypassed"),
    [
        ("api.example.com", 443, "example.com", True),  # a name covers its subdomains
        ("example.com", 443, ".example.com", True),  # a leading dot is ignored
        ("badexample.com", 443, "example.com", False),  # not a mere suffix of the string
        ("anything.test", 443, "*", True),
        ("10.1.2.3", 443, "10.0.0.0/8", True),  # CIDR
        ("11.1.2.3", 443, "10.0.0.0/8", False),
        ("192.0.2.7", 443, "192.0.2.7", True),
        ("::1", 443, "::1", True),
        ("api.example.com", 443, "example.com:8443", False),  # a port narrows the entry
        ("api.example.com", 8443, "example.com:8443", True),
        ("API.Example.COM", 443, " other.org , example.com ", True),
    ],
)
def test_NO_PROXY_entries(host: str, port: int, no_proxy: str, bypassed: bool) -> None:
    assert no_proxy_matches(host, port, no_proxy) is bypassed


def test_a_loopback_target_is_proxied_unless_NO_PROXY_names_it() -> None:
    url = "https://localhost:8443/sms/1/text/advanced"
    assert proxy_for(url, {"HTTPS_PROXY": "http://proxy:3128"}) == "http://proxy:3128"
    environ = {"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "localhost,127.0.0.1,::1"}
    assert proxy_for(url, environ) is None


def test_a_proxy_password_is_never_shown() -> None:
    proxy = parse_proxy_url("http://ci:pa%24%24word@proxy.corp:3128", "--proxy")
    assert proxy.password == "pa$$word"
    assert proxy.shown == "http://ci:***@proxy.corp:3128"
    assert "pa$$word" not in repr(proxy)
    assert proxy.authorization == "Basic Y2k6cGEkJHdvcmQ="


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("socks5://proxy:1080", "socks5:// proxies are not supported"),
        ("https://proxy:443", "https:// proxies are not supported"),
        ("http://proxy:99999", "is not a proxy URL"),
        ("http://proxy:3128/path", "has no path"),
    ],
)
def test_an_unusable_proxy_is_a_one_line_error(value: str, message: str) -> None:
    with pytest.raises(NetworkConfigError, match=message) as raised:
        parse_proxy_url(value, "$HTTPS_PROXY")
    assert "\n" not in str(raised.value)
    assert str(raised.value).startswith("$HTTPS_PROXY: ")


def test_verification_is_on_by_default() -> None:
    context = TlsSettings().client_context()
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname


def test_verification_is_off_only_when_asked() -> None:
    context = TlsSettings(verify=False).client_context()
    assert context.verify_mode is ssl.CERT_NONE
    assert TlsSettings(verify=False).describe()["verify"] is False


def test_SSL_CERT_FILE_is_the_default_ca_bundle(pki: Pki) -> None:
    settings = NetworkSettings.from_options(
        proxy=None,
        ca_bundle=None,
        client_cert=None,
        client_key=None,
        verify=True,
        environ={"SSL_CERT_FILE": str(pki.ca)},
    )
    assert settings.tls.ca_bundle == str(pki.ca)
    assert settings.tls.describe()["ca_bundle_source"] == "$SSL_CERT_FILE"


def one_line_error(settings: TlsSettings) -> str:
    with pytest.raises(NetworkConfigError) as raised:
        settings.client_context()
    message = str(raised.value)
    assert "\n" not in message
    return message


def test_a_missing_ca_bundle_is_a_one_line_error(tmp_path: Path) -> None:
    absent = tmp_path / "absent.pem"
    assert one_line_error(TlsSettings(ca_bundle=str(absent))) == (
        f"--ca-bundle {str(absent)!r}: no such file"
    )


def test_a_ca_bundle_without_certificates_is_a_one_line_error(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n", encoding="utf-8")
    assert "not a PEM bundle of CA certificates" in one_line_error(
        TlsSettings(ca_bundle=str(garbage))
    )


def test_a_client_certificate_without_its_key_is_a_one_line_error(pki: Pki) -> None:
    message = one_line_error(TlsSettings(client_cert=str(pki.ca)))  # a certificate, no key
    assert message.startswith(f"--client-cert {pki.ca}: not a usable PEM certificate")


def test_a_client_key_needs_a_client_certificate(pki: Pki) -> None:
    assert one_line_error(TlsSettings(client_key=str(pki.client))) == (
        "--client-key needs --client-cert"
    )


def test_a_reproduction_curl_repeats_the_explicit_network_choices(pki: Pki) -> None:
    from sms_acceptance import curl_network_words

    settings = NetworkSettings.from_options(
        proxy="http://ci:secret@proxy.corp:3128",
        ca_bundle=str(pki.ca),
        client_cert=str(pki.client),
        client_key=None,
        verify=False,
        environ={},
    )
    assert curl_network_words(settings) == (
        "--proxy", "'http://ci:***@proxy.corp:3128'",
        "--cacert", str(pki.ca), "--cert", str(pki.client), "--insecure",
    )  # fmt: skip
