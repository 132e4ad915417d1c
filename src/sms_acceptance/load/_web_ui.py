"""Locust's web UI and master socket stay on loopback, and the UI cannot retarget a run unguarded.

- Binding: Locust binds its web UI and its master socket on every interface by default, with no
  login. Anyone who could reach them could start a run against a server of their own and receive
  the `Authorization` header (a worker connecting to a master receives the credential with the
  options). So the kit's defaults are `127.0.0.1`; `--web-host` / `--master-bind-host` (or
  `LOCUST_WEB_HOST`, `locust.conf`) given explicitly win, as Locust's own options do.
- The start form (`POST /swarm`, at every start and every change) and the user-settings form
  (`POST /user`) are checked before Locust acts on them: a host the live-traffic guard refuses, or
  a change to one of the kit's own options (`/swarm` would otherwise rewrite any parsed option,
  `--allow-live-traffic` included), is answered with one line that the UI shows under its start
  button; the line is logged and a running test is stopped. `--web-login` keeps working: a request
  that is not logged in goes straight to Locust, which asks for the login first.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

from locust.runners import STATE_RUNNING, STATE_SPAWNING

from sms_acceptance._live_guard import LiveTrafficRefused

from ._options import KIT_OPTION_DESTS
from ._run import LoadRun

LOOPBACK = "127.0.0.1"
_logger = logging.getLogger("sms_acceptance.load")


def bind_to_loopback_by_default(parser: Any) -> None:
    """Make `127.0.0.1` the default of `--web-host` and `--master-bind-host` (help updated)."""
    parser.set_defaults(web_host=LOOPBACK, master_bind_host=LOOPBACK)
    for action in parser._actions:
        if action.dest == "web_host":
            action.help = (
                "Host to bind the web interface to. sms-acceptance default: 127.0.0.1 (loopback "
                "only); '*' for all interfaces"
            )
        elif action.dest == "master_bind_host":
            action.help = (
                "IP address for the master to listen on. sms-acceptance default: 127.0.0.1 "
                "(loopback only; workers receive the credential); '*' for all interfaces"
            )


def _host_problem(run: LoadRun, host: str) -> str | None:
    if not host:
        return None  # Locust keeps the previous host; nothing new to judge
    try:
        run.live_guard.check_target(host)
    except LiveTrafficRefused as refused:
        return str(refused)
    return None


def swarm_form_problem(run: LoadRun, form: Any) -> str | None:
    """Why `POST /swarm` with `form` must be refused, or None."""
    for name in form:
        if name in KIT_OPTION_DESTS:
            option = "--" + name.replace("_", "-")
            return (
                f"refusing {option} from the web UI: the kit's options are set on the command line"
            )
    if "host" in form:
        # The exact value Locust would set as `environment.host`.
        return _host_problem(run, str(form["host"]).replace("<", "").replace(">", ""))
    return None


def user_settings_problem(run: LoadRun, data: bytes) -> str | None:
    """Why `POST /user` with `data` must be refused, or None (Locust answers malformed JSON)."""
    try:
        settings = json.loads(data)
    except ValueError:
        return None
    if isinstance(settings, dict) and "host" in settings:
        return _host_problem(run, str(settings["host"] or ""))
    return None


def protect_web_ui(web_ui: Any, environment: Any, run: LoadRun) -> None:
    """Put the guard in front of the web UI's two ways to change a target."""
    from flask import jsonify, request

    def refusal(problem: str) -> Any:
        _logger.error("sms-acceptance: %s", problem)
        runner = environment.runner
        if runner is not None and runner.state in (STATE_SPAWNING, STATE_RUNNING):
            runner.stop()
        return jsonify({"success": False, "message": problem, "host": environment.host})

    checks: dict[str, Callable[[], str | None]] = {
        "locust.swarm": lambda: swarm_form_problem(run, request.form),
        "locust.update_user": lambda: user_settings_problem(run, request.get_data()),
    }
    app = web_ui.app
    for endpoint, check in checks.items():
        view = app.view_functions.get(endpoint)
        if view is None:
            raise RuntimeError(f"Locust's web UI has no {endpoint!r} view to guard")
        app.view_functions[endpoint] = _guarded(view, check, refusal, web_ui)


def _guarded(
    view: Callable[..., Any],
    check: Callable[[], str | None],
    refusal: Callable[[str], Any],
    web_ui: Any,
) -> Callable[..., Any]:
    @functools.wraps(view)
    def guarded_view(*args: Any, **kwargs: Any) -> Any:
        if web_ui.web_login and not _logged_in():
            return view(*args, **kwargs)  # Locust's --web-login answers first
        problem = check()
        return view(*args, **kwargs) if problem is None else refusal(problem)

    return guarded_view


def _logged_in() -> bool:
    from flask_login import current_user

    return bool(current_user.is_authenticated)
