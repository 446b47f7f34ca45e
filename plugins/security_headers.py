"""Security headers on every response: a Content-Security-Policy without 'unsafe-inline' scripts, and friends.

Article text, captions, titles and tags come from scraped pages. Templates escape them; the policy is the
second wall: even if markup slipped through, the browser would run no script the site did not ship.
Scripts may come from our own origin, or be one of the inline scripts Datasette and its plugins write,
each allowed by its SHA-256 hash (computed once from the running site, so upgrades need no edits here):

- static ``<script>`` blocks in any template (Datasette's menu and SQL-editor helpers, ours);
- Datasette's table-page facet flag (``DATASETTE_ALLOW_FACET = true;``);
- the ``extra_body_script`` output of installed plugins (datasette-leaflet, datasette-cluster-map)
  for pages with and without latitude/longitude columns.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Awaitable, Callable, Iterable

from datasette import hookimpl
from datasette.plugins import pm
from datasette.utils import await_me_maybe

# An inline script block (no src attribute) in a template's source.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>", re.S | re.I)
JINJA = re.compile(r"{{|{%")
# Column sets that make datasette-cluster-map write its configuration script (None: no map on the page).
MAP_COLUMN_SETS = [None, ["latitude", "longitude"], ["lat", "lon"], ["lat", "lng"], ["lat", "long"]]
MAP_VIEWS = [("table.html", "table"), ("query.html", "database"), ("row.html", "row")]

STATIC_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    # Article images load from the original sites: they must not learn which page of ours showed them.
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "cross-origin-opener-policy": "same-origin",
}


def script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def content_security_policy(script_hashes: Iterable[str]) -> str:
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


def template_scripts(env) -> set[str]:
    """Inline scripts written literally (no Jinja inside) in any template the site can render."""
    scripts = set()
    for name in env.list_templates(extensions=["html"]):
        source = env.loader.get_source(env, name)[0]
        scripts.update(body for body in INLINE_SCRIPT.findall(source) if not JINJA.search(body))
    return scripts


async def plugin_body_scripts(datasette) -> set[str]:
    """What extra_body_script hooks write, for pages with and without map columns."""
    scripts = set()
    for database in datasette.databases:
        for template, view_name in MAP_VIEWS:
            for columns in MAP_COLUMN_SETS:
                results = pm.hook.extra_body_script(
                    template=template, database=database, table=None, columns=columns,
                    view_name=view_name, request=None, datasette=datasette)
                for result in results:
                    result = await await_me_maybe(result)
                    scripts.add(str(result["script"] if isinstance(result, dict) else result))
    return scripts


class SecurityHeaders:
    """The header list, built on the first request (plugin hooks need the running Datasette)."""

    def __init__(self, datasette) -> None:
        self.datasette = datasette
        self._headers: list[tuple[bytes, bytes]] | None = None

    async def headers(self) -> list[tuple[bytes, bytes]]:
        if self._headers is None:
            facet_flag = "true" if self.datasette.setting("allow_facet") else "false"
            scripts = template_scripts(self.datasette.jinja_env)
            scripts |= await plugin_body_scripts(self.datasette)
            scripts.add(f"DATASETTE_ALLOW_FACET = {facet_flag};")  # datasette/templates/table.html
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


@hookimpl
def asgi_wrapper(datasette) -> Callable[[ASGIApp], ASGIApp]:
    security = SecurityHeaders(datasette)

    def wrap(app: ASGIApp) -> ASGIApp:
        async def app_with_headers(scope, receive, send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            headers = await security.headers()

            async def send_with_headers(message) -> None:
                if message["type"] == "http.response.start":
                    message = {**message, "headers": with_headers(headers, list(message.get("headers", [])))}
                await send(message)

            await app(scope, receive, send_with_headers)

        return app_with_headers

    return wrap
