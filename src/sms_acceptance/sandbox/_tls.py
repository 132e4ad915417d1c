"""The sandbox over TLS: its certificate and key, and optionally the CA its clients must present.

So a vendor or a user can test a TLS setup end to end on one machine: the suite and the load tests
verifying the sandbox's certificate, through a proxy, with a client certificate (mutual TLS) when
`client_ca` is set. uvicorn does the TLS (`ssl_certfile`, `ssl_keyfile`, `ssl_ca_certs`,
`ssl_cert_reqs`); the files are loaded here first, so a missing or bad file is one line at start
rather than a traceback from inside uvicorn, and an encrypted key cannot make OpenSSL prompt for a
passphrase (a CI job would hang on it).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Any

from sms_acceptance._network import load_ca_certificates, load_certificate

__all__ = ["SandboxTls"]


@dataclass(frozen=True)
class SandboxTls:
    """`certfile` (PEM, with the key unless `keyfile`); `client_ca`: require a client certificate
    issued by one of the CA certificates in that PEM file."""

    certfile: str
    keyfile: str | None = None
    client_ca: str | None = None

    def checked(self) -> SandboxTls:
        """The files exist and load into a server context; `ValueError` (one line) if not."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        load_certificate(
            context, self.certfile, self.keyfile, cert_option="--tls-cert", key_option="--tls-key"
        )
        if self.client_ca is not None:
            load_ca_certificates(context, self.client_ca, option="--tls-client-ca")
        return self

    def uvicorn_options(self) -> dict[str, Any]:
        """The keyword arguments of `uvicorn.Config` that serve over TLS with these files."""
        return {
            "ssl_certfile": self.certfile,
            "ssl_keyfile": self.keyfile,
            "ssl_ca_certs": self.client_ca,
            "ssl_cert_reqs": ssl.CERT_REQUIRED if self.client_ca else ssl.CERT_NONE,
        }

    def arguments(self) -> list[str]:
        """The same settings as `sms-acceptance sandbox` options (for `SandboxProcess`)."""
        argv = ["--tls-cert", self.certfile]
        if self.keyfile is not None:
            argv += ["--tls-key", self.keyfile]
        if self.client_ca is not None:
            argv += ["--tls-client-ca", self.client_ca]
        return argv
