"""Datasette plugin: Chinese/English full-text search over the bigram-indexed articles_fts.

Replaces Datasette's escape_fts() (used by ?_search= on tables with fts_table set) with
newsarchive.search_text.fts_query, and adds search_snippet(text, query[, width]) (HTML, terms in <mark>) and
search_snippet_text(text, query[, width]) (plain text, terms in [brackets]), drawn from the original text.
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

from newsarchive.search_text import fts_query, search_snippet, search_snippet_text  # noqa: E402


# trylast: pluggy calls trylast implementations after all others, so our create_function runs after
# datasette.sql_functions registers its own escape_fts, and SQLite keeps the last registration.
@hookimpl(trylast=True)
def prepare_connection(conn) -> None:
    conn.create_function("escape_fts", 1, fts_query, deterministic=True)
    conn.create_function("search_snippet", 2, search_snippet, deterministic=True)
    conn.create_function("search_snippet", 3, search_snippet, deterministic=True)
    conn.create_function("search_snippet_text", 2, search_snippet_text, deterministic=True)
    conn.create_function("search_snippet_text", 3, search_snippet_text, deterministic=True)
