"""How the benchmarks' own small servers listen: uvicorn on a loopback socket we bind ourselves.

`_floor_server.py` and `_counting_sandbox.py` are child processes (`script_server` starts them with
`--port N`), and both must serve the way the sandbox does, or a figure compared with the sandbox's
would measure a difference of settings, not of work: so they are served by the sandbox's own
`serve_app_forever` (same uvicorn options, a socket bound by the same `bind_socket`).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from benchmarks._processes import LOOPBACK
from sms_acceptance.sandbox import bind_socket, serve_app_forever


def server_parser(doc: str) -> argparse.ArgumentParser:
    """A server script's command line: `--port N` (required), and whatever the script adds."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    return parser


def serve(app: Callable[..., Any], port: int) -> None:
    """Serve `app` on `127.0.0.1:port` in the foreground until SIGINT/SIGTERM, as the sandbox is."""
    serve_app_forever(app, bind_socket(LOOPBACK, port))
