"""metadata.yml describes the database as a build writes it: every table and column, and every value of
the columns whose description lists them ("one of: …")."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
import yaml

from newsarchive.outlets import KINDS
from newsarchive.parsers import PARSERS

REPO = Path(__file__).resolve().parents[1]
TABLES = yaml.safe_load((REPO / "metadata.yml").read_text(encoding="utf-8"))["databases"]["archive"]["tables"]
# "…; one of: a, b (what b means), c" → {a, b, c}
ONE_OF = re.compile(r"one of: (.*)", re.IGNORECASE)


def documented_values(description: str) -> set[str] | None:
    found = ONE_OF.search(description)
    if not found:
        return None
    listed = re.sub(r"\([^)]*\)", "", found.group(1))
    return {value.strip() for value in listed.split(",") if value.strip()}


ENUMERATIONS = [(table, column, values) for table, spec in TABLES.items()
                for column, description in (spec.get("columns") or {}).items()
                if (values := documented_values(description)) is not None]


def test_every_table_and_column_is_documented(sample_db: Path) -> None:
    db = sqlite_utils.Database(sample_db)
    hidden = {name for name in db.table_names() if name.startswith(("articles_fts_", "sqlite_"))}
    assert set(db.table_names()) - hidden == set(TABLES)
    for table, spec in TABLES.items():
        if "columns" in spec:
            assert set(db[table].columns_dict) == set(spec["columns"]), table


@pytest.mark.parametrize(("table", "column", "values"), ENUMERATIONS,
                         ids=[f"{table}.{column}" for table, column, _ in ENUMERATIONS])
def test_values_written_are_documented(sample_db: Path, table: str, column: str, values: set[str]) -> None:
    conn = sqlite3.connect(f"file:{sample_db}?mode=ro", uri=True)
    written = {str(v) for (v,) in conn.execute(f"SELECT DISTINCT {column} FROM {table} WHERE {column} != ''")
               if v is not None}
    conn.close()
    assert written <= values, (table, column, written - values)


def test_documented_enumerations_match_the_code() -> None:
    columns = {(table, column): values for table, column, values in ENUMERATIONS}
    assert columns["articles", "format"] == columns["sources", "format"] == {p.FORMAT for p in PARSERS}
    assert columns["outlets", "kind"] == set(KINDS)
    schema = (REPO / "newsarchive" / "schema.py").read_text(encoding="utf-8")
    status = re.search(r"status IN \(([^)]*)\)", schema).group(1)
    assert columns["sources", "status"] == {value.strip(" '") for value in status.split(",")}
