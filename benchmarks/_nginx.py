"""nginx on loopback answering every POST with one fixed, valid response body.

A load generator can only be measured against a target faster than itself; nginx's `return 200`
answers from C with no application code, about ten times what one Python process can send here.
The config is written to a temp dir with every path (pid, logs, temp dirs) inside it, so nginx
runs without root and leaves nothing behind; `daemon off` keeps it our child, stopped by its pid.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from benchmarks._output import BenchmarkError, require_executable
from benchmarks._processes import LOOPBACK, ServerProcess, free_port

NGINX_INSTALL_HINT = "install it with `apt-get install nginx wrk`"

_CONFIG = """\
worker_processes {workers};
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    log_format served '$msec';
    access_log {access_log};
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    keepalive_requests 100000000;
    keepalive_timeout 120s;
    client_max_body_size 16m;
    server {{
        listen {host}:{port};
        location = {path} {{
            default_type application/json;
            return 200 '{body}';
        }}
    }}
}}
"""


def _nginx_string(body: str) -> str:
    """The body as the inside of a single-quoted nginx string (`$` would start a variable)."""
    if "$" in body:
        raise BenchmarkError("the fixed nginx body must not contain `$` (nginx variables)")
    return body.replace("\\", "\\\\").replace("'", "\\'")


class NginxTarget:
    """`with NginxTarget(body) as target:` nginx answers `target.url` with `body` (status 200).

    With `count=True` nginx logs the time of every answer (`$msec`, unbuffered) to `answers_log`:
    the same yardstick for every load generator (`_window.py`), whose own figures would include
    their start-up and ramp, which differ.
    """

    def __init__(
        self,
        body: str,
        *,
        path: str = "/sms/1/text/advanced",
        workers: int = 1,
        count: bool = False,
    ) -> None:
        self.body = body
        self.path = path
        self.workers = workers
        self.count = count
        self._root: Path | None = None
        self._server: ServerProcess | None = None
        self._stack = contextlib.ExitStack()

    @property
    def answers_log(self) -> Path:
        """With `count=True`: the time of every answer, epoch seconds, one a line."""
        if self._root is None or not self.count:
            raise BenchmarkError("nginx is not running with count=True")
        return self._root / "access.log"

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise BenchmarkError("nginx is not running")
        return self._server.base_url

    @property
    def url(self) -> str:
        return self.base_url + self.path

    @property
    def pid(self) -> int:
        if self._server is None:
            raise BenchmarkError("nginx is not running")
        return self._server.pid

    def __enter__(self) -> NginxTarget:
        nginx = require_executable("nginx", NGINX_INSTALL_HINT)
        # The temp dir goes when nginx has stopped, also when nginx fails to start.
        with contextlib.ExitStack() as stack:
            root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sms-bench-nginx-")))
            port = free_port()
            config = root / "nginx.conf"
            config.write_text(
                _CONFIG.format(
                    workers=self.workers,
                    root=root,
                    host=LOOPBACK,
                    port=port,
                    path=self.path,
                    body=_nginx_string(self.body),
                    access_log=f"{root / 'access.log'} served" if self.count else "off",
                )
            )
            server = ServerProcess(
                [nginx, "-p", str(root), "-e", str(root / "error.log"), "-c", str(config)],
                port=port,
                what="nginx",
                log_path=root / "stdout.log",
                start_timeout=10,
            )
            self._server = stack.enter_context(server)
            self._root = root
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()
