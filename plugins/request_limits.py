"""Caps on what one request may ask for, checked before Datasette runs anything.

Measured before these caps: ``_m2m_people`` repeated 990 times (a 16 KB address) rendered 20 MB of HTML
and held the event loop for seconds; a search of 6,000 OR-ed words ran 17 s inside one uninterruptible
full-text step; every extra ``_facet`` adds a query of up to a second. Each cap answers 400 (414 for an
over-long address) with a message saying what to change:

- the query string: at most ``MAX_QUERY_STRING_BYTES`` (SQL included; real queries are far shorter);
- any one parameter: at most ``MAX_REPEATS`` values (ten people / places / organizations at once);
- facets added by the address (``_facet``, ``_facet_array``, ``_facet_date``, ``_facet_m2m``): at most
  ``MAX_REQUEST_FACETS`` in all, on top of those the site configures;
- a search (``q``, ``_search``, ``_search_<column>``): at most ``MAX_SEARCH_TERMS`` terms as the search
  runs them (``newsarchive.search_text.fts_query``: a Latin word is one term, Chinese text one term per
  character). 64 OR-ed terms take 0.4 s on the 64,000-article corpus, 256 take 4 s.

A refusal is answered after ``REFUSAL_DELAY_SECONDS``: a reader who hits a cap hardly notices, while a
client repeating such requests as fast as it can (15 of them made the home page wait 8 s, each refusal
costing the server ~15 ms of parsing and rendering) is slowed to one request a second per connection.
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import parse_qsl

from datasette import hookimpl
from datasette.utils.asgi import BadRequest, Base400

# Plugins are loaded by path; the repository root makes newsarchive importable (as in plugins/search.py).
REPO_ROOT = str(Path(__file__).resolve().parents[1])
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from newsarchive.search_text import fts_query  # noqa: E402

MAX_QUERY_STRING_BYTES = 32 * 1024
MAX_REPEATS = 10
MAX_REQUEST_FACETS = 5
MAX_SEARCH_TERMS = 32
REFUSAL_DELAY_SECONDS = 1.0
FACET_PARAMETERS = frozenset({"_facet", "_facet_array", "_facet_date", "_facet_m2m"})
SEARCH_PARAMETER = re.compile(r"^(q|_search|_search_.+)$")
# A double-quoted phrase of fts_query's output; its terms are separated by spaces.
PHRASE = re.compile(r'"([^"]*)"')

ASGIApp = Callable[..., Awaitable[None]]


class UriTooLong(Base400):
    status = 414


def search_terms(q: str) -> int:
    """How many terms the full-text search would look up for ``q``."""
    return sum(len(phrase.split()) for phrase in PHRASE.findall(fts_query(q)))


def check_query_string(query_string: bytes) -> None:
    """Raise a 400-class error naming the first cap the query string breaks."""
    if len(query_string) > MAX_QUERY_STRING_BYTES:
        raise UriTooLong(f"The address is too long: at most {MAX_QUERY_STRING_BYTES:,} bytes after the '?'.")
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, errors="replace")
    counts = Counter(name for name, _ in pairs)
    name, count = counts.most_common(1)[0] if counts else ("", 0)
    if count > MAX_REPEATS:
        raise BadRequest(f"The parameter {name} is given {count} times; at most {MAX_REPEATS} values "
                         "are allowed.")
    facets = sum(counts[name] for name in FACET_PARAMETERS)
    if facets > MAX_REQUEST_FACETS:
        raise BadRequest(f"{facets} facets were asked for; at most {MAX_REQUEST_FACETS} can be added "
                         "at once.")
    for name, value in pairs:
        if SEARCH_PARAMETER.match(name) and search_terms(value) > MAX_SEARCH_TERMS:
            raise BadRequest(f"The search is too long: at most {MAX_SEARCH_TERMS} words "
                             "(each Chinese character counts as one).")


# tryfirst: the innermost wrapper, inside the one that turns exceptions into error pages.
@hookimpl(tryfirst=True)
def asgi_wrapper() -> Callable[[ASGIApp], ASGIApp]:
    def wrap(app: ASGIApp) -> ASGIApp:
        async def limited_app(scope, receive, send) -> None:
            if scope["type"] == "http":
                try:
                    check_query_string(scope.get("query_string", b""))
                except Base400:
                    await asyncio.sleep(REFUSAL_DELAY_SECONDS)
                    raise
            await app(scope, receive, send)

        return limited_app

    return wrap
