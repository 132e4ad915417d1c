"""The sandbox: a faithful reference server for `POST /sms/1/text/advanced` and `/sms/2/...`.

It follows every MUST and SHOULD rule of `rules.md` and takes the provider's own choice where a rule
is OPEN, so it is both the suite's default target and the yardstick a vendor's server is held to.
Three ways to start it: `running_sandbox(config)` (a thread of this process, for tests),
`SandboxProcess(config)` (a child process, for Locust) and `sms-acceptance sandbox` (the CLI).
`serve_on_loopback(app)` and `serve_app_forever(app, sock)` serve any ASGI app the same way (the
project's broken test servers, the benchmarks' own servers).
"""

from __future__ import annotations

from ._app import REQUEST_LOGGER_NAME, create_app
from ._command import AUTHORIZATION_ENV, READY_PREFIX
from ._config import FAULT_STATUSES, FaultConfig, LatencyDistribution, SandboxConfig
from ._process import SandboxProcess
from ._report_config import ReportConfig, ReportFaultConfig
from ._serving import (
    LoopbackServer,
    RunningSandbox,
    SandboxStartError,
    bind_socket,
    running_sandbox,
    serve_app_forever,
    serve_on_loopback,
)
from ._tls import SandboxTls

__all__ = [
    "AUTHORIZATION_ENV",
    "FAULT_STATUSES",
    "READY_PREFIX",
    "REQUEST_LOGGER_NAME",
    "FaultConfig",
    "LatencyDistribution",
    "LoopbackServer",
    "ReportConfig",
    "ReportFaultConfig",
    "RunningSandbox",
    "SandboxConfig",
    "SandboxProcess",
    "SandboxStartError",
    "SandboxTls",
    "bind_socket",
    "create_app",
    "running_sandbox",
    "serve_app_forever",
    "serve_on_loopback",
]
