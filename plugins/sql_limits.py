"""Bounds on what one query can build, for the SQL anyone can send to the public site.

sql_time_limit_ms stops long queries, but SQLite checks the clock between virtual-machine steps and one
step can build a huge value: ``printf('%.60000000c', 'x')`` sixty times over, or a ``group_concat`` of
every body, took tens of seconds and gigabytes before these limits. Now:

- no value longer than ``MAX_VALUE_BYTES`` (SQLite fails the step with "string or blob too big"); the
  archive's largest stored value is a 51,000-character body, so every real row still reads;
- no more than ``MAX_COLUMNS`` result columns (the widest table has 21), so one row stays bounded;
- LIKE / GLOB patterns of at most ``MAX_LIKE_PATTERN_BYTES`` (one comparison of a pattern against a long
  value cannot be interrupted: 250 bytes against a 1 MB value took 1.5 s);
- no ATTACH;
- at most ``MAX_RESULT_CHARS`` characters of text and bytes of blobs read from one query's rows (the
  1,000 longest articles come to 11.8 million); past that the query fails with a clear message.
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Callable

from datasette import hookimpl

MAX_VALUE_BYTES = 2 * 1024 * 1024
MAX_COLUMNS = 64
MAX_LIKE_PATTERN_BYTES = 64
MAX_RESULT_CHARS = 16_000_000

LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,
    sqlite3.SQLITE_LIMIT_COLUMN: MAX_COLUMNS,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: MAX_LIKE_PATTERN_BYTES,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
}


class ResultTooLarge(sqlite3.OperationalError):
    """A query's rows hold more text than one response may carry."""


def budgeted_rows(make_row: Callable, budget: int = MAX_RESULT_CHARS) -> Callable:
    """A row factory that builds rows with ``make_row`` and fails a cursor once its rows pass ``budget``.

    A connection serves one query at a time, so the count restarts whenever the rows come from another
    cursor (held weakly: a finished cursor must be free to go).
    """
    current: weakref.ref = weakref.ref(budgeted_rows)  # no cursor yet
    spent = 0

    def row_factory(cursor: sqlite3.Cursor, values: tuple) -> object:
        nonlocal current, spent
        if current() is not cursor:
            current, spent = weakref.ref(cursor), 0
        for value in values:
            if value.__class__ is str or value.__class__ is bytes:
                spent += len(value)
        if spent > budget:
            raise ResultTooLarge(
                f"The result is too large (more than {budget:,} characters); select fewer or shorter "
                "columns, or fewer rows (add a limit or a smaller _size)."
            )
        return make_row(cursor, values)

    return row_factory


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    for limit, value in LIMITS.items():
        conn.setlimit(limit, value)
    # Datasette has set its own row factory (sqlite3.Row) before plugins run; keep it, add the budget.
    conn.row_factory = budgeted_rows(conn.row_factory or (lambda _cursor, values: values))
