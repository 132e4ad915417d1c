"""The floor the sandbox's framework sets: the same starlette + uvicorn stack, a fixed answer.

`python benchmarks/_floor_server.py --port N --body-file F` serves `POST /sms/1/text/advanced`
with the bytes of F (the sandbox's own answer to the benchmark's request, so both send the same
bytes), after reading the request body as any endpoint must. The uvicorn settings mirror the
sandbox's (`sms_acceptance.sandbox._serving`): no lifespan, no access log, no server header, the
same HTTP and loop implementations uvicorn picks in this environment. Whatever the sandbox costs
beyond this floor is its own work: auth, parsing, the request oracle, segment counting, the reply.
"""

from __future__ import annotations

import argparse
import socket
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def floor_app(body: bytes, path: str) -> Starlette:
    """One POST route that reads the request and answers `body` as JSON."""

    async def endpoint(request: Request) -> Response:
        await request.body()
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route(path, endpoint, methods=["POST"])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--body-file", type=Path, required=True)
    parser.add_argument("--path", default="/sms/1/text/advanced")
    args = parser.parse_args()
    # IPPROTO_TCP explicitly, as getaddrinfo gives the sandbox: asyncio sets TCP_NODELAY on
    # accepted sockets only when the listening socket's proto says TCP; without it every answer
    # waits ~40 ms for a delayed ACK (Nagle), and the floor would measure the kernel, not the stack.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(2048)
    config = uvicorn.Config(
        floor_app(args.body_file.read_bytes(), args.path),
        lifespan="off",
        access_log=False,
        log_config=None,
        log_level="warning",
        server_header=False,
    )
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
