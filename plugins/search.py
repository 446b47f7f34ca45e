"""Datasette plugin: Chinese/English full-text search over the bigram-indexed articles_fts.

- SQL functions: ``escape_fts`` (replacing Datasette's, so ``?_search=`` takes any user input),
  ``search_snippet(text, q[, width])`` (HTML, terms in <mark>), ``search_snippet_text`` (terms in
  [brackets]) and ``search_name_key(q)`` (a query in the form of ``search_names.key``).
- ``search_articles(args)`` for templates/pages/search.html: one page of ranked results with counts,
  facets and filters, from the same SQL as the ``ranked_search`` canned query.

What a query finds: the articles whose own words (title, summary, body, captions, tags) match it, in
either script. When the whole query is the name of one person, organization or place, the articles
linked to that entity are added too, counted apart, and the page says so.
"""

from __future__ import annotations

import sys
from pathlib import Path

from datasette import hookimpl

# Datasette loads plugins-dir files by path and the project is not an installed package:
# make the repository root importable so `datasette serve --plugins-dir plugins` works from anywhere.
REPO_ROOT = str(Path(__file__).resolve().parents[1])
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from newsarchive.search_pages import RANKED_SEARCH_SQL, SearchArgs, search_articles  # noqa: E402
from newsarchive.search_text import fts_query, name_key, search_snippet, search_snippet_text  # noqa: E402

DATABASE = "archive"


@hookimpl
def canned_queries(datasette, database):
    if database != DATABASE:
        return None
    return {
        "ranked_search": {
            "title": "Ranked full-text search",
            "description": (
                "Articles whose own words match (English or Chinese, either script), best first; a name "
                "also finds the articles linked to it. One row per text (reposts together), headline-only "
                "items last: the same ranking as the search page."),
            "sql": RANKED_SEARCH_SQL,
        }
    }


# trylast: pluggy calls trylast implementations after all others, so our create_function runs after
# datasette.sql_functions registers its own escape_fts, and SQLite keeps the last registration.
@hookimpl(trylast=True)
def prepare_connection(conn) -> None:
    conn.create_function("escape_fts", 1, fts_query, deterministic=True)
    conn.create_function("search_name_key", 1, name_key, deterministic=True)
    conn.create_function("search_snippet", 2, search_snippet, deterministic=True)
    conn.create_function("search_snippet", 3, search_snippet, deterministic=True)
    conn.create_function("search_snippet_text", 2, search_snippet_text, deterministic=True)
    conn.create_function("search_snippet_text", 3, search_snippet_text, deterministic=True)


@hookimpl
def extra_template_vars(datasette, request):
    async def search(args=None) -> dict:
        db = datasette.get_database(DATABASE)
        return await search_articles(db, SearchArgs.from_request(args or request.args))

    return {"search_articles": search, "SearchArgs": SearchArgs}
