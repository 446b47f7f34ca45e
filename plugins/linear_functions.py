"""instr, replace and trim in linear time, in place of SQLite's quadratic ones, for readers' SQL.

SQLite's ``instr(X, Y)`` and ``replace(X, Y, Z)`` compare Y at every position of X, and ``trim(X, Y)`` (with
``ltrim``/``rtrim``) compares every end character of X with every character of Y: O(len(X) * len(Y)) in one
step that the time limit cannot interrupt. Built from values within the length limit, ``instr`` took 15 s
and ``trim`` 159 s on this machine. These Python versions give the same results in linear time (Python's
string search is linear; trimming uses a set), and refuse a ``replace`` whose result would pass the length
limit before building it, as SQLite does.

Values become text the way SQLite's functions take them: numbers as SQLite writes them, blobs as UTF-8
(``instr`` of two blobs counts bytes, as SQLite's does). Results equal SQLite's for text, numbers and
UTF-8 blobs (tests/test_attacks_functions.py); blobs that are not UTF-8 are read with U+FFFD for each bad
byte sequence, where SQLite compares raw bytes.
"""

from __future__ import annotations

import sqlite3
import threading

from datasette import hookimpl

# SQLite's own float-to-text (its rounding differs from Python's), shared by the SQL threads.
_FLOAT_TEXT = sqlite3.connect(":memory:", check_same_thread=False)
_FLOAT_TEXT_LOCK = threading.Lock()


def as_text(value: object) -> str:
    """``value`` as SQLite's text functions read it."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, float):
        with _FLOAT_TEXT_LOCK:
            return _FLOAT_TEXT.execute("select cast(? as text)", (value,)).fetchone()[0]
    return str(value)


def instr(haystack: object, needle: object) -> int | None:
    """1-based position of the first ``needle`` in ``haystack`` (0 if absent)."""
    if haystack is None or needle is None:
        return None
    if isinstance(haystack, bytes) and isinstance(needle, bytes):
        return haystack.find(needle) + 1
    return as_text(haystack).find(as_text(needle)) + 1


def replacer(conn: sqlite3.Connection):
    """replace(X, Y, Z) for ``conn``, refusing results longer than the connection's length limit."""

    def replace(source: object, old: object, new: object) -> object:
        # SQLite's order of checks: an empty pattern gives X back (a blob as text), even with a NULL Z.
        if source is None or old is None:
            return None
        if not as_text(old):
            return as_text(source) if isinstance(source, bytes) else source
        if new is None:
            return None
        source, old, new = as_text(source), as_text(old), as_text(new)
        limit = conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH)
        grows = len(new.encode()) - len(old.encode())
        if len(source.encode()) + source.count(old) * grows > limit:
            # One byte past the limit makes SQLite fail the step with its own "string or blob too big".
            return "x" * (limit + 1)
        return source.replace(old, new)

    return replace


def trimmer(left: bool, right: bool):
    """trim / ltrim / rtrim with a set of characters to remove."""

    def trim(value: object, characters: object) -> str | None:
        if value is None or characters is None:
            return None
        text, remove = as_text(value), set(as_text(characters))
        start, end = 0, len(text)
        while left and start < end and text[start] in remove:
            start += 1
        while right and end > start and text[end - 1] in remove:
            end -= 1
        return text[start:end]

    return trim


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    functions = {
        ("instr", 2): instr,
        ("replace", 3): replacer(conn),
        ("trim", 2): trimmer(left=True, right=True),
        ("ltrim", 2): trimmer(left=True, right=False),
        ("rtrim", 2): trimmer(left=False, right=True),
    }
    # Functions registered by the application take precedence over SQLite's own of the same name and arity.
    for (name, arity), function in functions.items():
        conn.create_function(name, arity, function, deterministic=True)
