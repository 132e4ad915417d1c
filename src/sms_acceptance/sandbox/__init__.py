"""The sandbox: a faithful reference server for `POST /sms/1/text/advanced`.

It follows every MUST and SHOULD rule of `rules.md` and takes the provider's own choice where a rule
is OPEN, so it is both the suite's default target and the yardstick a vendor's server is held to.
Three ways to start it: `running_sandbox(config)` (a thread of this process, for tests),
`SandboxProcess(config)` (a child process, for Locust) and `sms-acceptance sandbox` (the CLI).
"""

from __future__ import annotations

from ._app import create_app
from ._config import FAULT_STATUSES, FaultConfig, LatencyDistribution, SandboxConfig
from ._process import SandboxProcess
from ._report_config import ReportConfig, ReportFaultConfig
from ._serving import RunningSandbox, SandboxStartError, running_sandbox

__all__ = [
    "FAULT_STATUSES",
    "FaultConfig",
    "LatencyDistribution",
    "ReportConfig",
    "ReportFaultConfig",
    "RunningSandbox",
    "SandboxConfig",
    "SandboxProcess",
    "SandboxStartError",
    "create_app",
    "running_sandbox",
]
