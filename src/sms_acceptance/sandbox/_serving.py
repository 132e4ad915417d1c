"""Serving the sandbox app with uvicorn: in a thread of this process, or in the foreground.

We bind the listening socket ourselves and hand it to uvicorn. That gives a free port without a race
(port 0, then read the port back), a clear one-line error when the port is taken, and a socket that
accepts connections before the first request is sent.
"""

from __future__ import annotations

import asyncio
import gc
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn

from ._app import create_app
from ._config import SandboxConfig
from ._tls import SandboxTls
from ._wire_errors import EnvelopeOnParseErrorProtocol

__all__ = ["RunningSandbox", "SandboxStartError", "bind_socket", "running_sandbox", "serve_forever"]

# Long enough for in-flight requests to finish, short enough that a stalled one cannot hold up a
# test run's teardown.
_GRACEFUL_SHUTDOWN_SECONDS = 2


class SandboxStartError(RuntimeError):
    """The sandbox could not start; the message is one line saying why."""


@dataclass(frozen=True)
class RunningSandbox:
    """A started sandbox: where to send requests, and with what configuration."""

    host: str
    port: int
    config: SandboxConfig
    tls: bool = False

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT` (`https://` over TLS), the `baseUrl` a client joins the
        endpoint path to."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"

    @property
    def endpoint_url(self) -> str:
        """The full URL of the send endpoint."""
        return self.base_url + self.config.endpoint_path


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on `host:port` (0: a free port), or a one-line `SandboxStartError`."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as error:
        raise SandboxStartError(f"cannot listen on {host}:{port}: unknown host ({error})") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as error:
        sock.close()
        reason = error.strerror or str(error)
        raise SandboxStartError(f"cannot listen on {host}:{port}: {reason.lower()}") from None
    return sock


def _server(
    config: SandboxConfig, *, log_level: str | None = None, tls: SandboxTls | None = None
) -> uvicorn.Server:
    uvicorn_config = uvicorn.Config(
        create_app(config),
        http=EnvelopeOnParseErrorProtocol,
        lifespan="off",
        access_log=False,  # our own debug line per request replaces it, without header values
        log_config=None,  # leave the host process's logging alone
        log_level=log_level,
        timeout_graceful_shutdown=_GRACEFUL_SHUTDOWN_SECONDS,
        server_header=False,
        **({} if tls is None else tls.checked().uvicorn_options()),
    )
    return uvicorn.Server(uvicorn_config)


@contextmanager
def running_sandbox(
    config: SandboxConfig,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    startup_timeout: float = 10.0,
    tls: SandboxTls | None = None,
) -> Iterator[RunningSandbox]:
    """A sandbox served by uvicorn in a thread of this process, ready before it yields.

    For tests and the pytest plugin. On exit the server stops (in-flight requests get
    `_GRACEFUL_SHUTDOWN_SECONDS`) and the thread is joined.
    """
    try:
        server = _server(config, tls=tls)
    except ValueError as error:
        raise SandboxStartError(str(error)) from None
    sock = bind_socket(host, port)
    bound_host, bound_port = sock.getsockname()[:2]
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"sandbox:{bound_port}", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + startup_timeout
        while not server.started:
            if not thread.is_alive():
                raise SandboxStartError(
                    f"the sandbox on {host}:{bound_port} stopped while starting"
                )
            if time.monotonic() > deadline:
                raise SandboxStartError(f"the sandbox did not start within {startup_timeout:g} s")
            thread.join(0.005)
        yield RunningSandbox(host=bound_host, port=bound_port, config=config, tls=tls is not None)
    finally:
        server.should_exit = True
        thread.join(_GRACEFUL_SHUTDOWN_SECONDS + 5)
        if thread.is_alive():
            server.force_exit = True
            thread.join(5)
        sock.close()


def serve_forever(
    config: SandboxConfig,
    sock: socket.socket,
    *,
    on_ready: Callable[[RunningSandbox], None],
    log_level: str = "warning",
    tls: SandboxTls | None = None,
) -> None:
    """Serve on `sock` in the foreground until SIGINT/SIGTERM (the CLI and `SandboxProcess`)."""
    server = _server(config, log_level=log_level, tls=tls)
    bound_host, bound_port = sock.getsockname()[:2]
    # Everything built so far (modules, schemas, compiled validators) lives as long as the
    # process: keep it out of the collector's full passes, which then only see request garbage.
    gc.collect()
    gc.freeze()

    async def serve() -> None:
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started and not task.done():
            await asyncio.sleep(0.005)
        if server.started:
            on_ready(
                RunningSandbox(host=bound_host, port=bound_port, config=config, tls=tls is not None)
            )
        await task

    asyncio.run(serve())
