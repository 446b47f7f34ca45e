"""SQL functions as readers meet them: the linear-time instr / replace / trim of plugins/linear_functions.py
give what SQLite's own give, and the slow cases that took seconds to minutes in one step are instant."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

PLUGIN = Path(__file__).resolve().parents[1] / "plugins" / "linear_functions.py"
LIMIT = 2 * 1024 * 1024


def load_plugin():
    spec = importlib.util.spec_from_file_location("linear_functions", PLUGIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def connection(with_plugin: bool) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, LIMIT)
    conn.text_factory = lambda data: data.decode("utf-8", "replace")  # as Datasette reads text
    if with_plugin:
        load_plugin().prepare_connection(conn)
    return conn


OURS, SQLITES = connection(True), connection(False)
# Texts over a small alphabet (so needles are found), numbers, UTF-8 blobs and NULL.
texts = st.text(alphabet="ab中 é", max_size=12)
values = st.one_of(texts, st.integers(-1000, 1000), st.floats(allow_nan=False, allow_infinity=False),
                   texts.map(str.encode), st.none())
CALLS = ["instr(?, ?)", "replace(?, ?, ?)", "trim(?, ?)", "ltrim(?, ?)", "rtrim(?, ?)"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CALLS), st.tuples(values, values, values))
def test_the_same_results_as_sqlite(call: str, arguments: tuple) -> None:
    sql = f"select {call}"
    arguments = arguments[: call.count("?")]
    assert OURS.execute(sql, arguments).fetchone() == SQLITES.execute(sql, arguments).fetchone()


LONG = "with recursive r(i, s) as (select 1, 'a' union all select i + 1, s || s from r where i < 21) "
# Each took 14-159 s inside one uninterruptible step with SQLite's own functions (values under the limit).
SLOW_CASES = [
    LONG + "select instr(s, substr(s, 1, 200000) || 'b') from r where i = 21",
    LONG + "select length(replace(s, substr(s, 1, 200000) || 'b', 'x')) from r where i = 21",
    LONG + "select length(trim(s, replace(substr(s, 1, 131072), 'a', 'b') || 'a')) from r where i = 18",
]


@pytest.mark.parametrize("sql", SLOW_CASES)
def test_quadratic_cases_take_one_pass(sql: str) -> None:
    OURS.set_progress_handler(None, 0)
    assert OURS.execute(sql).fetchone()[0] in (0, 1_048_576)


def test_a_replace_past_the_length_limit_fails_like_sqlites() -> None:
    with pytest.raises(sqlite3.DataError, match="too big"):
        OURS.execute(LONG + "select replace(s, 'a', 'aaa') from r where i = 21").fetchone()
