"""Locust's `--web-login`, set up as Locust's documentation shows (a secret key, a user loader and a
login route), for tests/load/test_live_traffic_paths.py: the kit's guard must sit behind it."""

from __future__ import annotations

import secrets
from typing import Any

from flask import redirect, request, url_for
from flask_login import UserMixin, login_user
from locust import events

PASSWORD = "let-me-in"  # a fixed password for a test UI on loopback


class Operator(UserMixin):  # type: ignore[misc]
    def __init__(self, username: str) -> None:
        self.id = username


def _set_up_login(environment: Any, **_: Any) -> None:
    web_ui = environment.web_ui
    if web_ui is None:
        return
    web_ui.app.config["SECRET_KEY"] = secrets.token_hex(16)
    web_ui.auth_args = {"username_password_callback": "/login_submit"}

    @web_ui.login_manager.user_loader  # type: ignore[untyped-decorator]
    def load_user(user_id: str) -> Operator:
        return Operator(user_id)

    @web_ui.app.route("/login_submit", methods=["POST"])  # type: ignore[untyped-decorator]
    def login_submit() -> Any:
        if request.form.get("password") != PASSWORD:
            return redirect(url_for("locust.login"))
        login_user(Operator(str(request.form.get("username"))))
        return redirect(url_for("locust.index"))


events.init.add_listener(_set_up_login)  # type: ignore[no-untyped-call]
