"""Reproduction commands: one `curl` builder for the suite's failures and the load tests' examples.

The command resends the exact bytes and reads the credential from `$SMS_ACCEPTANCE_AUTHORIZATION`
(the variable every part of the kit reads it from), so it can be rerun as printed and never holds
the secret. Printing `App ***` instead would give a command that cannot be rerun.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable

__all__ = ["AUTHORIZATION_ENV", "AUTHORIZATION_FROM_ENV", "curl_command"]

#: The environment variable the suite, the load tests and the sandbox read the credential from.
AUTHORIZATION_ENV = "SMS_ACCEPTANCE_AUTHORIZATION"
#: The curl option that sends the configured credential, read from the environment by the shell.
AUTHORIZATION_FROM_ENV = f'-H "Authorization: ${AUTHORIZATION_ENV}"'

# Never copied from the request: the credential has its own option, curl sends its own agent.
_NOT_COPIED = frozenset({"authorization", "user-agent"})


def curl_command(
    method: str,
    url: str,
    headers: Iterable[tuple[str, str]],
    body: str,
    *,
    authorization_option: str | None = AUTHORIZATION_FROM_ENV,
    request_target: str | None = None,
    network_options: Iterable[str] = (),
) -> str:
    """`curl -sS -i -X METHOD URL [AUTH] -H ... --data-binary BODY`, every part shell-quoted.

    `authorization_option` is the curl option for the Authorization header (None: none is sent);
    the caller still scrubs the result with its `Redactor` before showing it anywhere.
    `request_target` replays a request line curl would not build from the URL (the absolute
    form of H1); `network_options` repeat the run's route and TLS choices (`--proxy`, `--cacert`,
    `--cert`, `--insecure`...), already quoted.
    """
    parts = ["curl", "-sS", "-i", *network_options, "-X", method, shlex.quote(url)]
    if request_target is not None:
        parts.extend(["--request-target", shlex.quote(request_target)])
    if authorization_option is not None:
        parts.append(authorization_option)
    for name, value in headers:
        if name.lower() not in _NOT_COPIED:
            parts.extend(["-H", shlex.quote(f"{name}: {value}")])
    parts.extend(["--data-binary", shlex.quote(body)])
    return " ".join(parts)
