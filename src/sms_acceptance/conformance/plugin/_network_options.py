"""The suite's network options: the outbound proxy and TLS (`sms_acceptance._network` says how).

Kept apart from `_options.py` so the run's other options stay one screen; `_options` adds these to
its group and reads them into `SuiteOptions.network`. A bad value is a one-line usage error.
"""

from __future__ import annotations

import shlex
from typing import Any

import pytest

from sms_acceptance._network import (
    NetworkConfigError,
    NetworkSettings,
    curl_network_words,
    parse_proxy_url,
)

__all__ = [
    "add_network_options",
    "curl_network_words",
    "network_reproduce_words",
    "read_network_options",
]


def add_network_options(group: Any) -> None:
    """`--proxy`, `--ca-bundle`, `--client-cert`, `--client-key`, `--no-tls-verify`."""
    group.addoption(
        "--proxy",
        dest="sms_proxy",
        default=None,
        metavar="URL",
        help="outbound http:// proxy, e.g. http://proxy:3128 (default: $HTTPS_PROXY / "
        "$HTTP_PROXY / $ALL_PROXY, minus $NO_PROXY; '' for none); https targets go through "
        "a CONNECT tunnel",
    )
    group.addoption(
        "--ca-bundle",
        dest="sms_ca_bundle",
        default=None,
        metavar="FILE",
        help="verify the server against the CA certificates in this PEM file only (default: "
        "$SSL_CERT_FILE, else the system's store)",
    )
    group.addoption(
        "--client-cert",
        dest="sms_client_cert",
        default=None,
        metavar="FILE",
        help="PEM client certificate for mutual TLS (its key too, unless --client-key)",
    )
    group.addoption(
        "--client-key",
        dest="sms_client_key",
        default=None,
        metavar="FILE",
        help="PEM private key (unencrypted) of --client-cert",
    )
    group.addoption(
        "--no-tls-verify",
        dest="sms_no_tls_verify",
        action="store_true",
        default=False,
        help="do not verify the server's certificate (insecure; the reports say so)",
    )


def read_network_options(config: pytest.Config, url: str | None) -> NetworkSettings:
    """Checked settings; the route to `url` (when known) is resolved once so a bad proxy
    variable fails here, before any test, rather than as every request's failure."""
    try:
        settings = NetworkSettings.from_options(
            proxy=config.getoption("sms_proxy", None),
            ca_bundle=config.getoption("sms_ca_bundle", None),
            client_cert=config.getoption("sms_client_cert", None),
            client_key=config.getoption("sms_client_key", None),
            verify=not config.getoption("sms_no_tls_verify", False),
        )
        if url is not None:
            settings.route(url)
    except NetworkConfigError as error:
        raise pytest.UsageError(" ".join(str(error).split())) from None
    return settings


def network_reproduce_words(settings: NetworkSettings) -> list[str]:
    """The options a reproduction command repeats (the environment's proxies it inherits)."""
    words: list[str] = []
    if settings.proxy is not None:
        # A proxy password never goes into a command line (the reports carry it): `***`.
        shown = parse_proxy_url(settings.proxy, "--proxy").shown if settings.proxy else "''"
        words.append(f"--proxy={shlex.quote(shown) if settings.proxy else shown}")
    tls = settings.tls
    if tls.ca_bundle is not None and tls.ca_bundle_source == "--ca-bundle":
        words.append(f"--ca-bundle={shlex.quote(tls.ca_bundle)}")
    if tls.client_cert is not None:
        words.append(f"--client-cert={shlex.quote(tls.client_cert)}")
    if tls.client_key is not None:
        words.append(f"--client-key={shlex.quote(tls.client_key)}")
    if not tls.verify:
        words.append("--no-tls-verify")
    return words
