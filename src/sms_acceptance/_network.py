"""How requests reach a remote gateway: the outbound proxy and the TLS settings, for suite and load.

A vendor-acceptance job in a company's CI talks to its gateway through an outbound proxy, sometimes
with a client certificate, and must verify the gateway's certificate. Both the conformance suite's
client and the load tests' Locust users take these from one `NetworkSettings`, so both honour the
same options and the same environment the same way:

- The proxy: `--proxy URL` wins; else `https_proxy`/`HTTPS_PROXY` for an https target and
  `http_proxy`/`HTTP_PROXY` for an http one, falling back to `all_proxy`/`ALL_PROXY` (lower case
  wins, and `HTTP_PROXY` is ignored under CGI, exactly as the standard library's
  `urllib.request.getproxies_environment` and so requests/curl read them). `--proxy ''` turns
  proxies off. `NO_PROXY` (or `no_proxy`) applies to either: comma-separated host names (a name
  matches itself and every subdomain; a leading dot is ignored), IP addresses and CIDR blocks,
  each optionally with `:PORT`, or `*` for everything (curl's and requests' semantics). A loopback
  target is proxied like any other unless `NO_PROXY` names it (curl and requests do the same): put
  `localhost,127.0.0.1,::1` in it to keep loopback direct.
- Only `http://` proxies (possibly with `user:password@`): an https target is reached through a
  `CONNECT` tunnel, so the proxy sees neither the request nor its Authorization header; an http
  target is sent to the proxy in absolute form, so the proxy sees everything, as with any client.
- TLS: the gateway's certificate is verified against the system's store (which OpenSSL reads from
  `SSL_CERT_FILE`/`SSL_CERT_DIR` when set) or against `--ca-bundle FILE` alone; a client
  certificate (`--client-cert`, `--client-key`) for mutual TLS; verification is off only with an
  explicit option, and the reports say so.

Every bad setting is a `NetworkConfigError` with one line naming the option or variable.
"""

from __future__ import annotations

import base64
import dataclasses
import ipaddress
import os
import shlex
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = [
    "NetworkConfigError",
    "NetworkSettings",
    "ProxyUrl",
    "Route",
    "TlsSettings",
    "curl_network_words",
    "load_ca_certificates",
    "load_certificate",
    "no_proxy_matches",
    "open_connection",
    "parse_proxy_url",
    "proxies_from_environment",
]


class NetworkConfigError(ValueError):
    """A proxy or TLS setting that cannot be used; the message is one line."""


