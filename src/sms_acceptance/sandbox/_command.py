"""`sms-acceptance sandbox`: the sandbox on the command line.

The options map one to one onto `SandboxConfig` and `FaultConfig`, so whatever a test can configure
a user can too. The credential comes from `--authorization` or, preferably (argv is visible to every
user of the machine), from `SMS_ACCEPTANCE_AUTHORIZATION`; it is never printed or logged.
Once serving, one line on stdout says where (`SandboxProcess` waits for it); logs go to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
from types import FrameType

from sms_acceptance._redaction import Redactor

from ._config import DEFAULT_ENDPOINT_PATH, FaultConfig, SandboxConfig
from ._report_options import add_report_arguments, report_config_from_arguments
from ._serving import RunningSandbox, SandboxStartError, bind_socket, serve_forever
from ._tls import SandboxTls

__all__ = ["AUTHORIZATION_ENV", "READY_PREFIX", "add_arguments", "run"]

from sms_acceptance._reproduction import AUTHORIZATION_ENV

from ._value_checks import number_argument

# The start of the one line printed on stdout once the sandbox accepts requests.
READY_PREFIX = "sms-acceptance sandbox listening on "
_LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


def _error_rate(text: str) -> tuple[int, float]:
    status, sep, fraction = text.partition("=")
    try:
        if not sep:
            raise ValueError
        return int(status), float(fraction)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected STATUS=FRACTION such as 503=0.05, got {text!r}"
        ) from None


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(
            f"expected a port number 0-65535 (0: any free port), got {text!r}"
        )
    return port


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `sandbox` subcommand's options."""
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=_port, default=0, help="port to listen on (default 0: any free port)"
    )
    parser.add_argument(
        "--authorization",
        action="append",
        metavar="VALUE",
        help=f"an accepted Authorization value such as 'App KEY' (repeatable); default: "
        f"${AUTHORIZATION_ENV} (several values one per line)",
    )
    parser.add_argument(
        "--endpoint-path",
        default=DEFAULT_ENDPOINT_PATH,
        help="path of the send endpoint, ending in /sms/1/text/advanced or /sms/2/text/advanced "
        "(both versions are served, under the same prefix)",
    )
    parser.add_argument(
        "--max-body-bytes", type=int, default=4 * 1024 * 1024, help="larger bodies get 413"
    )
    faults = parser.add_argument_group("fault injection (all off by default)")
    faults.add_argument(
        "--latency-ms",
        type=number_argument,
        default=0.0,
        help="added latency (the mean for a distribution)",
    )
    faults.add_argument(
        "--latency-distribution", choices=("fixed", "exponential", "lognormal"), default="fixed"
    )
    faults.add_argument(
        "--latency-sigma", type=number_argument, default=0.5, help="shape of the lognormal"
    )
    faults.add_argument(
        "--error-rate",
        type=_error_rate,
        action="append",
        default=[],
        metavar="STATUS=FRACTION",
        help="answer FRACTION of requests with STATUS (429, 500, 502, 503, 504); repeatable",
    )
    faults.add_argument(
        "--stall-rate", type=number_argument, default=0.0, help="fraction of requests that hang"
    )
    faults.add_argument(
        "--stall-seconds",
        type=number_argument,
        default=0.0,
        help="how long a stalled request hangs",
    )
    faults.add_argument(
        "--seed", type=int, default=None, help="makes the fault sequence reproducible"
    )
    tls = parser.add_argument_group("TLS (off by default)")
    tls.add_argument(
        "--tls-cert", metavar="FILE", help="serve https with this PEM certificate (and key)"
    )
    tls.add_argument("--tls-key", metavar="FILE", help="PEM private key of --tls-cert")
    tls.add_argument(
        "--tls-client-ca",
        metavar="FILE",
        help="require a client certificate issued by a CA in this PEM file (mutual TLS)",
    )
    add_report_arguments(parser)
    parser.add_argument(
        "--log-level", choices=_LOG_LEVELS, default="warning", help="debug: one line per request"
    )


def _credentials(args: argparse.Namespace) -> list[str]:
    if args.authorization:
        return list(args.authorization)
    from_env = os.environ.get(AUTHORIZATION_ENV, "")
    return [line.strip() for line in from_env.splitlines() if line.strip()]


def config_from_arguments(args: argparse.Namespace) -> SandboxConfig:
    """The configuration the options describe; `ValueError` (one line) if they are inconsistent."""
    credentials = _credentials(args)
    if not credentials:
        raise ValueError(
            f"no credential: pass --authorization 'App KEY' or set ${AUTHORIZATION_ENV}"
        )
    statuses = [status for status, _ in args.error_rate]
    if len(set(statuses)) != len(statuses):
        raise ValueError("--error-rate names the same status twice")
    faults = FaultConfig(
        latency_ms=args.latency_ms,
        latency_distribution=args.latency_distribution,
        latency_sigma=args.latency_sigma,
        error_fractions=dict(args.error_rate),
        stall_fraction=args.stall_rate,
        stall_seconds=args.stall_seconds,
        seed=args.seed,
    )
    return SandboxConfig(
        authorization=tuple(credentials),
        faults=faults,
        endpoint_path=args.endpoint_path,
        max_body_bytes=args.max_body_bytes,
        reports=report_config_from_arguments(args),
    )


def tls_from_arguments(args: argparse.Namespace) -> SandboxTls | None:
    """The TLS settings the options describe (files loaded); `ValueError` (one line) if bad."""
    if args.tls_cert is None:
        if args.tls_key is not None or args.tls_client_ca is not None:
            raise ValueError("--tls-key and --tls-client-ca need --tls-cert")
        return None
    return SandboxTls(args.tls_cert, args.tls_key, args.tls_client_ca).checked()


def _configure_logging(level: str, config: SandboxConfig) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # Defence in depth: nothing logs the credential, and this makes sure nothing can.
    for secret in config.accepted_authorizations:
        handler.addFilter(Redactor(secret).logging_filter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level.upper())


def _announce(sandbox: RunningSandbox) -> None:
    paths = " and ".join(sandbox.config.endpoint_paths)
    print(f"{READY_PREFIX}{sandbox.base_url} (POST {paths})", flush=True)


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Serve until interrupted; bad options and a busy port end with `parser.error` (exit 2)."""
    try:
        config = config_from_arguments(args)
        tls = tls_from_arguments(args)
        sock = bind_socket(args.host, args.port)
    except (ValueError, SandboxStartError) as problem:
        parser.error(str(problem))
    _configure_logging(args.log_level, config)
    # uvicorn shuts down gracefully on SIGTERM, then re-raises it to the handler it found: this
    # one, so that a terminated sandbox exits with status 0 rather than "killed by SIGTERM".
    signal.signal(signal.SIGTERM, _stop)
    with contextlib.suppress(KeyboardInterrupt):
        serve_forever(config, sock, on_ready=_announce, log_level=args.log_level, tls=tls)
    return 0
