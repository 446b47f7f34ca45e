"""Every error goes through Datasette's error rendering (``handle_exception``), with no Python internals.

Two gaps closed here:

- Datasette shows ``str(exception)`` for unexpected errors ("coroutine raised StopIteration", "'through'",
  "Python int too large to convert to SQLite INTEGER"). ``public_error`` turns every exception that is
  not already meant for readers into one that is: a time-out, a number out of range, a refused query, or a
  plain "server error" (the traceback still goes to the log);
- an exception that escapes the Datasette app (a custom page such as /search whose query times out, or
  a limit enforced by another plugin's ASGI wrapper) used to reach uvicorn, which answered a bare 500
  without our headers. ``asgi_wrapper`` catches it and renders it like any other error.

Other plugins signal errors by raising Datasette's ``Base400`` (``BadRequest``, ``NotFound``, or a subclass
with another status) or ``DatasetteError``; headers an error must carry (Allow, Retry-After) go in the
exception's ``headers`` attribute. The page itself is whatever the other ``handle_exception`` hooks make
(Datasette's renders the site's ``error.html``; API paths ending in ``.json`` get JSON).
"""

from __future__ import annotations

import sqlite3
import traceback
from collections.abc import Awaitable, Callable

from datasette import Response, hookimpl
from datasette.database import QueryInterrupted
from datasette.plugins import pm
from datasette.utils import await_me_maybe
from datasette.utils.asgi import BadRequest, Base400, Request
from datasette.views.base import DatasetteError

ASGIApp = Callable[..., Awaitable[None]]


def public_error(exception: BaseException) -> Exception | None:
    """What a reader is shown instead of ``exception``; None when it is already meant for readers."""
    if isinstance(exception, DatasetteError) and exception.status == 500:
        # Datasette 0.65 raises its reader-facing errors without a status ("Cannot sort table by x",
        # "Invalid _through", SQLite's complaint about a reader's SQL): the request's fault, not ours.
        return DatasetteError(exception.message, title=exception.title, error_dict=exception.error_dict,
                              status=400, message_is_html=exception.message_is_html)
    if isinstance(exception, Base400 | DatasetteError):
        return None
    if isinstance(exception, QueryInterrupted):
        return DatasetteError(
            "This took longer than the public site's time limit and was stopped. "
            "Try a narrower search or fewer filters.",
            title="SQL Interrupted", status=400)
    if isinstance(exception, OverflowError):
        return BadRequest("A number in the address is too large.")
    if isinstance(exception, sqlite3.DataError | sqlite3.OperationalError) and exception.args:
        # SQLite's and our limits' own words ("string or blob too big", "The result is too large ...").
        return DatasetteError(str(exception.args[0]), title="Query refused", status=400)
    if isinstance(exception, MemoryError):
        return DatasetteError("The server ran short of memory for this request; try again later.",
                              title="Busy", status=503)
    return DatasetteError("Something went wrong on our side. The error has been logged.",
                          title="Server error", status=500)


async def render_error(datasette, request: Request, exception: BaseException) -> Response:
    """The page the other ``handle_exception`` hooks make for a public ``exception``, with its headers.

    As in Datasette's router, every hook runs and the first answer wins.
    """
    arguments = {"datasette": datasette, "request": request, "exception": exception}
    responses = []
    for impl in reversed(pm.hook.handle_exception.get_hookimpls()):  # pluggy's calling order
        if impl.function is not handle_exception:
            hook = impl.function(**{name: arguments[name] for name in impl.argnames})
            response = await await_me_maybe(hook)
            if response is not None:
                responses.append(response)
    response = responses[0]  # Datasette's own hook always answers
    response.headers.update(getattr(exception, "headers", {}))
    return response


@hookimpl(tryfirst=True)
def handle_exception(datasette, request: Request, exception: BaseException):
    shown = public_error(exception)
    if shown is None and not getattr(exception, "headers", None):
        return None  # Datasette's own rendering is right as it is

    async def inner() -> Response:
        return await render_error(datasette, request, shown or exception)

    return inner


@hookimpl
def asgi_wrapper(datasette) -> Callable[[ASGIApp], ASGIApp]:
    def wrap(app: ASGIApp) -> ASGIApp:
        async def app_with_errors(scope, receive, send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            started = False

            async def tracking_send(message) -> None:
                nonlocal started
                started = started or message["type"] == "http.response.start"
                await send(message)

            try:
                await app(scope, receive, tracking_send)
            except Exception as exception:
                if started:  # part of the response is out: nothing sound can follow
                    raise
                shown = public_error(exception)
                if shown is not None and shown.status >= 500:
                    traceback.print_exc()
                response = await render_error(datasette, Request(scope, receive), shown or exception)
                await response.asgi_send(send)

        return app_with_errors

    return wrap
