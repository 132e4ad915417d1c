"""Re-records what each real Infobip client puts on the wire (rules.md K1-K5).

    python tools/record_clients.py            # every client this machine can run
    python tools/record_clients.py --only infobip-api-sdk-npm

Each client (installed as `tools/clients/environments.py` says) runs its driver over
`tools/clients/scenarios.json` against a capturing proxy on loopback, which forwards every request
unchanged to a sandbox and records it byte for byte: the request line as sent (origin or absolute
form), every header in order and spelling (User-Agent, Accept...), the body with its nulls, `type`
and `sendAt` forms. The address becomes `{host}` and the Authorization value `{authorization}`
(never recorded). The result, one JSON file per client, goes to
`src/sms_acceptance/conformance/client_recordings/`, where the suite's K checks replay it.
Refresh it when a client releases (bump the version in `environments.py`, then run this).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import secrets
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sms_acceptance.sandbox import SandboxConfig, running_sandbox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from clients import environments

OUTPUT = Path(__file__).resolve().parents[1] / "src/sms_acceptance/conformance/client_recordings"
_TIMEOUT_S = 30


def _read_message(stream: socket.socket, buffer: bytearray) -> bytes | None:
    """One HTTP/1.1 message (head + Content-Length body) from `stream`; None at a clean close."""
    while b"\r\n\r\n" not in buffer:
        chunk = stream.recv(65536)
        if not chunk:
            if buffer:
                raise ConnectionError("connection closed inside a message head")
            return None
        buffer += chunk
    head_end = buffer.index(b"\r\n\r\n") + 4
    length = 0
    for line in bytes(buffer[:head_end]).split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        if name.strip().lower() == b"transfer-encoding":
            raise ConnectionError("chunked bodies are not recorded (no client sends one)")
    while len(buffer) < head_end + length:
        chunk = stream.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed inside a message body")
        buffer += chunk
    message = bytes(buffer[: head_end + length])
    del buffer[: head_end + length]
    return message


class CapturingProxy:
    """Forwards each request to `upstream` and keeps its exact bytes, in arrival order."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.captured: list[bytes] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._stopping = False

    def _serve_connection(self, client: socket.socket) -> None:
        with client, socket.create_connection(self.upstream, timeout=_TIMEOUT_S) as upstream:
            client.settimeout(_TIMEOUT_S)
            inbound, outbound = bytearray(), bytearray()
            while (request := _read_message(client, inbound)) is not None:
                with self._lock:
                    self.captured.append(request)
                upstream.sendall(request)
                response = _read_message(upstream, outbound)
                if response is None:
                    return
                client.sendall(response)

    def _accept_loop(self) -> None:
        while not self._stopping:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve_connection, args=(connection,), daemon=True).start()

    @contextmanager
    def running(self) -> Iterator[CapturingProxy]:
        thread = threading.Thread(target=self._accept_loop, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stopping = True
            self._listener.close()


def _normalised(raw: bytes, host: str, secrets_used: tuple[str, ...]) -> dict[str, Any]:
    head, _, body = raw.partition(b"\r\n\r\n")
    request_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = []
    for line in header_lines:
        name, _, value = line.partition(":")
        value = value.strip()
        if name.lower() == "authorization":
            value = "{authorization}"
        headers.append([name, value.replace(host, "{host}")])
    recorded = {
        "request_line": request_line.replace(host, "{host}"),
        "headers": headers,
        "body": body.decode("utf-8"),
    }
    if any(secret in json.dumps(recorded) for secret in secrets_used):
        raise RuntimeError("a credential survived normalisation")
    return recorded


def record(build: environments.ClientBuild) -> dict[str, Any]:
    key = secrets.token_hex(16)
    wrong = secrets.token_hex(16)
    scenarios = json.loads(environments.SCENARIOS.read_text("utf-8"))["scenarios"]
    environment = environments.client_environment(build)
    with running_sandbox(SandboxConfig(authorization=f"App {key}")) as sandbox:
        proxy = CapturingProxy((sandbox.host, sandbox.port))
        with proxy.running():
            host = f"127.0.0.1:{proxy.port}"
            finished = environments.run_driver(environment, f"http://{host}", key, wrong)
    if finished.returncode != 0:
        raise RuntimeError(f"{build.label}: the driver failed: {finished.stderr.strip()[-500:]}")
    results = json.loads(finished.stdout)["results"]
    ran = [s for s in scenarios if build.id not in s.get("skip", [])]
    if len(proxy.captured) != len(ran) or [r["name"] for r in results] != [s["name"] for s in ran]:
        counted = f"{len(proxy.captured)} requests for {len(ran)} scenarios"
        raise RuntimeError(f"{build.label}: {counted}")
    exchanges = []
    for scenario, raw in zip(ran, proxy.captured, strict=True):
        exchange = {"scenario": scenario["name"], "expect": scenario["expect"]}
        if scenario.get("authorization") == "wrong":
            exchange["authorization"] = "wrong"
        exchanges.append({**exchange, **_normalised(raw, host, (key, wrong))})
    return {
        "client": build.id,
        "package": build.package,
        "version": build.version,
        "rule": build.rule,
        "path": build.path,
        "recorded": dt.date.today().isoformat(),
        "recorded_by": "tools/record_clients.py",
        "exchanges": exchanges,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="client id (repeatable)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    known = {c.id: c for c in environments.CLIENTS}
    for name in args.only or []:
        if name not in known:
            parser.error(f"unknown client {name!r}: choose from {', '.join(known)}")
    args.output.mkdir(parents=True, exist_ok=True)
    for build in environments.CLIENTS:
        if args.only and build.id not in args.only:
            continue
        try:
            recording = record(build)
        except environments.ClientUnavailable as missing:
            print(f"skipped {build.label}: {missing}")
            continue
        target = args.output / f"{build.id}.json"
        text = json.dumps(recording, indent=1, ensure_ascii=False) + "\n"
        target.write_text(text, encoding="utf-8")
        print(f"recorded {build.label}: {len(recording['exchanges'])} requests -> {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
