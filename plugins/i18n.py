"""The site in simplified Chinese and English: language choice, the gettext catalogue, Jinja's i18n extension.

Templates mark text with ``{{ _("...") }}`` / ``{% trans %}`` (English is the source language);
``locales/zh/LC_MESSAGES/messages.po`` holds the Chinese, compiled in memory at import with Babel (no
``.mo`` files to keep in step). ``make messages`` extracts new strings into the catalogue.

The language of a request, first match wins:
1. ``?lang=zh`` or ``?lang=en`` on any URL (linkable); it is remembered in a ``lang`` cookie;
2. the ``lang`` cookie;
3. the browser's ``Accept-Language`` (the first of zh or en it names);
4. Chinese, the language of most articles.

The choice is kept in a context variable for the whole request, so error pages (which Datasette renders
without plugin template variables) are translated too; responses say ``Vary: Accept-Language, Cookie``.
"""

from __future__ import annotations

import contextvars
import io
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from datasette import hookimpl

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
# BCP 47 tags for lang attributes.
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
LOCALES = Path(__file__).resolve().parents[1] / "locales"


def load_translations(language: str) -> NullTranslations:
    """The catalogue for a language, compiled from its .po file in memory (English needs none)."""
    po = LOCALES / language / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return NullTranslations()
    with po.open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


TRANSLATIONS = {language: load_translations(language) for language in LANGUAGES}


class RequestLanguage(NamedTuple):
    """The language chosen for the request being answered, and its URL (for the switch and page links)."""

    language: str
    path: str = "/"
    query: str = ""  # without the lang argument


NO_REQUEST = RequestLanguage(DEFAULT_LANGUAGE)  # templates rendered outside a request
_current: contextvars.ContextVar[RequestLanguage] = contextvars.ContextVar(
    "request_language", default=NO_REQUEST
)


def from_accept_language(header: str) -> str | None:
    """The first of our languages the header names, by its q weights (``zh-TW``, ``zh-Hans`` count as zh)."""
    choices = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and weight > 0:
            choices.append((-weight, position, primary))
    return min(choices)[2] if choices else None


def choose_language(query_lang: str | None, cookie_lang: str | None, accept_language: str) -> str:
    """The request's language: ?lang=, then the cookie, then Accept-Language, then Chinese."""
    for candidate in (query_lang, cookie_lang):
        if candidate in LANGUAGES:
            return candidate
    return from_accept_language(accept_language) or DEFAULT_LANGUAGE


def current_language() -> str:
    """The language of the page being rendered: "zh" or "en"."""
    return _current.get().language


def html_lang(language: str | None = None) -> str:
    """The BCP 47 tag for a ``lang`` attribute (zh-Hans, en)."""
    return HTML_LANG[language or current_language()]


def language_url(language: str) -> str:
    """The current page's URL with ``lang`` set to ``language`` (the switch's link)."""
    request = _current.get()
    pairs = [(k, v) for k, v in parse_qsl(request.query, keep_blank_values=True) if k != "lang"]
    return f"{request.path}?{urlencode([*pairs, ('lang', language)])}"


def current_url_with(changes: dict) -> str:
    """The current page's URL with some query arguments replaced (a None value removes the argument)."""
    request = _current.get()
    pairs = [(k, v) for k, v in parse_qsl(request.query, keep_blank_values=True) if k not in changes]
    pairs += [(k, str(v)) for k, v in changes.items() if v is not None]
    return f"{request.path}?{urlencode(pairs)}" if pairs else request.path


def current_url_prefix(argument: str, changes: dict | None = None) -> str:
    """The current URL (with ``changes``) ending in ``argument=``, for links that append a value."""
    url = current_url_with({**(changes or {}), argument: None})
    return f"{url}{'&' if '?' in url else '?'}{argument}="


def gettext(message: str) -> str:
    return TRANSLATIONS[current_language()].gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return TRANSLATIONS[current_language()].ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return TRANSLATIONS[current_language()].pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return TRANSLATIONS[current_language()].npgettext(context, singular, plural, n)


def in_language(english: str | None, chinese: str | None) -> str | None:
    """Pick the text for the page's language from an English/Chinese pair (falling back to the other)."""
    if current_language() == "zh":
        return chinese or english
    return english or chinese


@hookimpl
def prepare_jinja2_environment(env) -> None:
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext)
    env.globals.update(
        current_language=current_language,
        html_lang=html_lang,
        language_url=language_url,
        current_url_with=current_url_with,
        current_url_prefix=current_url_prefix,
        in_language=in_language,
        site_languages=LANGUAGES,
    )


def request_cookie(headers: list[tuple[bytes, bytes]], name: str) -> str | None:
    for key, value in headers:
        if key == b"cookie":
            cookie = SimpleCookie()
            try:
                cookie.load(value.decode("latin-1"))
            except Exception:  # a malformed Cookie header is no language preference
                return None
            if name in cookie:
                return cookie[name].value
    return None


ASGIApp = Callable[..., Awaitable[None]]


# trylast: outside every other wrapper but the security headers (also trylast), so error pages that
# plugins/errors.py renders for refused or failed requests are in the reader's language too.
@hookimpl(trylast=True)
def asgi_wrapper() -> Callable[[ASGIApp], ASGIApp]:
    def wrap(app: ASGIApp) -> ASGIApp:
        async def app_in_language(scope, receive, send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            # ?lang= is ours alone: Datasette would take it for a column filter on table pages.
            # latin-1 both ways gives back the request's bytes exactly, escaped or not.
            raw = scope.get("query_string", b"").decode("latin-1")
            pairs = parse_qsl(raw, keep_blank_values=True, encoding="latin-1")
            query_lang = dict(pairs).get("lang")
            query = urlencode([(k, v) for k, v in pairs if k != "lang"], encoding="latin-1")
            if query_lang is not None:
                scope = {**scope, "query_string": query.encode("latin-1")}
            headers = scope.get("headers", [])
            cookie_lang = request_cookie(headers, COOKIE)
            accept = next((v.decode("latin-1") for k, v in headers if k == b"accept-language"), "")
            language = choose_language(query_lang, cookie_lang, accept)
            token = _current.set(RequestLanguage(language, scope.get("path", "/"), query))
            remember = query_lang in LANGUAGES and query_lang != cookie_lang

            async def send_in_language(message) -> None:
                if message["type"] == "http.response.start":
                    extra = [
                        (b"vary", b"Accept-Language, Cookie"),
                        (b"content-language", HTML_LANG[language].encode()),
                    ]
                    if remember:
                        extra.append(
                            (
                                b"set-cookie",
                                (
                                    f"{COOKIE}={language}; Path=/; Max-Age={COOKIE_MAX_AGE}; SameSite=Lax"
                                ).encode(),
                            )
                        )
                    kept = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"vary"]
                    message = {**message, "headers": kept + extra}
                await send(message)

            try:
                await app(scope, receive, send_in_language)
            finally:
                _current.reset(token)

        return app_in_language

    return wrap
