"""Datasette's introspection pages stay private: only what the public site needs under ``/-/`` answers.

``/-/databases.json`` gives the file's real path, ``/-/threads.json`` the process's threads and user,
``/-/versions.json`` the SQLite build options, ``/-/plugins.json`` and ``/-/settings.json`` the
installation; the debug pages (permissions, messages, patterns...) have no use for readers. An allow-list:
the static files (Datasette's and its plugins') and a trimmed ``/-/versions.json`` (Datasette and SQLite
versions, which say what the downloadable file needs) are answered; every other ``/-/`` path, at the top or
under a database or table, is a 404.
"""

from __future__ import annotations

import sqlite3

from datasette import Response, hookimpl
from datasette.utils.asgi import NotFound
from datasette.version import __version__

PUBLIC = r"static/|static-plugins/|versions\.json$"
HIDDEN = rf"^(?:/[^/]+){{0,2}}/-/(?!{PUBLIC})"


async def hidden(request) -> Response:
    raise NotFound("Page not found.")


async def versions() -> Response:
    return Response.json({"datasette": {"version": __version__},
                          "sqlite": {"version": sqlite3.sqlite_version}})


@hookimpl
def register_routes() -> list:
    # Plugin routes are matched before Datasette's own, so these replace its introspection views.
    return [(r"^/-/versions\.json$", versions), (HIDDEN, hidden)]