@dataclass(frozen=True)
class ProxyUrl:
    """An `http://[user:password@]host[:port]` forward proxy. The password is left out of `repr`."""

    host: str
    port: int
    username: str = ""
    password: str = field(default="", repr=False)

    @property
    def shown(self) -> str:
        """The URL as reports and messages show it: a password becomes `***`."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        credentials = ""
        if self.username or self.password:
            credentials = f"{self.username}:***@" if self.password else f"{self.username}@"
        return f"http://{credentials}{host}:{self.port}"

    @property
    def authorization(self) -> str | None:
        """The `Proxy-Authorization` value (Basic), or None without credentials."""
        if not (self.username or self.password):
            return None
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode("ascii")
        return f"Basic {token}"


def parse_proxy_url(text: str, source: str) -> ProxyUrl:
    """`http://host:port` (a bare `host:port` means http, as curl reads it); one-line errors."""
    value = text.strip()
    if "://" not in value:
        value = "http://" + value
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as error:
        raise NetworkConfigError(f"{source}: {text!r} is not a proxy URL ({error})") from None
    if parts.scheme.lower() != "http":
        raise NetworkConfigError(
            f"{source}: {parts.scheme}:// proxies are not supported, only http:// ones "
            "(https targets go through them in a CONNECT tunnel)"
        )
    if not parts.hostname:
        raise NetworkConfigError(f"{source}: no host in proxy URL {text!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise NetworkConfigError(f"{source}: a proxy URL has no path, query or fragment")
    return ProxyUrl(
        host=parts.hostname,
        port=port or 80,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def proxies_from_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """`{"https": url, "http": url, "all": url, "no": list}` read as `urllib.request` reads them:
    lower case wins over upper case, an empty lower-case value removes the entry, and
    `HTTP_PROXY` is ignored in a CGI script (`REQUEST_METHOD` set; CVE-2016-1000110)."""
    proxies: dict[str, str] = {}
    for name, value in environ.items():
        lowered = name.lower()
        if value and lowered.endswith("_proxy"):
            proxies[lowered[:-6]] = value
    if "REQUEST_METHOD" in environ:
        proxies.pop("http", None)
    for name, value in environ.items():
        if name.endswith("_proxy"):  # the lower-case spelling has the last word
            if value:
                proxies[name[:-6]] = value
            else:
                proxies.pop(name[:-6], None)
    return proxies


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


def _split_port(entry: str) -> tuple[str, int | None]:
    """`host:port`, `[v6]:port`, `v4:port`; a bare IPv6 address has no port."""
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
        return host, int(port) if port.isdigit() else None
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        return host, int(port) if port.isdigit() else None
    return entry, None


def no_proxy_matches(host: str, port: int, no_proxy: str) -> bool:
    """Whether `NO_PROXY` keeps `host:port` off the proxy (curl's and requests' rules)."""
    host = host.strip("[]").rstrip(".").lower()
    address = _ip(host)
    for raw in no_proxy.replace(" ", ",").split(","):
        entry = raw.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return True
        if "/" in entry:  # a CIDR block (IP targets only)
            try:
                network = ipaddress.ip_network(entry.strip("[]"), strict=False)
            except ValueError:
                continue
            if address is not None and address in network:
                return True
            continue
        name, entry_port = _split_port(entry)
        if entry_port is not None and entry_port != port:
            continue
        name = name.lstrip(".").rstrip(".")
        entry_address = _ip(name)
        if entry_address is not None or address is not None:
            if entry_address is not None and entry_address == address:
                return True
            continue
        if host == name or host.endswith("." + name):
            return True
    return False


@dataclass(frozen=True)
class Route:
    """How requests to one target go: directly or through `proxy`, and which setting said so."""

    proxy: ProxyUrl | None
    source: str  # "--proxy", "$HTTPS_PROXY", "$NO_PROXY", "none"

    def describe(self) -> dict[str, str | None]:
        return {"proxy": None if self.proxy is None else self.proxy.shown, "source": self.source}


_NO_PASSWORD_PROMPT = "no passphrase prompt: use an unencrypted key file"


def _no_passphrase() -> str:
    # OpenSSL would otherwise ask on the terminal and a CI job would hang.
    raise ssl.SSLError(_NO_PASSWORD_PROMPT)


def _readable(path: str, option: str) -> str:
    candidate = Path(path)
    if not candidate.is_file():
        raise NetworkConfigError(f"{option} {path!r}: no such file")
    try:
        with candidate.open("rb"):
            pass
    except OSError as error:
        raise NetworkConfigError(f"{option} {path!r}: {error.strerror or error}") from None
    return path


def _ssl_reason(error: BaseException) -> str:
    reason = getattr(error, "reason", None) or str(error) or type(error).__name__
    return " ".join(str(reason).split()).lower().replace("_", " ")


def load_certificate(
    context: ssl.SSLContext,
    certfile: str,
    keyfile: str | None,
    *,
    cert_option: str,
    key_option: str,
) -> None:
    """Load a PEM certificate (and key) into `context`; a missing file, an unusable one or an
    encrypted key (no passphrase prompt: a CI job would hang) is a one-line `NetworkConfigError`.
    The suite's client certificate and the sandbox's server certificate both load through here."""
    _readable(certfile, cert_option)
    if keyfile is not None:
        _readable(keyfile, key_option)
    try:
        context.load_cert_chain(certfile, keyfile, password=_no_passphrase)
    except (ssl.SSLError, OSError) as error:
        files = certfile + (f" and {keyfile}" if keyfile else "")
        raise NetworkConfigError(
            f"{cert_option} {files}: not a usable PEM certificate and unencrypted key "
            f"({_ssl_reason(error)})"
        ) from None


def load_ca_certificates(context: ssl.SSLContext, path: str, *, option: str) -> None:
    """Trust the CA certificates of the PEM bundle `path` in `context`, or a one-line
    `NetworkConfigError`."""
    _readable(path, option)
    try:
        context.load_verify_locations(path)
    except (ssl.SSLError, OSError) as error:
        raise NetworkConfigError(
            f"{option} {path!r}: not a PEM bundle of CA certificates ({_ssl_reason(error)})"
        ) from None


@dataclass(frozen=True)
class TlsSettings:
    """What a client does about TLS: verify (default) against a CA bundle, present a certificate.

    `ca_bundle_source` says where the bundle came from (`--ca-bundle` or `$SSL_CERT_FILE`), for
    the reports; with no bundle the system's store is used.
    """

    verify: bool = True
    ca_bundle: str | None = None
    ca_bundle_source: str = ""
    client_cert: str | None = None
    client_key: str | None = None

    def checked(self) -> TlsSettings:
        """Every named file exists and loads; `NetworkConfigError` (one line) otherwise."""
        self.client_context()
        return self

    def client_context(self) -> ssl.SSLContext:
        """A client `SSLContext` as these settings describe (HTTP/1.1 offered by ALPN)."""
        option = self.ca_bundle_source or "--ca-bundle"
        if self.ca_bundle is not None:
            _readable(self.ca_bundle, option)
        if self.client_key is not None and self.client_cert is None:
            raise NetworkConfigError("--client-key needs --client-cert")
        try:
            context = ssl.create_default_context(cafile=self.ca_bundle)
        except (ssl.SSLError, OSError) as error:
            raise NetworkConfigError(
                f"{option} {self.ca_bundle!r}: not a PEM bundle of CA certificates "
                f"({_ssl_reason(error)})"
            ) from None
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if self.client_cert is not None:
            load_certificate(
                context,
                self.client_cert,
                self.client_key,
                cert_option="--client-cert",
                key_option="--client-key",
            )
        context.set_alpn_protocols(["http/1.1"])
        return context

    def describe(self) -> dict[str, Any]:
        """For the reports: whether the server is verified, against what, with which files."""
        return {
            "verify": self.verify,
            "ca_bundle": self.ca_bundle,
            "ca_bundle_source": self.ca_bundle_source or ("system" if self.verify else None),
            "client_cert": self.client_cert,
            "client_key": self.client_key,
        }


@dataclass(frozen=True)
class NetworkSettings:
    """The proxy and TLS choices of a run, plus the environment they were read with.

    `proxy`: the `--proxy` value (None: from the environment; `""`: no proxy at all).
    """

    proxy: str | None = None
    tls: TlsSettings = field(default_factory=TlsSettings)
    environ: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    direct_because: str = "--proxy ''"
    """What the reports say made `proxy=""` go direct."""

    def without_proxy(self, because: str) -> NetworkSettings:
        """The same TLS settings, no proxy: for a server the kit started itself on loopback
        (the embedded sandbox), which an outbound proxy could not reach."""
        return dataclasses.replace(self, proxy="", direct_because=because)

    @classmethod
    def from_options(
        cls,
        *,
        proxy: str | None,
        ca_bundle: str | None,
        client_cert: str | None,
        client_key: str | None,
        verify: bool,
        environ: Mapping[str, str] | None = None,
    ) -> NetworkSettings:
        """Checked settings (files load, a given proxy parses); `NetworkConfigError` if not."""
        # Only what routing reads: the environment also holds the run's credential.
        env = {
            name: value
            for name, value in (os.environ if environ is None else environ).items()
            if name.lower().endswith("_proxy") or name in {"REQUEST_METHOD", "SSL_CERT_FILE"}
        }
        source = "--ca-bundle"
        if ca_bundle is None and env.get("SSL_CERT_FILE"):
            ca_bundle, source = env["SSL_CERT_FILE"], "$SSL_CERT_FILE"
        tls = TlsSettings(
            verify=verify,
            ca_bundle=ca_bundle,
            ca_bundle_source=source if ca_bundle is not None else "",
            client_cert=client_cert,
            client_key=client_key,
        ).checked()
        settings = cls(proxy=proxy, tls=tls, environ=env)
        if proxy:
            parse_proxy_url(proxy, "--proxy")
        return settings

    def route(self, url: str) -> Route:
        """Direct or through which proxy, for a request to `url` (an http(s) URL)."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = parts.hostname or ""
        port = parts.port or (443 if scheme == "https" else 80)
        found = proxies_from_environment(self.environ)
        if self.proxy is not None:
            if not self.proxy:
                return Route(None, self.direct_because)
            chosen, source = self.proxy, "--proxy"
        else:
            for key in (scheme, "all"):
                if found.get(key):
                    chosen, source = found[key], f"${key.upper()}_PROXY"
                    break
            else:
                return Route(None, "none")
        no_proxy = found.get("no", "")
        if no_proxy and no_proxy_matches(host, port, no_proxy):
            return Route(None, "$NO_PROXY")
        return Route(parse_proxy_url(chosen, source), source)

    def describe(self, url: str | None) -> dict[str, Any]:
        """For the reports: the route to `url` and the TLS settings."""
        route = Route(None, "none") if url is None else self.route(url)
        return {**route.describe(), "tls": self.tls.describe()}


