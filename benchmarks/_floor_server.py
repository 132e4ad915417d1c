"""The floor the sandbox's framework sets: the same starlette + uvicorn stack, a fixed answer.

`python benchmarks/_floor_server.py --port N --body-file F` serves `POST /sms/1/text/advanced`
with the bytes of F (the sandbox's own answer to the benchmark's request, so both send the same
bytes), after reading the request body as any endpoint must. It is served by the sandbox's own
`serve_app_forever` (`_loopback_uvicorn.py`): no lifespan, no access log, no server header, the
same HTTP and loop implementations uvicorn picks in this environment. Whatever the sandbox costs
beyond this floor is its own work: auth, parsing, the request oracle, segment counting, the reply.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from benchmarks._loopback_uvicorn import serve, server_parser


def floor_app(body: bytes, path: str) -> Starlette:
    """One POST route that reads the request and answers `body` as JSON."""

    async def endpoint(request: Request) -> Response:
        await request.body()
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route(path, endpoint, methods=["POST"])])


def main() -> None:
    parser = server_parser(__doc__)
    parser.add_argument("--body-file", type=Path, required=True)
    parser.add_argument("--path", default="/sms/1/text/advanced")
    args = parser.parse_args()
    serve(floor_app(args.body_file.read_bytes(), args.path), args.port)


if __name__ == "__main__":
    main()
