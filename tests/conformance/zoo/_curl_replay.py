"""Replaying a report's reproduction `curl` with the real curl binary, as a vendor's engineer would.

The command is run exactly as written in `summary.json` (through `bash -c`, so its quoting and its
`$SMS_ACCEPTANCE_AUTHORIZATION` are the shell's business), with only the server's address swapped
for the fresh instance it is replayed against and three options appended: a bound on its time,
where to write the answer, and the status code on stdout.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sms_acceptance.sandbox import AUTHORIZATION_ENV as AUTH_ENV_VAR

# curl's own exit codes that mean "no proper HTTP answer came" (man curl, EXIT CODES).
CURL_TIMEOUT = 28


@dataclass(frozen=True)
class CurlOutcome:
    """What the replayed command got: curl's exit code, and the answer when there was one."""

    exit_code: int
    status: int | None
    head: str
    body: bytes

    @property
    def media_type(self) -> str | None:
        for line in self.head.splitlines():
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-type":
                return value.split(";")[0].strip().lower()
        return None


def replay_curl(
    curl: str, recorded_base_url: str, base_url: str, authorization: str, max_time: float
) -> CurlOutcome:
    """Run `curl` against `base_url` (instead of `recorded_base_url`) with the credential set."""
    assert curl.startswith("curl "), f"not a curl command: {curl[:80]!r}"
    command = curl.replace(recorded_base_url, base_url)
    with tempfile.TemporaryDirectory(prefix="zoo-curl-") as scratch:
        answer = Path(scratch) / "answer"
        full = (
            f"{command} --max-time {max_time:g} -o {shlex.quote(str(answer))} -w '%{{http_code}}'"
        )
        environment = {**os.environ, AUTH_ENV_VAR: authorization}
        completed = subprocess.run(
            ["bash", "-c", full],
            env=environment,
            capture_output=True,
            timeout=max_time + 10,
            check=False,
        )
        raw = answer.read_bytes() if answer.exists() else b""
    code = completed.stdout.decode("ascii", errors="replace").strip()[-3:]
    status = int(code) if code.isdigit() and code != "000" else None
    # With -i the file holds the head (possibly several, e.g. after a 100) then the body.
    head, _, body = raw.partition(b"\r\n\r\n")
    return CurlOutcome(completed.returncode, status, head.decode("latin-1"), body)
