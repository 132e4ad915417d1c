"""How the benchmarks' own small servers listen: uvicorn on a loopback socket we bind ourselves.

`_floor_server.py` and `_counting_sandbox.py` are child processes (`script_server` starts them with
`--port N`), and both must serve the way the sandbox does (`sms_acceptance.sandbox._serving`), or a
figure compared with the sandbox's would measure a difference of settings, not of work: the same
uvicorn options (no lifespan, no access log, no server header) and a socket bound the same way.
"""

from __future__ import annotations

import argparse
import socket
from collections.abc import Callable
from typing import Any

import uvicorn

from benchmarks._processes import LOOPBACK


def server_parser(doc: str) -> argparse.ArgumentParser:
    """A server script's command line: `--port N` (required), and whatever the script adds."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    return parser


def serve(app: Callable[..., Any], port: int) -> None:
    """Serve `app` on `127.0.0.1:port` in the foreground until SIGINT/SIGTERM."""
    # IPPROTO_TCP explicitly, as getaddrinfo gives the sandbox: asyncio sets TCP_NODELAY on
    # accepted sockets only when the listening socket's proto says TCP; without it every answer
    # waits ~40 ms for a delayed ACK (Nagle), and a server would measure the kernel, not the stack.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((LOOPBACK, port))
    sock.listen(2048)
    config = uvicorn.Config(
        app,
        lifespan="off",
        access_log=False,
        log_config=None,
        log_level="warning",
        server_header=False,
    )
    uvicorn.Server(config).run(sockets=[sock])