def curl_network_words(settings: NetworkSettings) -> tuple[str, ...]:
    """The same route and TLS settings as `curl` options (curl reads `$HTTPS_PROXY` and
    `$NO_PROXY` itself, with the same rules, so only explicit choices are repeated)."""
    words: list[str] = []
    if settings.proxy is not None:
        if settings.proxy:
            shown = parse_proxy_url(settings.proxy, "--proxy").shown
            words += ["--proxy", shlex.quote(shown)]
        else:
            words += ["--noproxy", "'*'"]
    tls = settings.tls
    if tls.ca_bundle is not None:
        words += ["--cacert", shlex.quote(tls.ca_bundle)]
    if tls.client_cert is not None:
        words += ["--cert", shlex.quote(tls.client_cert)]
    if tls.client_key is not None:
        words += ["--key", shlex.quote(tls.client_key)]
    if not tls.verify:
        words.append("--insecure")
    return tuple(words)


def open_connection(settings: NetworkSettings, url: str, timeout: float) -> socket.socket:
    """A blocking connection to `url`'s host, as `settings` route it, ready for raw HTTP bytes.

    For the checks that must put exact bytes on the wire (a real client's recorded requests, an
    absolute-form request line): through a proxy a `CONNECT` tunnel is opened first (for http
    targets too, so the bytes reach the server unchanged), and an https target gets TLS with the
    run's context (CA bundle, client certificate, verification) inside it. Raises `OSError`
    (a refused tunnel is a `ConnectionError` naming the proxy's status line).
    """
    parts = urlsplit(url)
    https = parts.scheme.lower() == "https"
    host = parts.hostname or ""
    port = parts.port or (443 if https else 80)
    proxy = settings.route(url).proxy
    if proxy is None:
        conn = socket.create_connection((host, port), timeout=timeout)
    else:
        conn = socket.create_connection((proxy.host, proxy.port), timeout=timeout)
        try:
            _tunnel(conn, proxy, host, port)
        except BaseException:
            conn.close()
            raise
    if not https:
        return conn
    try:
        return settings.tls.client_context().wrap_socket(conn, server_hostname=host)
    except BaseException:
        conn.close()
        raise


def _tunnel(conn: socket.socket, proxy: ProxyUrl, host: str, port: int) -> None:
    authority = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    head = f"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n"
    if proxy.authorization is not None:
        head += f"Proxy-Authorization: {proxy.authorization}\r\n"
    conn.sendall((head + "\r\n").encode("latin-1"))
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = conn.recv(4096)
        if not chunk:
            break
        answer += chunk
        if len(answer) > 64 * 1024:
            break
    status_line = answer.split(b"\r\n", 1)[0].decode("latin-1", "replace")
    fields = status_line.split(" ", 2)
    if len(fields) < 2 or not fields[1].startswith("2"):
        answered = status_line or "(nothing)"
        raise ConnectionError(f"proxy {proxy.shown} refused CONNECT {authority}: {answered}")
