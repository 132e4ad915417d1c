"""Serving an ASGI app with uvicorn on loopback: in a thread of this process, or in the foreground.

The one way the kit serves HTTP: the sandbox, the project's broken test servers and the benchmarks'
own servers all go through `serve_on_loopback` / `serve_app_forever`, so each is served with the
same uvicorn settings and a figure or verdict never measures a difference of serving code.

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
from typing import Any, Literal

import uvicorn

from ._app import create_app
from ._config import SandboxConfig
from ._tls import SandboxTls
from ._wire_errors import EnvelopeOnParseErrorProtocol

__all__ = [
    "LoopbackServer",
    "RunningSandbox",
    "SandboxStartError",
    "bind_socket",
    "running_sandbox",
    "serve_app_forever",
    "serve_forever",
    "serve_on_loopback",
]

# Long enough for in-flight requests to finish, short enough that a stalled one cannot hold up a
# test run's teardown.
_GRACEFUL_SHUTDOWN_SECONDS = 2


class SandboxStartError(RuntimeError):
    """The sandbox (or another served app) could not start; the message is one line saying why."""


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@dataclass(frozen=True)
class LoopbackServer:
    """A started server: where it listens."""

    host: str
    port: int

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT`."""
        return f"http://{_url_host(self.host)}:{self.port}"


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
        return f"{'https' if self.tls else 'http'}://{_url_host(self.host)}:{self.port}"

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


Lifespan = Literal["on", "off"]


def _server(
    app: Any,
    *,
    http: type[asyncio.Protocol] | str = "auto",
    lifespan: Lifespan = "off",
    log_level: str | None = None,
    graceful_shutdown_s: int = _GRACEFUL_SHUTDOWN_SECONDS,
    tls: SandboxTls | None = None,
) -> uvicorn.Server:
    uvicorn_config = uvicorn.Config(
        app,
        http=http,
        lifespan=lifespan,
        access_log=False,  # the sandbox's own debug line per request replaces it, without headers
        log_config=None,  # leave the host process's logging alone
        log_level=log_level,
        timeout_graceful_shutdown=graceful_shutdown_s,
        server_header=False,
        **({} if tls is None else tls.checked().uvicorn_options()),
    )
    return uvicorn.Server(uvicorn_config)


@contextmanager
def _in_a_thread(
    server: uvicorn.Server, sock: socket.socket, startup_timeout: float, what: str = "the server"
) -> Iterator[LoopbackServer]:
    """Run `server` on `sock` in a daemon thread until the block ends; ready before it yields."""
    bound_host, bound_port = sock.getsockname()[:2]
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"serve:{bound_port}", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + startup_timeout
        while not server.started:
            if not thread.is_alive():
                raise SandboxStartError(f"{what} on port {bound_port} stopped while starting")
            if time.monotonic() > deadline:
                raise SandboxStartError(f"{what} did not start within {startup_timeout:g} s")
            thread.join(0.005)
        yield LoopbackServer(host=bound_host, port=bound_port)
    finally:
        server.should_exit = True
        thread.join((server.config.timeout_graceful_shutdown or 0) + 5)
        if thread.is_alive():
            server.force_exit = True
            thread.join(5)
        sock.close()


@contextmanager
def serve_on_loopback(
    app: Any,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    lifespan: Lifespan = "off",
    log_level: str | None = None,
    graceful_shutdown_s: int = _GRACEFUL_SHUTDOWN_SECONDS,
    startup_timeout: float = 10.0,
    http: type[asyncio.Protocol] | str = "auto",
) -> Iterator[LoopbackServer]:
    """Any ASGI app served by uvicorn in a thread of this process (tests, the project's broken
    servers), with the sandbox's settings; ready before it yields, stopped when the block ends.

    `log_level="critical"` keeps an app that is broken on purpose from printing its tracebacks;
    `http` forces uvicorn's HTTP parser (`h11` hands an absolute-form target over unparsed).
    """
    server = _server(
        app,
        http=http,
        lifespan=lifespan,
        log_level=log_level,
        graceful_shutdown_s=graceful_shutdown_s,
    )
    with _in_a_thread(server, bind_socket(host, port), startup_timeout) as served:
        yield served


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
        server = _server(create_app(config), http=EnvelopeOnParseErrorProtocol, tls=tls)
    except ValueError as error:  # a missing or unusable TLS file: one line
        raise SandboxStartError(str(error)) from None
    sock = bind_socket(host, port)
    with _in_a_thread(server, sock, startup_timeout, "the sandbox") as served:
        yield RunningSandbox(host=served.host, port=served.port, config=config, tls=tls is not None)


def serve_app_forever(
    app: Any,
    sock: socket.socket,
    *,
    on_ready: Callable[[LoopbackServer], None] | None = None,
    log_level: str = "warning",
    http: type[asyncio.Protocol] | str = "auto",
    freeze_heap: bool = False,
    tls: SandboxTls | None = None,
) -> None:
    """Serve `app` on `sock` in the foreground until SIGINT/SIGTERM (the sandbox's CLI and child
    process, the benchmarks' servers). `freeze_heap`: everything built before serving (modules,
    schemas, compiled validators) lives as long as the process, so keep it out of the collector's
    full passes, which then only see request garbage."""
    server = _server(app, http=http, log_level=log_level, tls=tls)
    bound_host, bound_port = sock.getsockname()[:2]
    if freeze_heap:
        gc.collect()
        gc.freeze()

    async def serve() -> None:
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started and not task.done():
            await asyncio.sleep(0.005)
        if server.started and on_ready is not None:
            on_ready(LoopbackServer(host=bound_host, port=bound_port))
        await task

    asyncio.run(serve())


def serve_forever(
    config: SandboxConfig,
    sock: socket.socket,
    *,
    on_ready: Callable[[RunningSandbox], None],
    log_level: str = "warning",
    tls: SandboxTls | None = None,
) -> None:
    """Serve the sandbox on `sock` in the foreground until SIGINT/SIGTERM (the CLI and
    `SandboxProcess`)."""

    def ready(served: LoopbackServer) -> None:
        on_ready(
            RunningSandbox(host=served.host, port=served.port, config=config, tls=tls is not None)
        )

    serve_app_forever(
        create_app(config),
        sock,
        on_ready=ready,
        log_level=log_level,
        http=EnvelopeOnParseErrorProtocol,
        freeze_heap=True,
        tls=tls,
    )
