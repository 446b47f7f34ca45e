"""What a reader's SQL may touch: an allow-list enforced by SQLite's authorizer on every connection.

Anyone can run SQL on the public site. Datasette only checks that a statement starts with SELECT, so
without this SQLite would also let a reader call ``fts3_tokenizer`` (which hands out a pointer into the
library and, given a forged one, crashes the server: the library is built with ENABLE_FTS3_TOKENIZER),
read other readers' SQL from ``sqlite_stmt``, or learn the file's path from ``pragma_database_list``.

The authorizer runs when a statement is prepared, so nothing denied ever executes. Allowed:

- reading the database's own tables, views and their FTS shadow tables, the schema table, a query's own
  CTEs, and of the virtual tables SQLite provides without a CREATE (every module it ships, every
  ``pragma_*``) only those a reader can use (``json_each``, ``json_tree``, schema pragmas);
- SQLite's own functions on ``READER_FUNCTIONS`` and every function registered by the site's own code
  (Datasette and our plugins), which SQLite does not ship;
- SELECT, recursive CTEs, and the PRAGMA statements Datasette itself runs (readers cannot write a
  PRAGMA statement: Datasette accepts only SELECT, WITH and EXPLAIN).

Everything else (writes, ATTACH, transactions, other virtual tables, other functions) is denied. The
``_internal`` database is Datasette's own bookkeeping, written by Datasette and closed to readers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from datasette import hookimpl

# SQLite's functions a reader has a use for. Left out on purpose: fts3_tokenizer (memory corruption),
# load_extension, sqlite_compileoption_*/sqlite_source_id (build details), sqlite_log, randomblob and
# zeroblob (only good for making big values), printf/format (a '%.600000000c' takes 6.6 s in one step no
# time limit can interrupt, past any length limit), json_patch (quadratic in the keys), rtree*/fts3
# helpers (no such tables here), fts5().
READER_FUNCTIONS = frozenset({
    # core
    "abs", "avg", "changes", "char", "coalesce", "count", "glob", "group_concat", "hex",
    "ifnull", "iif", "instr", "length", "like", "likelihood", "likely", "lower", "ltrim", "max", "min",
    "nullif", "quote", "random", "replace", "round", "rtrim", "sign", "soundex", "substr",
    "substring", "sum", "total", "trim", "typeof", "unicode", "unlikely", "upper",
    # dates
    "date", "time", "datetime", "julianday", "strftime", "unixepoch", "current_date", "current_time",
    "current_timestamp",
    # math
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "ceiling", "cos", "cosh",
    "degrees", "exp", "floor", "ln", "log", "log10", "log2", "mod", "pi", "pow", "power", "radians",
    "sin", "sinh", "sqrt", "tan", "tanh", "trunc",
    # window
    "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
    "first_value", "last_value", "nth_value",
    # JSON
    "json", "json_array", "json_array_length", "json_extract", "json_insert", "json_object",
    "json_quote", "json_remove", "json_replace", "json_set", "json_type", "json_valid",
    "json_group_array", "json_group_object", "->", "->>",
    # full-text search (FTS5)
    "match", "bm25", "highlight", "snippet",
})

# Table-valued functions and pragmas a reader may select from: JSON and the schema (no file paths,
# no module or function lists, no statements of other connections, no page statistics).
READER_TABLE_FUNCTIONS = frozenset({
    "json_each", "json_tree", "pragma_table_info", "pragma_table_xinfo", "pragma_index_list",
    "pragma_index_info", "pragma_index_xinfo", "pragma_foreign_key_list",
})
SCHEMA_TABLES = frozenset({"sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_temp_schema"})

# PRAGMA statements Datasette runs on its connections (database page, schema checks, table pages), and
# data_version, which FTS5 reads internally.
DATASETTE_PRAGMAS = frozenset({
    "database_list", "schema_version", "data_version", "table_info", "table_xinfo", "index_list",
    "index_info", "index_xinfo", "foreign_key_list",
})

UNGUARDED_DATABASES = frozenset({"_internal"})


def shipped(listing: str) -> frozenset[str]:
    """Names SQLite itself provides: ``function`` or ``module`` (as opposed to what our code registers)."""
    conn = sqlite3.connect(":memory:")
    try:
        return frozenset(name for (name,) in conn.execute(f"select name from pragma_{listing}_list"))
    finally:
        conn.close()


SQLITE_FUNCTIONS = shipped("function")
SQLITE_MODULES = shipped("module")  # virtual table modules: sqlite_stmt, fts3tokenize, dbstat, json_each...


def is_virtual_table_function(name: str) -> bool:
    """A table SQLite provides without any CREATE (every pragma is one, as ``pragma_<name>``)."""
    return name in SQLITE_MODULES or name.startswith("pragma_")


Authorizer = Callable[[int, str | None, str | None, str | None, str | None], int]


def authorizer(tables: frozenset[str]) -> Authorizer:
    """An authorizer callback allowing reads of ``tables`` (lower-cased names) and the lists above."""
    readable = tables | SCHEMA_TABLES | READER_TABLE_FUNCTIONS

    def may_read(table: str) -> bool:
        # Names outside the schema are a query's own CTEs (read by name only for count(*)), unless they
        # are SQLite's table-valued functions, which only the allow-list opens.
        return table in readable or not is_virtual_table_function(table)

    def authorize(action: int, arg1: str | None, arg2: str | None, _db: str | None, _via: str | None) -> int:
        if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_RECURSIVE):
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_READ:
            return sqlite3.SQLITE_OK if may_read((arg1 or "").lower()) else sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_FUNCTION:
            name = (arg2 or "").lower()
            allowed = name in READER_FUNCTIONS or name not in SQLITE_FUNCTIONS
            return sqlite3.SQLITE_OK if allowed else sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_UPDATE and (arg1 or "").lower() == "sqlite_master":
            # SQLite asks this while a virtual table declares its columns (every first use of FTS5, json_each,
            # ...); the schema itself stays read-only (immutable file, no writable_schema, SELECT only).
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_PRAGMA:
            return sqlite3.SQLITE_OK if (arg1 or "").lower() in DATASETTE_PRAGMAS else sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_DENY

    return authorize


# trylast: other plugins' prepare_connection (pragmas, functions) run first, before anything is denied.
@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection, database: str) -> None:
    if database in UNGUARDED_DATABASES:
        return
    # The served file is immutable, so its schema, read once here, is the schema for the connection's life.
    tables = frozenset(name.lower() for (name,) in conn.execute("select name from sqlite_master"))
    conn.set_authorizer(authorizer(tables))
