"""The load tests' network options and how Locust's user gets them: proxy, CA bundle, client cert.

The same options as the suite (`--proxy`, `--ca-bundle`, `--client-cert`, `--client-key`,
`--no-tls-verify`), read by the same `sms_acceptance._network.NetworkSettings`, so `HTTPS_PROXY`,
`NO_PROXY` and `SSL_CERT_FILE` mean the same in both. Locust's `FastHttpUser` is kept whatever
the route: its geventhttpclient (2.6) opens a `CONNECT` tunnel for an https target behind a proxy
(the request and its Authorization header inside the tunnel), sends an http target in absolute
form, takes proxy credentials, and takes an `SSLContext` factory; so there is no need to switch
to the much slower requests-based `HttpUser` when a proxy is set. Two things are set here rather
than left to Locust: verification is on by default (`FastHttpUser.insecure` defaults to True,
i.e. no verification), and proxy credentials reach geventhttpclient (FastHttpUser passes only
host and port).
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sms_acceptance._network import NetworkSettings, ProxyUrl

__all__ = ["UserNetwork", "add_network_arguments", "network_from_parsed", "user_network"]


def add_network_arguments(parser: Any) -> None:
    """Add the network options to Locust's parser (none shown in the web UI)."""
    parser.add_argument(
        "--proxy",
        env_var="LOCUST_PROXY",
        default=None,
        metavar="URL",
        help="Outbound http:// proxy (default: $HTTPS_PROXY / $HTTP_PROXY / $ALL_PROXY minus "
        "$NO_PROXY; '' for none); https targets go through a CONNECT tunnel.",
        include_in_web_ui=False,
    )
    parser.add_argument(
        "--ca-bundle",
        env_var="LOCUST_CA_BUNDLE",
        default=None,
        metavar="FILE",
        help="Verify the target against the CA certificates in this PEM file only "
        "(default: $SSL_CERT_FILE, else the system's store).",
        include_in_web_ui=False,
    )
    parser.add_argument(
        "--client-cert",
        env_var="LOCUST_CLIENT_CERT",
        default=None,
        metavar="FILE",
        help="PEM client certificate for mutual TLS (its key too, unless --client-key).",
        include_in_web_ui=False,
    )
    parser.add_argument(
        "--client-key",
        env_var="LOCUST_CLIENT_KEY",
        default=None,
        metavar="FILE",
        help="PEM private key (unencrypted) of --client-cert.",
        include_in_web_ui=False,
    )
    parser.add_argument(
        "--no-tls-verify",
        env_var="LOCUST_NO_TLS_VERIFY",
        action="store_true",
        default=False,
        help="Do not verify the target's certificate (insecure; the reports say so).",
        include_in_web_ui=False,
    )


def network_from_parsed(parsed: Any) -> NetworkSettings:
    """Checked settings from Locust's parsed options; `NetworkConfigError` (one line) if bad."""
    return NetworkSettings.from_options(
        proxy=getattr(parsed, "proxy", None),
        ca_bundle=getattr(parsed, "ca_bundle", None),
        client_cert=getattr(parsed, "client_cert", None),
        client_key=getattr(parsed, "client_key", None),
        verify=not getattr(parsed, "no_tls_verify", False),
    )


@dataclass(frozen=True)
class UserNetwork:
    """What one Locust user's HTTP session is built with, for one target URL."""

    proxy: ProxyUrl | None
    insecure: bool
    ssl_context_factory: Callable[..., ssl.SSLContext]

    def session_arguments(self) -> dict[str, Any]:
        """Keyword arguments `FastHttpSession` passes down to geventhttpclient's clients."""
        arguments: dict[str, Any] = {
            "insecure": self.insecure,
            "ssl_context_factory": self.ssl_context_factory,
        }
        if self.proxy is not None:
            arguments["proxy_host"] = self.proxy.host
            arguments["proxy_port"] = self.proxy.port
            if self.proxy.username or self.proxy.password:
                arguments["proxy_user"] = self.proxy.username
                arguments["proxy_password"] = self.proxy.password
        return arguments


def user_network(settings: NetworkSettings, url: str) -> UserNetwork:
    """The route and TLS context for requests to `url`."""
    route = settings.route(url)
    context = settings.tls.client_context()

    def factory(cafile: str | None = None) -> ssl.SSLContext:
        # geventhttpclient passes its own default bundle; ours (settings.tls) is already loaded.
        return context

    return UserNetwork(
        proxy=route.proxy, insecure=not settings.tls.verify, ssl_context_factory=factory
    )
