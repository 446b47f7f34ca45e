"""A cap on the size of any one value a reader's SQL can build.

The site runs ad-hoc SQL from anyone. sql_time_limit_ms stops long queries, but SQLite cannot interrupt
one huge allocation: ``randomblob(900000000)`` or ``group_concat(body)`` over the whole archive takes
seconds and gigabytes in a single step. SQLite's own length limit makes such a query fail at once with
"string or blob too big"; the largest value the archive holds (a raw input file) is far smaller.
"""

from __future__ import annotations

import sqlite3

from datasette import hookimpl

MAX_VALUE_BYTES = 64 * 1024 * 1024  # the builder stores no file over 20 MB


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
