"""Real servers on free 127.0.0.1 ports, in a thread of the test process.

Every zoo server must be a real socket the suite (a separate pytest process) connects to, so that
what the suite sees is what a vendor's server would do on the wire. Two kinds:
- an ASGI app (the sandbox behind a bug) served by uvicorn, the way the sandbox itself is
  (`sms_acceptance.sandbox.serve_on_loopback`);
- a raw asyncio connection handler, for the robustness bugs no HTTP framework would let us commit
  (hanging, dripping, resetting, garbage bytes).
Each server gets its own port and thread, so tests stay independent under pytest-xdist.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable, Iterator

from starlette.types import ASGIApp

from sms_acceptance.sandbox import bind_socket, serve_on_loopback

_START_TIMEOUT_S = 10.0

ConnectionHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@contextlib.contextmanager
def serve_asgi(app: ASGIApp) -> Iterator[str]:
    """Serve `app` on a free loopback port the way the sandbox is served; yields the base URL."""
    # log_level critical: a broken server that raises (the non-ASCII bug) is expected to; its
    # traceback belongs to the bug, not to the test output. A graceful shutdown bounded at 1 s: a
    # stalled request must not hold the test up.
    with serve_on_loopback(
        app, lifespan="on", log_level="critical", graceful_shutdown_s=1
    ) as server:
        yield server.base_url


@contextlib.contextmanager
def serve_raw(handler: ConnectionHandler) -> Iterator[str]:
    """Serve a raw connection handler on a free loopback port; yields the base URL.

    On exit every open connection is cancelled, so a handler that hangs forever ends with the test.
    """
    sock = bind_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    loop = asyncio.new_event_loop()
    started = threading.Event()
    stop: asyncio.Event | None = None

    async def main() -> None:
        nonlocal stop
        stop = asyncio.Event()
        server = await asyncio.start_server(handler, sock=sock)
        started.set()
        async with server:
            await stop.wait()
            server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

    thread = threading.Thread(
        target=loop.run_until_complete, args=(main(),), name=f"zoo-raw-{port}", daemon=True
    )
    thread.start()
    if not started.wait(_START_TIMEOUT_S):
        raise RuntimeError(f"raw zoo server on port {port} did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        assert stop is not None
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=10)
        with contextlib.suppress(RuntimeError):
            loop.close()
        sock.close()
