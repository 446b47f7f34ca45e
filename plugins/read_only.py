"""The public site only reads: requests other than GET or HEAD get a 405 before Datasette sees them.

The database is already opened immutable; this also keeps POSTs away from Datasette's write endpoints and
canned-query handlers (a POST to a read-only canned query otherwise ends in a 500). The 405 is raised, so
plugins/errors.py renders it like every other error (site page or JSON, security headers).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from datasette import hookimpl
from datasette.utils.asgi import Base400

READ_METHODS = frozenset({"GET", "HEAD"})

ASGIApp = Callable[..., Awaitable[None]]


class MethodNotAllowed(Base400):
    status = 405
    headers: ClassVar[dict[str, str]] = {"Allow": ", ".join(sorted(READ_METHODS))}


# tryfirst: the innermost wrapper, inside the one that turns exceptions into error pages.
@hookimpl(tryfirst=True)
def asgi_wrapper() -> Callable[[ASGIApp], ASGIApp]:
    def wrap(app: ASGIApp) -> ASGIApp:
        async def read_only_app(scope, receive, send) -> None:
            if scope["type"] == "http" and scope["method"] not in READ_METHODS:
                raise MethodNotAllowed("This site is read-only: only GET and HEAD requests are answered.")
            await app(scope, receive, send)

        return read_only_app

    return wrap
