"""H1: a request line in absolute form is served exactly like the same request in origin form.

RFC 9112 §3.2.2 says a server MUST accept `POST http://host:port/sms/1/text/advanced HTTP/1.1`, and
the v1 client (`infobip-api-python-client` 2.3.0) sends exactly that. uvicorn's httptools protocol
parses the target into a path; its h11 protocol hands the target over as it came, so the router
would see `http://host:port/sms/...` and answer 404. This middleware makes both protocols agree by
reducing an absolute-form target to its path before routing, whatever parser is installed.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["AbsoluteFormMiddleware", "origin_form_path"]

_SCHEMES = ("http://", "https://")


def origin_form_path(target: str) -> str | None:
    """The path of an absolute-form target (`http://h:1/p` → `/p`), or None for any other form."""
    if not target[:8].lower().startswith(_SCHEMES):
        return None
    path = urlsplit(target).path
    return path if path.startswith("/") else "/" + path


class AbsoluteFormMiddleware:
    """Rewrites `scope["path"]` and `scope["raw_path"]` of an absolute-form request line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw_path = scope.get("raw_path")
            raw = raw_path.decode("latin-1") if isinstance(raw_path, bytes) else None
            origin = origin_form_path(raw) if raw is not None else None
            if origin is None:
                origin_path = origin_form_path(scope["path"])
                if origin_path is not None:
                    scope = {**scope, "path": origin_path}
            else:
                scope = {
                    **scope,
                    "path": unquote(origin),
                    "raw_path": origin.encode("latin-1"),
                }
        await self.app(scope, receive, send)
