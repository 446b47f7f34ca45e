"""``?_bom=1`` on any ``.csv`` URL: the CSV starts with a UTF-8 byte order mark, so Excel reads it as UTF-8.

Without the mark Excel opens UTF-8 CSV in the system's legacy code page and Chinese text comes out garbled.
The mark is only added on request: other tools would take it for part of the first column's name.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl

from datasette import hookimpl

BOM = "\ufeff".encode()

ASGIApp = Callable[..., Awaitable[None]]


def wants_bom(scope) -> bool:
    if not scope.get("path", "").endswith(".csv"):
        return False
    query = scope.get("query_string", b"").decode("latin-1")
    return dict(parse_qsl(query)).get("_bom") == "1"


@hookimpl
def asgi_wrapper() -> Callable[[ASGIApp], ASGIApp]:
    def wrap(app: ASGIApp) -> ASGIApp:
        async def app_with_bom(scope, receive, send) -> None:
            if scope["type"] != "http" or not wants_bom(scope):
                await app(scope, receive, send)
                return
            state = {"ok": False, "sent": False}

            async def send_with_bom(message) -> None:
                if message["type"] == "http.response.start":
                    state["ok"] = message["status"] == 200
                    if state["ok"]:
                        headers = message.get("headers", [])
                        kept = [(k, v) for k, v in headers if k.lower() != b"content-length"]
                        message = {**message, "headers": kept}
                elif message["type"] == "http.response.body" and state["ok"] and not state["sent"]:
                    state["sent"] = True
                    message = {**message, "body": BOM + message.get("body", b"")}
                await send(message)

            await app(scope, receive, send_with_bom)

        return app_with_bom

    return wrap
