"""The public site only reads: requests other than GET or HEAD get a 405 before Datasette sees them.

The database is already opened immutable; this also keeps POSTs away from Datasette's write endpoints and
canned-query handlers (a POST to a read-only canned query otherwise ends in a 500).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from datasette import hookimpl

READ_METHODS = frozenset({"GET", "HEAD"})

ASGIApp = Callable[..., Awaitable[None]]


async def method_not_allowed(send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 405,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"allow", b"GET, HEAD")],
        }
    )
    await send({"type": "http.response.body", "body": b"This site is read-only.\n"})


@hookimpl
def asgi_wrapper() -> Callable[[ASGIApp], ASGIApp]:
    def wrap(app: ASGIApp) -> ASGIApp:
        async def read_only_app(scope, receive, send) -> None:
            if scope["type"] == "http" and scope["method"] not in READ_METHODS:
                await method_not_allowed(send)
                return
            await app(scope, receive, send)

        return read_only_app

    return wrap
