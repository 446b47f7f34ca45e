"""Security headers on every response: a Content-Security-Policy without 'unsafe-inline' scripts, and friends.

Article text, captions, titles and tags come from scraped pages. Templates escape them; the policy is the
second wall: even if markup slipped through, the browser would run no script the site did not ship.
Scripts may come from our own origin, or be one of the inline scripts the site's pages really contain,
each allowed by its SHA-256 hash.

Those hashes are taken from rendered pages, not guessed: before the first response, the plugin renders one
page of every kind the site serves (``representative_paths``: home, custom pages, database and query
pages, one page and one row of every visible table, every canned query, an error page) through Datasette
itself and hashes the inline ``<script>`` elements it finds. Datasette's menu and SQL-editor scripts, the
table page's facet flag and the cluster map's configuration are all picked up that way, for this Datasette
and these plugins; tests/test_attacks_http.py renders more pages and checks every inline script against
the policy. A page whose inline script differs by request (not the case today) would need its variants
rendered here too.

This wrapper is the outermost (trylast), so every response, error pages included, carries the headers.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import sys
import weakref
from collections.abc import Awaitable, Callable, Iterable

from datasette import hookimpl
from datasette.utils import path_from_row_pks
from selectolax.lexbor import LexborHTMLParser

STATIC_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    # Article images load from the original sites: they must not learn which page of ours showed them.
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "cross-origin-opener-policy": "same-origin",
}
# Marks the plugin's own rendering requests (with a per-process secret), which must not wait for the
# policy they help compute.
RENDERING_HEADER = "x-csp-rendering"


def script_hash(script: str) -> str:
    """The CSP source expression allowing one inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def content_security_policy(script_hashes: Iterable[str]) -> str:
    """The policy text, allowing our origin's scripts and the inline scripts with these hashes."""
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *sorted(set(script_hashes))]),
        # Datasette's templates, Leaflet and the cluster map set inline styles; CSS cannot run script.
        "style-src": "'self' 'unsafe-inline'",
        # Article images stay on their sites (a few hundred only over http); map tiles come from
        # https; app.css uses data: icons. An image cannot run script.
        "img-src": "'self' https: http: data:",
        "connect-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "frame-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def inline_scripts(html: str) -> list[str]:
    """The source text of every inline (no ``src``) script element of a page, as the browser hashes it."""
    return [node.text(deep=True, separator="", strip=False)
            for node in LexborHTMLParser(html).css("script") if "src" not in node.attributes]


async def first_row_path(db, table: str) -> str | None:
    """The row path (as in a row page's URL) of one row of ``table``, or None when it is empty."""
    pks = await db.primary_keys(table)
    columns = ", ".join(f"[{pk}]" for pk in pks) if pks else "rowid"
    rows = (await db.execute(f"select {columns} from [{table}] limit 1")).rows
    return path_from_row_pks(rows[0], pks, not pks) if rows else None


async def representative_paths(datasette) -> list[str]:
    """One page of every kind the site serves (each has the inline scripts of its kind)."""
    urls = datasette.urls
    paths = ["/", "/-/no-such-page"]
    paths += ["/" + name.removeprefix("pages/").removesuffix(".html")
              for name in datasette.jinja_env.list_templates(extensions=["html"])
              if name.startswith("pages/") and "{" not in name]
    for name, db in datasette.databases.items():
        if name.startswith("_"):  # _internal: Datasette's own, closed to readers
            continue
        paths += [urls.database(name), urls.database(name) + "?sql=select+1"]
        hidden = set(await db.hidden_table_names())
        for table in await db.table_names():
            if table in hidden:
                continue
            paths.append(urls.table(name, table) + "?_size=1")
            row = await first_row_path(db, table)
            if row:
                paths.append(urls.row(name, table, row))
        paths += [urls.query(name, query) for query in await datasette.get_canned_queries(name, None)]
    return paths


class SecurityHeaders:
    """The header list of one Datasette instance, computed from its rendered pages on the first request."""

    def __init__(self) -> None:
        self.token = secrets.token_hex(16)
        self._headers: list[tuple[bytes, bytes]] | None = None
        self._lock: asyncio.Lock | None = None

    def is_rendering(self, scope) -> bool:
        return (RENDERING_HEADER.encode(), self.token.encode()) in scope.get("headers", [])

    async def rendered_scripts(self, datasette) -> set[str]:
        scripts = set()
        for path in await representative_paths(datasette):
            response = await datasette.client.get(path, headers={RENDERING_HEADER: self.token})
            if response.headers.get("content-type", "").startswith("text/html"):
                scripts.update(inline_scripts(response.text))
        return scripts

    async def headers(self, datasette) -> list[tuple[bytes, bytes]]:
        self._lock = self._lock or asyncio.Lock()  # created inside the server's event loop
        async with self._lock:
            if self._headers is None:
                try:
                    scripts = await self.rendered_scripts(datasette)
                except Exception as error:  # the site still answers, with no inline script allowed
                    print(f"security_headers: pages for the policy failed: {error!r}", file=sys.stderr)
                    scripts = set()
                values = {**STATIC_HEADERS, "content-security-policy": content_security_policy(
                    script_hash(script) for script in scripts)}
                self._headers = [(name.encode(), value.encode()) for name, value in values.items()]
        return self._headers


def with_headers(headers: list[tuple[bytes, bytes]], existing: list[tuple[bytes, bytes]]
                 ) -> list[tuple[bytes, bytes]]:
    """Our headers replace any of the same name the app set."""
    ours = {name for name, _ in headers}
    return [(name, value) for name, value in existing if name.lower() not in ours] + headers


ASGIApp = Callable[..., Awaitable[None]]
# One policy per Datasette instance: Datasette builds its app more than once (its internal client has one).
_policies: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


# trylast: the outermost wrapper, so responses made by other wrappers get the headers too.
@hookimpl(trylast=True)
def asgi_wrapper(datasette) -> Callable[[ASGIApp], ASGIApp]:
    security = _policies.setdefault(datasette, SecurityHeaders())

    def wrap(app: ASGIApp) -> ASGIApp:
        async def app_with_headers(scope, receive, send) -> None:
            if scope["type"] != "http" or security.is_rendering(scope):
                await app(scope, receive, send)
                return
            headers = await security.headers(datasette)

            async def send_with_headers(message) -> None:
                if message["type"] == "http.response.start":
                    message = {**message, "headers": with_headers(headers, list(message.get("headers", [])))}
                await send(message)

            await app(scope, receive, send_with_headers)

        return app_with_headers

    return wrap
